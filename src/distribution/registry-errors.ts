/**
 * Errors a registry answers with (the distribution spec's `{"errors":[{code,
 * message, detail}]}` body), and how a failed pull is worded for the docker
 * CLI (moby's translatePullError).
 *
 * A RegistryError reads as distribution's errcode does: the code in lower
 * case with spaces, then the message ("manifest unknown: manifest unknown").
 * Its kind follows the HTTP status, so the API edge answers 404 for an
 * unknown manifest and 401 for missing credentials.
 */
import type { IncomingMessage } from 'node:http';
import { BerthError, NotFoundError, UnauthenticatedError, type ErrorKind } from '../errors.js';
import { familiarName, familiarString, type Reference } from '../reference/reference.js';

export interface RegistryErrorEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

/** Bytes of an error body worth reading: anything longer is not a spec error document. */
const MAX_ERROR_BODY = 64 * 1024;

export class RegistryError extends BerthError {
  override readonly kind: ErrorKind;

  constructor(
    readonly status: number,
    readonly errors: RegistryErrorEntry[],
    message: string,
  ) {
    super(message);
    this.kind = kindOfStatus(status);
  }

  /** The first error's code ("MANIFEST_UNKNOWN"), if the registry sent one. */
  get registryCode(): string | undefined {
    return this.errors[0]?.code;
  }
}

function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  if (status === 400 || status === 405 || status === 416) return 'invalid_argument';
  if (status === 409) return 'conflict';
  if (status === 429 || status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'internal';
}

/** distribution's errcode text: "MANIFEST_UNKNOWN" + "manifest unknown" → "manifest unknown: manifest unknown". */
export function errcodeText(e: RegistryErrorEntry): string {
  const code = e.code.toLowerCase().replace(/_/g, ' ');
  return e.message ? `${code}: ${e.message}` : code;
}

/** Reads a failed response's body and makes the error it describes. */
export async function registryErrorOf(res: IncomingMessage, method: string, url: string): Promise<RegistryError> {
  const status = res.statusCode ?? 0;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size < MAX_ERROR_BODY) chunks.push(chunk);
    size += chunk.length;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let errors: RegistryErrorEntry[] = [];
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) {
      errors = parsed.errors.filter((e): e is RegistryErrorEntry => typeof e === 'object' && e !== null && typeof (e as RegistryErrorEntry).code === 'string');
    }
  } catch {
    // not a spec error document
  }
  if (errors.length > 0) return new RegistryError(status, errors, errcodeText(errors[0]!));
  if (status === 401) {
    // distribution's client: a 401 without a document is UNAUTHORIZED all the same.
    const e = { code: 'UNAUTHORIZED', message: 'authentication required' };
    return new RegistryError(status, [e], errcodeText(e));
  }
  return new RegistryError(status, [], `unexpected status from ${method} request to ${url}: ${status} ${res.statusMessage ?? ''}`.trim());
}

/**
 * moby's translatePullError: the registry's refusal worded for the user. The
 * codes that mean "there is nothing here you may pull" become NotFoundError
 * (the docker CLI shows its usual message for a 404); UNAUTHORIZED stays a 401.
 */
export function pullError(err: unknown, ref: Reference): unknown {
  if (!(err instanceof RegistryError)) return err;
  switch (err.registryCode) {
    case 'DENIED':
      return new NotFoundError(`pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${err.message}`, { cause: err });
    case 'MANIFEST_UNKNOWN':
      return new NotFoundError(`manifest for ${familiarString(ref)} not found: ${err.message}`, { cause: err });
    case 'NAME_UNKNOWN':
      return new NotFoundError(`repository ${familiarName(ref)} not found: ${err.message}`, { cause: err });
    case 'UNAUTHORIZED':
      return new UnauthenticatedError(err.message, { cause: err });
    default:
      return err;
  }
}
