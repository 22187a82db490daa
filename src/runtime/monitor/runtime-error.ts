/**
 * Turns what the OCI runtime (runc) wrote to stderr when it failed into a
 * Berth error.
 *
 * runc logs through logrus: when stderr is not a terminal a failure looks like
 *   time="…" level=error msg="runc create failed: unable to start container process: exec: \"x\": executable file not found in $PATH"
 * (or one JSON object a line with --log-format json). We take the last error
 * message, and when it is the "cannot exec the command" case we keep Docker's
 * wording from `exec: "x": …` on, because docker/cli decides exit code 127
 * from that text.
 */
import { BerthError, NotFoundError } from '../../errors.js';

const LOGRUS_TEXT = /\blevel=(?:error|fatal|panic)\s+msg="((?:[^"\\]|\\.)*)"/;

/** Unquotes a Go %q / logrus quoted string body. */
function unquoteGo(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, esc: string) => {
    switch (esc[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'u':
      case 'x':
        return String.fromCharCode(parseInt(esc.slice(1), 16));
      default:
        return esc;
    }
  });
}

/** The runtime's own error message out of its stderr (last error line wins). */
export function runtimeMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const text = LOGRUS_TEXT.exec(line);
    if (text) return unquoteGo(text[1]!);
    if (line.startsWith('{')) {
      try {
        const obj = JSON.parse(line) as { level?: unknown; msg?: unknown };
        if (typeof obj.msg === 'string' && (obj.level === 'error' || obj.level === 'fatal')) return obj.msg;
      } catch {
        // not a JSON log line: fall through to raw text
      }
    }
  }
  return lines.join('\n') || 'runtime failed without a message';
}

const EXEC_NOT_FOUND = /exec: "(?:[^"\\]|\\.)*": (?:.*executable file not found.*|.*no such file or directory.*)$/;

/**
 * The error to throw for a failed runtime command. A command that cannot be
 * found is NotFoundError with Docker's text; anything else is internal.
 */
export function runtimeFailure(stderr: string): BerthError {
  const message = runtimeMessage(stderr);
  const cause = new Error(message);
  const notFound = EXEC_NOT_FOUND.exec(message);
  if (notFound) return new NotFoundError(notFound[0], { cause });
  return new BerthError(message, { cause });
}
