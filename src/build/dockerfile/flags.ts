/**
 * Builder flags: the `--name=value` words between an instruction's keyword
 * and its arguments (`COPY --from=build --chown=1:1 a b`), BuildKit's
 * extractBuilderFlags and BFlags.
 *
 * extractFlags takes the leading words that start with "--" off the text
 * (quotes and escapes removed, nothing expanded; a bare "--" ends them);
 * parseFlags checks them against what the instruction accepts.
 */
import { isSpace } from './shell-lex.js';
import { InvalidArgumentError } from '../../errors.js';
import { suggest } from './arguments.js';

/** bool: `--link` or `--link=false`; string: once, with a value; strings: repeatable. */
export type FlagKind = 'bool' | 'string' | 'strings';

/** Splits "--a=1 --b x y" into the flag words ["--a=1", "--b"] and the rest "x y". */
export function extractFlags(text: string, escape: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && isSpace(text[i])) i++;
    if (!text.startsWith('--', i)) return { flags, rest: text.slice(i).trim() };
    // One word: quotes group blanks and are removed, the escape character keeps the next one.
    let word = '';
    let blankOk = false;
    let quote = '';
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (quote) {
        if (ch === quote) quote = '';
        else if (ch === escape && i + 1 < text.length) word += text[++i];
        else if (ch !== escape) word += ch;
        continue;
      }
      if (isSpace(ch)) break;
      if (ch === '"' || ch === "'") {
        quote = ch;
        blankOk = true;
      } else if (ch === escape) {
        if (i + 1 < text.length) word += text[++i];
      } else {
        word += ch;
      }
    }
    if (word === '--') return { flags, rest: text.slice(i).trim() };
    if (blankOk || word !== '') flags.push(word);
    if (i >= text.length) return { flags, rest: '' };
  }
}

/**
 * Checks flag words against spec; returns each used flag's values (bool
 * flags as "true"/"false", strings in order). Errors use BuildKit's words
 * ("unknown flag: --foo", "duplicate flag specified: --from", …).
 */
export function parseFlags(words: readonly string[], spec: Readonly<Record<string, FlagKind>>): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const word of words) {
    if (!word.startsWith('--')) throw new InvalidArgumentError(`arg should start with -- : ${word}`);
    const eq = word.indexOf('=');
    const flagName = eq < 0 ? word : word.slice(0, eq);
    const value = eq < 0 ? '' : word.slice(eq + 1);
    const hasValue = eq >= 0;
    const name = flagName.slice(2);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) {
      const hint = suggest(name, Object.keys(spec), true);
      throw new InvalidArgumentError(`unknown flag: ${flagName}${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
    if (used.has(name) && kind !== 'strings') throw new InvalidArgumentError(`duplicate flag specified: ${flagName}`);
    if (kind === 'bool') {
      if (hasValue && value === '') throw new InvalidArgumentError(`missing a value on flag: ${flagName}`);
      const v = value.toLowerCase();
      if (v !== '' && v !== 'true' && v !== 'false') {
        throw new InvalidArgumentError(`expecting boolean value for flag ${flagName}, not: ${value}`);
      }
      used.set(name, [v === 'false' ? 'false' : 'true']);
    } else {
      if (!hasValue) throw new InvalidArgumentError(`missing a value on flag: ${flagName}`);
      used.set(name, [...(used.get(name) ?? []), value]);
    }
  }
  return used;
}
