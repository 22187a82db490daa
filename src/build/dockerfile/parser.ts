/**
 * The Dockerfile parser: text → Dockerfile { directives, escape, metaArgs,
 * stages } (see types.ts for what the builder does with it).
 *
 *   line-reader.ts   physical lines → logical lines (BOM, CRLF, directives,
 *                    comments, continuations, heredoc bodies)
 *   instructions.ts  logical line → typed Command (flags, JSON or shell
 *                    form, argument counts), nothing expanded
 *   parser.ts        commands → stages: ARGs before the first FROM are meta
 *                    args; anything else there is an error
 *
 * Every error is a DockerfileError, "Dockerfile:12: unknown instruction: FOO".
 */
import { InvalidArgumentError } from '../../errors.js';
import { DockerfileError } from './dockerfile-error.js';
import { buildCommand } from './instructions.js';
import { readLogicalLines } from './line-reader.js';
import type { ArgCommand, Command, Dockerfile, SourceSpan, Stage } from './types.js';

/** Parses a whole Dockerfile; file names it in errors and spans. */
export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  if (text.length === 0) throw new DockerfileError(file, 0, 'the Dockerfile cannot be empty');
  const { directives, escape, lines } = readLogicalLines(text, file);
  if (lines.length === 0) throw new DockerfileError(file, 0, 'file with no instructions');

  const metaArgs: ArgCommand[] = [];
  const stages: Stage[] = [];
  for (const line of lines) {
    const span: SourceSpan = { file, startLine: line.startLine, endLine: line.endLine };
    const cmd = located(span, () => buildCommand(line.text, span, escape, line.heredocs));
    if (cmd.kind === 'FROM') {
      stages.push({ from: cmd, index: stages.length, commands: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.commands.push(cmd);
    } else if (cmd.kind === 'ARG') {
      metaArgs.push(cmd);
    } else {
      throw new DockerfileError(file, span.startLine, 'no build stage in current context');
    }
  }
  if (stages.length === 0) throw new DockerfileError(file, 0, 'dockerfile contains no stages to build');
  return { directives, escape, metaArgs, stages };
}

/**
 * Parses the text of one instruction outside its Dockerfile, e.g. an
 * ONBUILD trigger from an image config ("RUN echo hi", or "RUN <<EOF\n…\nEOF"
 * with its heredoc bodies). Every error and the command's span point at
 * span (for a trigger: the FROM line that pulled it in). Exactly one
 * instruction is expected.
 */
export function parseCommandText(text: string, span: SourceSpan, escape = '\\'): Command {
  return located(span, () => {
    const read = readLogicalLines(text, span.file, escape);
    if (read.lines.length !== 1) {
      throw new InvalidArgumentError(`expected one instruction in ${JSON.stringify(text)}, found ${read.lines.length}`);
    }
    const line = read.lines[0]!;
    return buildCommand(line.text, span, read.escape, line.heredocs);
  });
}

/** Runs fn; an InvalidArgumentError from it (located elsewhere or not) is reported at span. */
function located<T>(span: SourceSpan, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    const detail = err instanceof DockerfileError ? err.detail : err.message;
    if (err instanceof DockerfileError && err.file === span.file && err.line === span.startLine) throw err;
    throw new DockerfileError(span.file, span.startLine, detail, { cause: err });
  }
}
