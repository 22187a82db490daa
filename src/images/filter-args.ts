/**
 * The parts of moby's filters.Args (api/types/filters/parse.go) that image
 * list and prune use, with its error texts: unknown keys, booleans, and
 * label matching.
 */
import { InvalidArgumentError } from '../errors.js';

export type FilterArgs = ReadonlyMap<string, readonly string[]>;

/** moby's invalidFilter: "invalid filter 'dangling=[maybe]'". */
function invalidFilter(key: string, values?: readonly string[]): InvalidArgumentError {
  return new InvalidArgumentError(values === undefined ? `invalid filter '${key}'` : `invalid filter '${key}=[${values.join(' ')}]'`);
}

/** Refuses any key not accepted (Args.Validate). */
export function validateFilters(filters: FilterArgs, accepted: readonly string[]): void {
  for (const key of filters.keys()) if (!accepted.includes(key)) throw invalidFilter(key);
}

/** Args.GetBoolOrDefault: "1"/"true" or "0"/"false", and not both. */
export function boolFilter(filters: FilterArgs, key: string, dflt: boolean): boolean {
  const values = filters.get(key);
  if (values === undefined) return dflt;
  if (values.length === 0) throw invalidFilter(key);
  const isFalse = values.includes('0') || values.includes('false');
  const isTrue = values.includes('1') || values.includes('true');
  if (isFalse === isTrue) throw invalidFilter(key, [...new Set(values)]);
  return isTrue;
}

/**
 * Args.MatchKVList: every "k" or "k=v" under key is in labels. No filter
 * matches everything; a filter and no labels matches nothing.
 */
export function matchKVList(filters: FilterArgs, key: string, labels: Readonly<Record<string, string>> | undefined | null): boolean {
  const values = filters.get(key) ?? [];
  if (values.length === 0) return true;
  if (!labels || Object.keys(labels).length === 0) return false;
  return values.every((v) => {
    const eq = v.indexOf('=');
    const k = eq < 0 ? v : v.slice(0, eq);
    if (!Object.hasOwn(labels, k)) return false;
    return eq < 0 || labels[k] === v.slice(eq + 1);
  });
}

/**
 * Go's path.Match, as reference.FamiliarMatch uses it: `*` and `?` stop at
 * "/", `[a-z]` / `[^a-z]` classes, `\` escapes. A malformed pattern is
 * Go's ErrBadPattern ("syntax error in pattern").
 */
export function pathMatch(pattern: string, name: string): boolean {
  return globRegExp(pattern).test(name);
}

function globRegExp(pattern: string): RegExp {
  let re = '';
  const bad = (): never => {
    throw new InvalidArgumentError('syntax error in pattern');
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) bad();
      re += escapeRe(pattern[++i]!);
    } else if (c === '[') {
      let j = i + 1;
      let cls = '';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      let ranges = 0;
      while (j < pattern.length && !(pattern[j] === ']' && ranges > 0)) {
        let lo = pattern[j]!;
        if (lo === '\\') lo = pattern[++j] ?? bad();
        else if (lo === '-' || lo === ']') bad();
        j++;
        let item = escapeClass(lo);
        if (pattern[j] === '-') {
          let hi = pattern[++j] ?? bad();
          if (hi === '\\') hi = pattern[++j] ?? bad();
          else if (hi === ']' || hi === '-') bad();
          j++;
          if (hi < lo) bad();
          item += '-' + escapeClass(hi);
        }
        cls += item;
        ranges++;
      }
      if (pattern[j] !== ']') bad();
      re += `[${cls}]`;
      i = j;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\]\\^-]/.test(c) ? `\\${c}` : c;
}
