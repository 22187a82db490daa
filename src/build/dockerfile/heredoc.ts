/**
 * Heredocs in RUN, COPY and ADD (and ONBUILD of those), as BuildKit finds
 * them: after the instruction line is joined, every word of the form
 * `<<NAME`, `<<-NAME`, `<<"NAME"`, `<<'NAME'` (also `3<<NAME`, `<< NAME`)
 * opens a heredoc; the parser then reads one body per heredoc, in order,
 * each up to a line equal to its name (for `<<-`, after removing leading
 * tabs). A quoted name (any quote in it) means the body is not expanded.
 * JSON-form instructions have no heredocs.
 */
import { InvalidArgumentError } from '../../errors.js';
import { jsonStrings, splitKeyword } from './arguments.js';
import { extractFlags } from './flags.js';
import { lexWords } from './shell-lex.js';

/** What a heredoc word says; the body comes later. */
export interface HeredocStart {
  name: string;
  expand: boolean;
  chomp: boolean;
}

const NO_ENV: ReadonlyMap<string, string> = new Map();
const HEREDOC_WORD = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const TAKES_HEREDOCS = new Set(['run', 'copy', 'add']);

/**
 * The heredoc a word opens, or undefined when it is no heredoc word ("<<",
 * "<EOF", "<<EOF sh"). Throws InvalidArgumentError for an unclosed quote.
 */
export function parseHeredocWord(word: string): HeredocStart | undefined {
  const m = HEREDOC_WORD.exec(word);
  if (!m || m[3] === '') return undefined;
  const rest = m[3]!;
  // The name is the word with its quotes removed; if removing quotes changed
  // how many there are, part of the name was quoted: no expansion.
  const words = lexWords(rest, NO_ENV, { skipUnset: true });
  if (words.length !== 1) return undefined;
  const raw = lexWords(rest, NO_ENV, { skipUnset: true, rawQuotes: true });
  if (raw.length !== 1) throw new InvalidArgumentError(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  const name = words[0]!;
  return { name, expand: countQuotes(name) === countQuotes(raw[0]!), chomp: m[2] === '-' };
}

/** parseHeredocWord that reads a badly quoted word as no heredoc (BuildKit's MustParseHeredoc). */
export function heredocWord(word: string): HeredocStart | undefined {
  try {
    return parseHeredocWord(word);
  } catch {
    return undefined;
  }
}

function countQuotes(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === '"' || ch === "'") n++;
  return n;
}

/** The heredocs a joined instruction line opens, in order; [] for instructions that take none. */
export function heredocsInLine(line: string, escape: string): HeredocStart[] {
  if (!line.includes('<<') || !takesHeredocs(line, escape)) return [];
  let words: string[];
  try {
    // Always with a backslash escape, as BuildKit does here.
    words = lexWords(line, NO_ENV, { rawQuotes: true, rawEscapes: true, skipUnset: true });
  } catch {
    return []; // a line the lexer cannot read opens no heredocs
  }
  const out: HeredocStart[] = [];
  for (const word of words) {
    const h = parseHeredocWord(word);
    if (h) out.push(h);
  }
  return out;
}

/** RUN, COPY, ADD, or ONBUILD of one of them, in shell (not JSON) form. */
function takesHeredocs(line: string, escape: string): boolean {
  let { keyword, rest } = splitKeyword(line);
  let args = extractFlags(rest, escape).rest;
  if (keyword.toLowerCase() === 'onbuild') {
    ({ keyword, rest } = splitKeyword(args));
    args = extractFlags(rest, escape).rest;
  }
  if (!TAKES_HEREDOCS.has(keyword.toLowerCase())) return false;
  try {
    return jsonStrings(args) === undefined;
  } catch {
    return false; // a JSON array of non-strings: the instruction reports it
  }
}

/** `<<-`: removes the leading tabs of every body line. */
export function chompHeredoc(content: string): string {
  return content.replace(/^\t+/gm, '');
}
