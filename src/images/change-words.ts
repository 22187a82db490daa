/**
 * The word rules of Dockerfile instruction arguments, as `--change` needs
 * them (BuildKit's shell lexer, the subset a one-line change uses):
 *
 * - splitWords: splits on blanks outside quotes, keeping quotes and
 *   backslashes in the words (they are processed later, per word).
 * - processWord: removes quotes and escapes and expands $VAR, ${VAR},
 *   ${VAR:-default}, ${VAR-default}, ${VAR:+alt}, ${VAR+alt}, ${VAR:?msg}
 *   from an environment given as "KEY=value" strings.
 *
 * Single quotes keep everything literal; inside double quotes a backslash
 * escapes only `"`, `\`, `$`; outside quotes it escapes any character.
 */
import { InvalidArgumentError } from '../errors.js';

/** Splits on blanks outside quotes; quotes and escapes stay in the words. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      cur += ch;
      if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i]!;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    cur += ch;
    if (ch === '\\' && i + 1 < text.length) cur += text[++i]!;
    else if (ch === '"' || ch === "'") quote = ch;
  }
  if (quote) throw new InvalidArgumentError(`unexpected end of statement while looking for matching ${quote}`);
  if (inWord) words.push(cur);
  return words;
}

function lookup(env: readonly string[], name: string): string | undefined {
  // Later entries win, as with repeated ENV.
  for (let i = env.length - 1; i >= 0; i--) {
    const kv = env[i]!;
    if (kv === name) return '';
    if (kv.startsWith(name + '=')) return kv.slice(name.length + 1);
  }
  return undefined;
}

/** Removes quotes and escapes and expands variables in one word. */
export function processWord(word: string, env: readonly string[]): string {
  let out = '';
  let i = 0;
  const expand = (): string => {
    // At "$": $NAME, ${NAME…}, or a lone "$".
    const next = word[i + 1];
    if (next === '{') {
      const close = findClose(word, i + 2);
      const body = word.slice(i + 2, close);
      i = close + 1;
      return expandBraced(body, env);
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9]/.exec(word.slice(i + 1));
    if (!m) {
      i++;
      return '$';
    }
    i += 1 + m[0].length;
    return lookup(env, m[0]) ?? '';
  };
  while (i < word.length) {
    const ch = word[i]!;
    if (ch === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) throw new InvalidArgumentError(`unexpected end of statement while looking for matching '`);
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= word.length) throw new InvalidArgumentError('unexpected end of statement while looking for matching "');
        const c = word[i]!;
        if (c === '"') {
          i++;
          break;
        }
        if (c === '\\' && (word[i + 1] === '"' || word[i + 1] === '\\' || word[i + 1] === '$')) {
          out += word[i + 1];
          i += 2;
        } else if (c === '$') {
          out += expand();
        } else {
          out += c;
          i++;
        }
      }
    } else if (ch === '\\') {
      if (i + 1 < word.length) out += word[i + 1];
      i += 2;
    } else if (ch === '$') {
      out += expand();
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function findClose(word: string, from: number): number {
  let depth = 1;
  for (let j = from; j < word.length; j++) {
    if (word[j] === '{') depth++;
    else if (word[j] === '}' && --depth === 0) return j;
  }
  throw new InvalidArgumentError(`missing '}' in ${JSON.stringify(word)}`);
}

function expandBraced(body: string, env: readonly string[]): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+?])(.*))?$/s.exec(body);
  if (!m) throw new InvalidArgumentError(`bad substitution: \${${body}}`);
  const [, name, colon, op, arg = ''] = m;
  const value = lookup(env, name!);
  const unset = colon ? value === undefined || value === '' : value === undefined;
  switch (op) {
    case undefined:
      return value ?? '';
    case '-':
      return unset ? processWord(arg, env) : value!;
    case '+':
      return unset ? '' : processWord(arg, env);
    default: // '?'
      if (unset) throw new InvalidArgumentError(`${name}: ${arg ? processWord(arg, env) : 'is not allowed to be unset'}`);
      return value!;
  }
}

/**
 * "name=value" pairs (ENV, LABEL), or the legacy one-pair form "name value
 * with blanks". Names and values are processed words.
 */
export function parseNameValues(instruction: string, rest: string, env: readonly string[]): Array<[string, string]> {
  const words = splitWords(rest);
  if (words.length === 0) throw new InvalidArgumentError(`${instruction} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(rest.trim());
    if (!m) throw new InvalidArgumentError(`${instruction} must have two arguments`);
    return [[processWord(m[1]!, env), processWord(m[2]!.trim(), env)]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) {
      throw new InvalidArgumentError(`${instruction}: syntax error - can't find = in ${JSON.stringify(w)}. Must be of the form: name=value`);
    }
    const name = processWord(w.slice(0, eq), env);
    if (name === '') throw new InvalidArgumentError(`${instruction} names can not be blank`);
    return [name, processWord(w.slice(eq + 1), env)];
  });
}
