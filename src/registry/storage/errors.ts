/**
 * The distribution spec's error catalogue, in one place: each code with its
 * HTTP status, default message and Berth error kind. Storage throws a
 * DistributionError with a code; the server writes it as
 * `{"errors":[{"code","message","detail"}]}` with the status from this table
 * (src/registry/server/error-response.ts), nowhere else.
 *
 * Statuses follow the CNCF distribution registry where the spec leaves them
 * open (BLOB_UPLOAD_INVALID 404, MANIFEST_BLOB_UNKNOWN 400, UNSUPPORTED 405);
 * a throw site may override the status where the spec names a specific one
 * (416 for an out-of-order chunk, 413 for an oversized manifest).
 */
import { BerthError, type ErrorKind } from '../../errors.js';

interface CodeInfo {
  status: number;
  message: string;
  kind: ErrorKind;
}

const CATALOGUE = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry', kind: 'not_found' },
  BLOB_UPLOAD_INVALID: { status: 404, message: 'blob upload invalid', kind: 'invalid_argument' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry', kind: 'not_found' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content', kind: 'invalid_argument' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'manifest references a manifest or blob unknown to registry', kind: 'failed_precondition' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid', kind: 'invalid_argument' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry', kind: 'not_found' },
  NAME_INVALID: { status: 400, message: 'invalid repository name', kind: 'invalid_argument' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry', kind: 'not_found' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length', kind: 'invalid_argument' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI', kind: 'invalid_argument' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested', kind: 'invalid_argument' },
  UNAUTHORIZED: { status: 401, message: 'authentication required', kind: 'permission_denied' },
  DENIED: { status: 403, message: 'requested access to the resource is denied', kind: 'permission_denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported', kind: 'not_implemented' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests', kind: 'unavailable' },
  UNAVAILABLE: { status: 503, message: 'service unavailable', kind: 'unavailable' },
  UNKNOWN: { status: 500, message: 'unknown error', kind: 'internal' },
} as const satisfies Record<string, CodeInfo>;

export type DistributionCode = keyof typeof CATALOGUE;

export function codeInfo(code: DistributionCode): CodeInfo {
  return CATALOGUE[code];
}

export interface DistributionErrorOptions {
  /** Overrides the catalogue's message (lower-case, names the subject). */
  message?: string;
  /** The spec's free-form `detail`. */
  detail?: unknown;
  /** Overrides the catalogue's status where the spec asks for a specific one. */
  status?: number;
  /** Extra response headers (e.g. `Range` on a 416). */
  headers?: Record<string, string>;
  /** Further errors reported in the same answer (one MANIFEST_BLOB_UNKNOWN per missing blob). */
  more?: DistributionError[];
  cause?: unknown;
}

export class DistributionError extends BerthError {
  override readonly kind: ErrorKind;
  readonly registryCode: DistributionCode;
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string>;
  readonly more: DistributionError[];

  constructor(code: DistributionCode, opts: DistributionErrorOptions = {}) {
    const info = CATALOGUE[code];
    super(opts.message ?? info.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = info.kind;
    this.registryCode = code;
    this.status = opts.status ?? info.status;
    this.detail = opts.detail;
    this.headers = opts.headers ?? {};
    this.more = opts.more ?? [];
  }
}

/** True when err is a DistributionError with one of the codes. */
export function isDistributionError(err: unknown, ...codes: DistributionCode[]): err is DistributionError {
  return err instanceof DistributionError && (codes.length === 0 || codes.includes(err.registryCode));
}
