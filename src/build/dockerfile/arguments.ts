/**
 * How a logical Dockerfile line falls into its parts before an instruction
 * reads them (BuildKit's splitCommand and line parsers): the keyword, the
 * builder flags, and the arguments as a JSON array or plain text.
 */
import { InvalidArgumentError } from '../../errors.js';

/** The blanks Docker splits plain argument lists on (its reWhitespace). */
const BLANKS = /[\t\v\f\r ]+/;

/** "RUN  echo hi" → { keyword: "RUN", rest: "echo hi" }; the keyword as written. */
export function splitKeyword(line: string): { keyword: string; rest: string } {
  const text = line.trim();
  const m = BLANKS.exec(text);
  if (!m) return { keyword: text, rest: '' };
  return { keyword: text.slice(0, m.index), rest: text.slice(m.index + m[0].length) };
}

/** Plain whitespace split, quotes not special (FROM, EXPOSE, COPY/ADD and VOLUME without JSON). */
export function splitBlanks(rest: string): string[] {
  return rest === '' ? [] : rest.split(BLANKS);
}

/**
 * The JSON form: a JSON array of strings → the strings; text that is not a
 * JSON array (or not valid JSON) → undefined, for the shell form, as
 * Docker falls back; a valid array holding anything but strings → error.
 */
export function jsonStrings(rest: string): string[] | undefined {
  const text = rest.trimStart();
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v) => typeof v === 'string')) {
    throw new InvalidArgumentError('when using JSON array syntax, arrays must be comprised of strings only');
  }
  return value as string[];
}

/** The closest option to a mistyped name (edit distance under 3), as BuildKit's suggest package. */
export function suggest(value: string, options: readonly string[], caseSensitive: boolean): string | undefined {
  const v = caseSensitive ? value : value.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const option of options) {
    const o = caseSensitive ? option : option.toLowerCase();
    if (o === v) return undefined;
    const d = editDistance(v, o);
    if (d < bestDistance) {
      best = o;
      bestDistance = d;
    }
  }
  if (best === undefined || caseSensitive) return best;
  if (value === value.toLowerCase()) return best.toLowerCase();
  if (value === value.toUpperCase()) return best.toUpperCase();
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
