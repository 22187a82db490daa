/**
 * An error in a Dockerfile, located: "Dockerfile:12: unknown instruction: FOO".
 *
 * The parser throws it for syntax errors; the builder throws it (via
 * DockerfileError.at) when an instruction fails at dispatch time, e.g. a
 * bad `${VAR:?}` expansion, so every user-facing build error names the
 * file and line. It is an InvalidArgumentError: the API answers 400.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { SourceSpan } from './types.js';

export class DockerfileError extends InvalidArgumentError {
  /** The Dockerfile's name as the user gave it. */
  readonly file: string;
  /** 1-based line of the instruction (its first line); 0 when the error is about the whole file. */
  readonly line: number;
  /** The message without its location ("unknown instruction: FOO"). */
  readonly detail: string;

  constructor(file: string, line: number, detail: string, options?: { cause?: unknown }) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`, options);
    this.file = file;
    this.line = line;
    this.detail = detail;
  }

  /**
   * Locates an error thrown while handling the command at span: an
   * InvalidArgumentError becomes a DockerfileError with its message; one
   * already located, other kinds (not found, unavailable, …) and non-Berth
   * errors are returned unchanged, for the caller to rethrow.
   */
  static at(span: SourceSpan, err: unknown): unknown {
    if (err instanceof DockerfileError || !(err instanceof InvalidArgumentError)) return err;
    return new DockerfileError(span.file, span.startLine, err.message, { cause: err });
  }
}
