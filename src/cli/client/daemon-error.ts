/**
 * Errors the Engine API client raises.
 *
 * The daemon answers failures with an HTTP status and a `{"message": …}` body
 * (moby's httpstatus table, mirrored by berthd's src/api/). The client turns
 * that pair back into one of Berth's error kinds so callers can branch on
 * `err.kind === 'not_found'` (the "Unable to find image" pull fallback, `rm -f`
 * ignoring missing containers) without parsing messages. The message is kept
 * verbatim: the CLI prints it after "Error response from daemon: ", exactly as
 * docker does, and scripts grep for docker's wording.
 */
import { BerthError, UnavailableError, type ErrorKind } from '../../errors.js';

/** HTTP status → error kind; the inverse of the daemon's kind → status table. */
const KIND_BY_STATUS: ReadonlyMap<number, ErrorKind> = new Map<number, ErrorKind>([
  [400, 'invalid_argument'],
  [401, 'permission_denied'],
  [403, 'permission_denied'],
  [404, 'not_found'],
  [409, 'conflict'],
  [412, 'failed_precondition'],
  [501, 'not_implemented'],
  [503, 'unavailable'],
]);

/** A non-2xx answer from the daemon, carrying its status and message. */
export class DaemonError extends BerthError {
  override readonly kind: ErrorKind;
  readonly statusCode: number;

  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
    this.kind = KIND_BY_STATUS.get(statusCode) ?? 'internal';
  }
}

/** True when err is a daemon answer of the given kind (e.g. 'not_found'). */
export function isDaemonError(err: unknown, kind?: ErrorKind): err is DaemonError {
  return err instanceof DaemonError && (kind === undefined || err.kind === kind);
}

/**
 * The socket could not be reached at all (no daemon, wrong path, no
 * permission). Docker prints this without the "Error response from daemon"
 * prefix, because the daemon never answered.
 */
export class DaemonUnreachableError extends UnavailableError {}

/** Builds the docker-worded connection failure for a host URL. */
export function unreachable(hostUrl: string, cause: NodeJS.ErrnoException): DaemonUnreachableError {
  if (cause.code === 'EACCES') {
    return new DaemonUnreachableError(
      `permission denied while trying to connect to the Berth daemon socket at ${hostUrl}`,
      { cause },
    );
  }
  return new DaemonUnreachableError(
    `Cannot connect to the Berth daemon at ${hostUrl}. Is the berth daemon running?`,
    { cause },
  );
}

/**
 * Decodes an error body. moby sends `{"message": "..."}`; anything else
 * (plain text, empty HEAD answers) falls back to the text or the status line.
 */
export function decodeErrorBody(statusCode: number, statusMessage: string, body: string): DaemonError {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') return new DaemonError(statusCode, parsed.message);
    } catch {
      // not JSON after all: use the raw text below
    }
  }
  if (text !== '') return new DaemonError(statusCode, text);
  return new DaemonError(statusCode, `${statusCode} ${statusMessage}`.trim());
}
