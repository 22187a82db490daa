/**
 * The closed set of error kinds Berth code throws (containerd's errdefs).
 *
 * Domain code throws one of these; the API edge (src/api/http-status.ts) maps
 * the kind to an HTTP status once, and the CLI maps it to an exit code once.
 * Anything that is not a BerthError is an internal error (HTTP 500).
 *
 * Messages are lower-case and name their subject, except where Docker's exact
 * wording is parsed by clients ("No such container: x").
 */
export type ErrorKind =
  | 'not_found'
  | 'invalid_argument'
  | 'already_exists'
  | 'conflict'
  | 'failed_precondition'
  | 'permission_denied'
  | 'unauthenticated'
  | 'unavailable'
  | 'not_implemented'
  | 'data_loss'
  | 'internal';

export class BerthError extends Error {
  readonly kind: ErrorKind = 'internal';
  /** Stable machine-readable code, e.g. BERTH_NOT_FOUND (see docs/errors.md). */
  get code(): string {
    return `BERTH_${this.kind.toUpperCase()}`;
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends BerthError {
  override readonly kind = 'not_found';
}
export class InvalidArgumentError extends BerthError {
  override readonly kind = 'invalid_argument';
}
export class AlreadyExistsError extends BerthError {
  override readonly kind = 'already_exists';
}
export class ConflictError extends BerthError {
  override readonly kind = 'conflict';
}
export class FailedPreconditionError extends BerthError {
  override readonly kind = 'failed_precondition';
}
export class PermissionDeniedError extends BerthError {
  override readonly kind = 'permission_denied';
}
/** No or wrong credentials (a registry's 401): distinct from permission_denied, which is a refusal of known credentials. */
export class UnauthenticatedError extends BerthError {
  override readonly kind = 'unauthenticated';
}
export class UnavailableError extends BerthError {
  override readonly kind = 'unavailable';
}
export class NotImplementedError extends BerthError {
  override readonly kind = 'not_implemented';
}
export class DataLossError extends BerthError {
  override readonly kind = 'data_loss';
}

/** The kind of any thrown value; non-Berth errors are internal. */
export function errorKind(err: unknown): ErrorKind {
  return err instanceof BerthError ? err.kind : 'internal';
}

/** True for a Node system error with the given errno code (ENOENT, EEXIST, …). */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
