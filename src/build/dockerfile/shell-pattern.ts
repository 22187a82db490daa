/**
 * The shell patterns of `${VAR#pat}`, `${VAR%pat}` and `${VAR/pat/repl}`
 * (BuildKit's shell lexer supports these on top of POSIX's `-`, `+`, `?`).
 *
 * A pattern knows `*` (any string), `?` (one character) and backslash
 * escapes of `*`, `?` and `\`; `\}` and `\/` stand for the plain character
 * (the backslash only kept it from closing the `${}`). Bracket expressions
 * are not supported, as in BuildKit. The backslash here is always `\`,
 * whatever the Dockerfile's escape directive says.
 */
import { InvalidArgumentError } from '../../errors.js';

const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

/** A pattern as a regular expression: `*` lazy unless greedy, anchored at the start when asked. */
export function patternToRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      out += greedy ? '.*' : '.*?';
    } else if (c === '?') {
      out += '.';
    } else if (c === '\\') {
      const next = chars[i + 1];
      // "\}" and "\/" only protected the ${} syntax: the character stands for itself.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') {
        throw new InvalidArgumentError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${next ?? ''}'`);
      }
      out += '\\' + next;
      i++;
    } else {
      out += REGEX_SPECIAL.has(c) ? '\\' + c : c;
    }
  }
  return new RegExp(out, 'u');
}

/** `${VAR#pat}` / `${VAR##pat}`: value without its shortest (longest when greedy) matching prefix. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = patternToRegExp(pattern, greedy, true).exec(value);
  return m ? value.slice(m[0].length) : value;
}

/**
 * `${VAR%pat}` / `${VAR%%pat}`: value without its shortest (longest) matching
 * suffix. A regular expression finds leftmost matches only, so both the
 * value and the pattern are reversed and the prefix rule applies.
 */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const reversed = trimPrefix(reversePattern(pattern), reverseString(value), greedy);
  return reverseString(reversed);
}

/** `${VAR/pat/repl}` (first match) and `${VAR//pat/repl}` (every match); repl is inserted literally. */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  const re = patternToRegExp(pattern, true, false);
  if (!all) {
    const m = re.exec(value);
    return m ? value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length) : value;
  }
  // Go's ReplaceAll: an empty match right after the previous match does not count
  // ("abc" with "*" gives one replacement, where String.replace would give two).
  const global = new RegExp(re.source, 'gu');
  let out = '';
  let copied = 0;
  let lastEnd = -1;
  let pos = 0;
  while (pos <= value.length) {
    global.lastIndex = pos;
    const m = global.exec(value);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (end > start || start !== lastEnd) {
      out += value.slice(copied, start) + replacement;
      copied = end;
      lastEnd = end;
    }
    pos = end > start ? end : start + codePointWidth(value, start);
  }
  return out + value.slice(copied);
}

function codePointWidth(s: string, i: number): number {
  const cp = s.codePointAt(i);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

/** Reverses a pattern keeping each escape before the character it escapes ("a\*c" → "c\*a"). */
export function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const at = last - i;
    if (chars[i] === '\\' && i !== last) {
      out[at - 1] = '\\';
      out[at] = chars[i + 1]!;
      i += 2;
    } else {
      out[at] = chars[i]!;
      i++;
    }
  }
  return out.join('');
}
