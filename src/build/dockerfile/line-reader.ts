/**
 * Physical lines → logical instruction lines, as BuildKit's parser.Parse
 * reads a Dockerfile:
 *
 * - a byte-order mark at the start is dropped; "\r\n" and "\n" both end a line;
 * - parser directives are read at the top (directives.ts);
 * - a line whose first non-blank character is "#" is a comment and is
 *   dropped, also in the middle of a continued instruction;
 * - the escape character at the end of a line (blanks after it allowed,
 *   unless it is itself escaped) joins the next line; blank lines inside a
 *   continuation are skipped; the first line of an instruction loses its
 *   leading blanks, continuation lines keep theirs;
 * - a RUN/COPY/ADD line that opens heredocs (heredoc.ts) is followed by
 *   their bodies, read raw (no comments, no continuations).
 */
import { BerthError } from '../../errors.js';
import { DirectiveReader } from './directives.js';
import { DockerfileError } from './dockerfile-error.js';
import { heredocsInLine, type HeredocStart } from './heredoc.js';
import { isSpace } from './shell-lex.js';

/** A heredoc with its body as read: not yet chomped, with its line endings. */
export interface RawHeredoc extends HeredocStart {
  content: string;
}

/** One instruction: its text with continuations joined, where it was, and its heredoc bodies. */
export interface LogicalLine {
  text: string;
  startLine: number;
  endLine: number;
  heredocs: RawHeredoc[];
}

export interface ReadLines {
  directives: Record<string, string>;
  escape: string;
  lines: LogicalLine[];
}

/** Reads every logical line of source; errors are DockerfileErrors naming file and line. */
export function readLogicalLines(source: string, file: string, defaultEscape = '\\'): ReadLines {
  const physical = splitPhysicalLines(source.startsWith('\uFEFF') ? source.slice(1) : source);
  const reader = new DirectiveReader(defaultEscape);
  const lines: LogicalLine[] = [];
  let i = 0;
  const located = <T>(line: number, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof BerthError && !(err instanceof DockerfileError)) throw new DockerfileError(file, line, err.message, { cause: err });
      throw err;
    }
  };

  while (i < physical.length) {
    const startLine = i + 1;
    const first = trimStart(trimNewline(physical[i++]!));
    located(startLine, () => reader.read(first));
    if (isComment(first)) continue;
    const escape = reader.escape;
    let { text, continues } = trimContinuation(first, escape);
    if (!continues && text === '') continue;
    while (continues && i < physical.length) {
      const next = trimNewline(physical[i++]!);
      located(i, () => reader.read(next));
      if (isComment(next) || trimStart(next) === '') continue;
      const part = trimContinuation(next, escape);
      text += part.text;
      continues = part.continues;
    }

    const heredocs: RawHeredoc[] = [];
    for (const start of located(startLine, () => heredocsInLine(text, escape))) {
      let content = '';
      let terminated = false;
      while (i < physical.length) {
        const body = physical[i++]!;
        let candidate = trimNewline(body);
        if (start.chomp) candidate = candidate.replace(/^\t+/, '');
        if (candidate === start.name) {
          terminated = true;
          break;
        }
        content += body;
      }
      if (!terminated) throw new DockerfileError(file, startLine, `unterminated heredoc ${start.name}`);
      heredocs.push({ ...start, content });
    }
    lines.push({ text, startLine, endLine: i, heredocs });
  }
  return { directives: reader.directives, escape: reader.escape, lines };
}

/** Lines with their endings kept (heredoc bodies keep them). */
function splitPhysicalLines(source: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let nl = source.indexOf('\n'); nl >= 0; nl = source.indexOf('\n', start)) {
    out.push(source.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < source.length) out.push(source.slice(start));
  return out;
}

function trimNewline(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

function trimStart(line: string): string {
  let i = 0;
  while (i < line.length && isSpace(line[i])) i++;
  return line.slice(i);
}

function isComment(line: string): boolean {
  return trimStart(line).startsWith('#');
}

const CONTINUATION = new Map<string, RegExp>([
  ['\\', /([^\\])\\[ \t]*$|^\\[ \t]*$/],
  ['`', /([^`])`[ \t]*$|^`[ \t]*$/],
]);

/** Removes a line-continuation escape at the end of line (not an escaped one). */
function trimContinuation(line: string, escape: string): { text: string; continues: boolean } {
  const re = CONTINUATION.get(escape)!;
  if (!re.test(line)) return { text: line, continues: false };
  return { text: line.replace(re, '$1'), continues: true };
}
