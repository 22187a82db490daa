/**
 * `.dockerignore`, read and matched exactly as Docker does it:
 * docker/cli + moby/patternmatcher `ignorefile.ReadAll` for the file, and
 * `patternmatcher.PatternMatcher` for the matching.
 *
 * Lifecycle: text → parseDockerignore() (one pattern a line, `!` for an
 * exception, each pattern filepath.Clean'ed, a leading "/" dropped) →
 * new PatternMatcher(patterns) (validates Go filepath.Match syntax, compiles
 * each pattern once) → matches(path) for one path, or the walker's
 * matchUsingParent() which reuses its parent directory's results
 * (MatchesUsingParentResults) → excludedDirMayHoldExceptions() decides
 * whether an excluded directory must still be walked.
 *
 * Semantics: a path is excluded when it or one of its parent directories
 * matches a pattern; patterns apply in order and the last one that matches
 * wins, so a later `!pattern` re-includes. Pattern syntax is Go's
 * filepath.Match (`*` and `?` never cross "/", `[a-z]`, `[^a-z]`, `\x`
 * escapes) plus `**` for any number of directories (zero included).
 *
 * Where moby's regexp translation has accidents (it pastes Go-regexp text,
 * so `\d` in a pattern becomes a digit class and `*` inside `[...]` breaks
 * the class), the filepath.Match meaning is implemented instead; the match
 * kinds (exact, prefix "x/**", suffix "**\/x") and their quirks are kept.
 */
import { InvalidArgumentError } from '../../errors.js';

/** Go's unicode.IsSpace set (strings.TrimSpace); unlike String.trim, no U+FEFF but U+0085. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM_RE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

export function goTrimSpace(s: string): string {
  return s.replace(TRIM_RE, '');
}

/** Go's filepath.Clean on Linux: lexical, "" → ".", no trailing "/", ".." kept only where it cannot fold. */
export function goClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/**
 * The patterns of a .dockerignore file (ignorefile.ReadAll): a leading UTF-8
 * BOM dropped, lines starting with "#" skipped (before trimming, so " #x" is
 * a pattern), blank lines skipped, `!` kept as a prefix of the cleaned
 * pattern. A lone "!" is kept and refused by PatternMatcher, as in Docker.
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    if (line.startsWith('#')) return;
    let pattern = goTrimSpace(line);
    if (pattern === '') return;
    const invert = pattern.startsWith('!');
    if (invert) pattern = goTrimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? '!' + pattern : pattern);
  });
  return patterns;
}

/** What one pattern compiled to (moby's matchType). */
type Matcher =
  | { kind: 'exact'; value: string }
  | { kind: 'prefix'; value: string }
  | { kind: 'suffix'; value: string }
  | { kind: 'regexp'; re: RegExp };

interface Pattern {
  /** The cleaned pattern without its "!" (moby's Pattern.String()). */
  readonly text: string;
  readonly exclusion: boolean;
  readonly matcher: Matcher;
}

/** Per pattern: did it match this directory or one of its parents (moby's MatchInfo). */
export type MatchInfo = readonly boolean[];

export class PatternMatcher {
  readonly #patterns: Pattern[] = [];
  /** True when some pattern is an exception (`!…`): excluded directories may then hold included files. */
  readonly hasExceptions: boolean;

  /** Throws InvalidArgumentError for a lone "!" or a pattern filepath.Match would reject. */
  constructor(patterns: readonly string[]) {
    let exceptions = false;
    for (const raw of patterns) {
      let p = goTrimSpace(raw);
      if (p === '') continue;
      p = goClean(p);
      let exclusion = false;
      if (p.startsWith('!')) {
        if (p.length === 1) throw new InvalidArgumentError('illegal exclusion pattern: "!"');
        exclusion = true;
        exceptions = true;
        p = p.slice(1);
      }
      checkSyntax(p);
      this.#patterns.push({ text: p, exclusion, matcher: compile(p) });
    }
    this.hasExceptions = exceptions;
  }

  /** The cleaned patterns, in order, "!" restored on exceptions. */
  get patterns(): string[] {
    return this.#patterns.map((p) => (p.exclusion ? '!' + p.text : p.text));
  }

  /** True when relPath ("a/b/c", slash-separated) is excluded: it or a parent matches, last pattern wins (MatchesOrParentMatches). */
  matches(relPath: string): boolean {
    const dirs = parentDirs(relPath);
    let matched = false;
    for (const p of this.#patterns) {
      // An inclusion cannot change an already excluded path, nor an exception an included one.
      if (p.exclusion !== matched) continue;
      let match = matchOne(p.matcher, relPath);
      for (let i = 0; !match && i < dirs.length; i++) match = matchOne(p.matcher, dirs[i]!);
      if (match) matched = !p.exclusion;
    }
    return matched;
  }

  /**
   * matches() for a walker that already matched the parent directory
   * (MatchesUsingParentResults): a pattern that matched the parent is not
   * re-evaluated. Without `parent` the parents are checked as in matches().
   * Returns this path's own info, to pass down to its children.
   */
  matchUsingParent(relPath: string, parent?: MatchInfo): { excluded: boolean; info: MatchInfo } {
    const info: boolean[] = new Array<boolean>(this.#patterns.length).fill(false);
    let matched = false;
    this.#patterns.forEach((p, i) => {
      let match = parent?.[i] ?? false;
      if (!match) {
        if (p.exclusion !== matched) return;
        match = matchOne(p.matcher, relPath);
        if (!match && parent === undefined) {
          for (const dir of parentDirs(relPath)) if ((match = matchOne(p.matcher, dir))) break;
        }
      }
      info[i] = match;
      if (match) matched = !p.exclusion;
    });
    return { excluded: matched, info };
  }

  /**
   * Whether an excluded directory must still be walked: only when an
   * exception pattern's text starts with "dir/" (moby's TarWithOptions
   * check, so `!**\/keep` does not reach into an excluded directory).
   */
  excludedDirMayHoldExceptions(relDir: string): boolean {
    if (!this.hasExceptions) return false;
    const dirSlash = relDir + '/';
    return this.#patterns.some((p) => p.exclusion && (p.text + '/').startsWith(dirSlash));
  }
}

/** "a/b/c" → ["a", "a/b"]. */
function parentDirs(relPath: string): string[] {
  const out: string[] = [];
  for (let i = relPath.indexOf('/'); i >= 0; i = relPath.indexOf('/', i + 1)) out.push(relPath.slice(0, i));
  return out;
}

function matchOne(m: Matcher, path: string): boolean {
  switch (m.kind) {
    case 'exact':
      return path === m.value;
    case 'prefix':
      return path.startsWith(m.value);
    case 'suffix':
      // "**/foo" also matches "foo" itself.
      return path.endsWith(m.value) || (m.value.startsWith('/') && path === m.value.slice(1));
    case 'regexp':
      return m.re.test(path);
  }
}

const REGEXP_SPECIAL = new Set(['\\', '^', '$', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

function literal(ch: string): string {
  return REGEXP_SPECIAL.has(ch) ? '\\' + ch : ch;
}

function classMember(ch: string): string {
  return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}

/**
 * moby's Pattern.compile: the match kind is decided as moby does (a pattern
 * of plain characters is exact, "x/**" a prefix, "**\/x" a suffix), and
 * anything else becomes a regexp: `*` → [^/]*, `?` → [^/], `**` → any
 * directories. Go regexp's "." never matches "\n", hence [^\n] below.
 */
function compile(p: string): Matcher {
  const chars = Array.from(p);
  let kind: Matcher['kind'] = 'exact';
  let re = '^';
  for (let i = 0, token = 0; i < chars.length; token++) {
    const ch = chars[i++]!;
    if (ch === '*' && chars[i] === '*') {
      i++;
      if (chars[i] === '/') i++; // "**/" is "**"
      if (i >= chars.length) {
        if (kind === 'exact') kind = 'prefix';
        else {
          re += '[^\\n]*';
          kind = 'regexp';
        }
      } else {
        re += '(?:[^\\n]*/)?';
        kind = 'regexp';
      }
      if (token === 0) kind = 'suffix';
    } else if (ch === '*') {
      re += '[^/]*';
      kind = 'regexp';
    } else if (ch === '?') {
      re += '[^/]';
      kind = 'regexp';
    } else if (ch === '\\') {
      if (i < chars.length) {
        re += literal(chars[i++]!);
        kind = 'regexp';
      } else {
        re += '\\\\';
      }
    } else if (ch === '[') {
      const { source, next } = charClass(chars, i);
      re += source;
      i = next;
      kind = 'regexp';
    } else {
      re += literal(ch);
    }
  }
  switch (kind) {
    case 'exact':
      return { kind, value: p };
    case 'prefix':
      return { kind, value: p.slice(0, -2) };
    case 'suffix':
      return { kind, value: p.slice(2) };
    case 'regexp':
      return { kind, re: new RegExp(re + '$', 'u') };
  }
}

/** A filepath.Match class starting after "[" (already syntax-checked) as a regexp class. */
function charClass(chars: string[], start: number): { source: string; next: number } {
  let i = start;
  let source = '[';
  if (chars[i] === '^') {
    source += '^';
    i++;
  }
  for (let n = 0; ; n++) {
    if (chars[i] === ']' && n > 0) return { source: source + ']', next: i + 1 };
    const lo = classChar(chars, i);
    i = lo.next;
    let hi = lo;
    if (chars[i] === '-') {
      hi = classChar(chars, i + 1);
      i = hi.next;
    }
    // Go never matches a reversed range; a JS regexp would refuse to compile it.
    if (lo.ch.codePointAt(0)! <= hi.ch.codePointAt(0)!) source += classMember(lo.ch) + (hi === lo ? '' : '-' + classMember(hi.ch));
  }
}

function classChar(chars: string[], i: number): { ch: string; next: number } {
  return chars[i] === '\\' ? { ch: chars[i + 1]!, next: i + 2 } : { ch: chars[i]!, next: i + 1 };
}

/** filepath.Match's ErrBadPattern cases: a trailing "\", an unclosed, empty or malformed "[…]". */
function checkSyntax(p: string): void {
  const chars = Array.from(p);
  const bad = (): never => {
    throw new InvalidArgumentError(`syntax error in pattern: ${p}`);
  };
  // getEsc: one (possibly escaped) character of a class, which must not end the pattern.
  const esc = (i: number): number => {
    if (i >= chars.length || chars[i] === '-' || chars[i] === ']') bad();
    if (chars[i] === '\\' && ++i >= chars.length) bad();
    if (i + 1 >= chars.length) bad();
    return i + 1;
  };
  for (let i = 0; i < chars.length; ) {
    const ch = chars[i++];
    if (ch === '\\') {
      if (i >= chars.length) bad();
      i++;
    } else if (ch === '[') {
      if (chars[i] === '^') i++;
      for (let n = 0; ; n++) {
        if (chars[i] === ']' && n > 0) {
          i++;
          break;
        }
        i = esc(i);
        if (chars[i] === '-') i = esc(i + 1);
      }
    }
  }
}
