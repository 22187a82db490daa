/**
 * The scanner behind expandWord/expandWords (shell-lex.ts): one pass over a
 * word that removes quotes and escapes, expands variables and, at the same
 * time, collects the blank-separated fields ProcessWords returns.
 *
 * Errors are InvalidArgumentError with BuildKit's wording, wrapped once as
 * `failed to process "<word>": …`.
 */
import { InvalidArgumentError } from '../../errors.js';
import { replacePattern, trimPrefix, trimSuffix } from './shell-pattern.js';
import type { ShellEnv } from './shell-lex.js';

/** Go's unicode.IsSpace. */
export function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

/** Lexer options beyond the Dockerfile defaults; the parser uses them to find heredoc words. */
export interface LexOptions {
  /** The escape character: "\\" (default) or "`" (`# escape=` directive). */
  escape?: string;
  /** Keep quote characters in the result (they still group blanks). */
  rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written ("$X", "${X:-d}"). */
  skipUnset?: boolean;
  /** Quotes are plain characters (heredoc bodies: BuildKit's SkipProcessQuotes). */
  skipQuotes?: boolean;
}

/** Collects fields: blanks split plain and expanded text, never quoted or escaped text. */
class Fields {
  readonly words: string[] = [];
  #buf = '';

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.#buf !== '') {
        this.words.push(this.#buf);
        this.#buf = '';
      }
    } else {
      this.addRaw(ch);
    }
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  /** Quoted or escaped text: blanks in it do not split (an empty "" adds no field, as in BuildKit). */
  addRaw(s: string): void {
    this.#buf += s;
  }
  finish(): string[] {
    if (this.#buf !== '') this.words.push(this.#buf);
    this.#buf = '';
    return this.words;
  }
}

export class WordLexer {
  readonly #source: string;
  readonly #chars: string[];
  readonly #env: ShellEnv;
  readonly #escape: string;
  readonly #rawQuotes: boolean;
  readonly #skipUnset: boolean;
  readonly #skipQuotes: boolean;
  #rawEscapes: boolean;
  #pos = 0;

  constructor(text: string, env: ShellEnv, options: LexOptions) {
    this.#source = text;
    this.#chars = Array.from(text);
    this.#env = env;
    this.#escape = options.escape ?? '\\';
    this.#rawQuotes = options.rawQuotes ?? false;
    this.#rawEscapes = options.rawEscapes ?? false;
    this.#skipUnset = options.skipUnset ?? false;
    this.#skipQuotes = options.skipQuotes ?? false;
  }

  run(): { result: string; words: string[] } {
    try {
      return this.#until(undefined, this.#rawEscapes);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      throw new InvalidArgumentError(`failed to process ${JSON.stringify(this.#source)}: ${err.message}`, { cause: err });
    }
  }

  #peek(): string | undefined {
    return this.#chars[this.#pos];
  }
  #next(): string | undefined {
    return this.#chars[this.#pos++];
  }

  /** Reads up to `stop` (consumed) or the end; stop undefined = the whole text. */
  #until(stop: string | undefined, rawEscapes: boolean): { result: string; words: string[] } {
    const saved = this.#rawEscapes;
    this.#rawEscapes = rawEscapes;
    try {
      let result = '';
      const fields = new Fields();
      for (let ch = this.#peek(); ch !== undefined; ch = this.#peek()) {
        if (stop !== undefined && ch === stop) {
          this.#pos++;
          return { result, words: fields.finish() };
        }
        if (ch === '$') {
          const v = this.#dollar();
          result += v;
          fields.addString(v);
        } else if (((ch === "'" || ch === '"') && !this.#skipQuotes) || ch === '<') {
          const v = ch === "'" ? this.#singleQuote() : ch === '"' ? this.#doubleQuote() : this.#possibleHeredoc();
          result += v;
          fields.addRaw(v);
        } else {
          this.#pos++;
          if (ch === this.#escape) {
            if (this.#rawEscapes) {
              fields.addRaw(ch);
              result += ch;
            }
            const escaped = this.#next();
            if (escaped === undefined) break; // an escape at the very end is dropped
            fields.addRaw(escaped);
            result += escaped;
          } else {
            fields.addChar(ch);
            result += ch;
          }
        }
      }
      if (stop !== undefined) throw new InvalidArgumentError(`unexpected end of statement while looking for matching ${stop}`);
      return { result, words: fields.finish() };
    } finally {
      this.#rawEscapes = saved;
    }
  }

  #singleQuote(): string {
    let result = this.#rawQuotes ? "'" : '';
    this.#pos++;
    for (;;) {
      const ch = this.#next();
      if (ch === undefined) throw new InvalidArgumentError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return this.#rawQuotes ? result + ch : result;
      result += ch;
    }
  }

  #doubleQuote(): string {
    let result = this.#rawQuotes ? '"' : '';
    this.#pos++;
    for (;;) {
      const ch = this.#peek();
      if (ch === undefined) throw new InvalidArgumentError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.#pos++;
        return this.#rawQuotes ? result + ch : result;
      }
      if (ch === '$') {
        result += this.#dollar();
        continue;
      }
      this.#pos++;
      let out = ch;
      if (ch === this.#escape) {
        if (this.#rawEscapes) result += ch;
        const after = this.#peek();
        if (after === undefined) continue; // the loop reports the missing quote
        if (after === '"' || after === '$' || after === this.#escape) out = this.#next()!;
      }
      result += out;
    }
  }

  /** "<<" keeps the blanks after it, so "<< EOF" stays one field (heredoc detection). */
  #possibleHeredoc(): string {
    this.#pos++;
    if (this.#peek() !== '<') return '<';
    this.#pos++;
    let result = '<<';
    for (let ch = this.#peek(); ch === ' ' || ch === '\t' || ch === '\r'; ch = this.#peek()) {
      result += ch;
      this.#pos++;
    }
    return result;
  }

  #lookup(name: string): string | undefined {
    return this.#env.get(name);
  }

  #dollar(): string {
    this.#pos++; // "$"
    if (this.#peek() !== '{') {
      const name = this.#name();
      if (name === '') return '$';
      const value = this.#lookup(name);
      if (value === undefined && this.#skipUnset) return '$' + name;
      return value ?? '';
    }
    this.#pos++; // "{"
    const first = this.#peek();
    if (first === undefined) throw new InvalidArgumentError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new InvalidArgumentError('syntax error: bad substitution');
    const name = this.#name();
    let op = this.#next();
    if (op === undefined) throw new InvalidArgumentError("syntax error: missing '}'");
    if (op === '}') {
      const value = this.#lookup(name);
      if (value === undefined && this.#skipUnset) return `\${${name}}`;
      return value ?? '';
    }
    if (op === '/') return this.#substitute(name);
    let modifier = op;
    const nullIsUnset = op === ':';
    if (nullIsUnset) {
      op = this.#next();
      if (op === undefined) throw new InvalidArgumentError("syntax error: missing '}'");
      modifier += op;
    } else if (!'+-?#%'.includes(op)) {
      throw new InvalidArgumentError(`unsupported modifier (${modifier}) in substitution`);
    }
    const trims = op === '#' || op === '%';
    if (nullIsUnset && trims) throw new InvalidArgumentError(`unsupported modifier (${modifier}) in substitution`);
    const word = this.#argument(trims);
    // After ":" any character reads a word; only -, +, ? apply ("${A:=x}" is refused, as in BuildKit).
    if (!'+-?#%'.includes(op)) throw new InvalidArgumentError(`unsupported modifier (${modifier}) in substitution`);
    const value = this.#lookup(name);
    if (value === undefined && this.#skipUnset) return `\${${name}${modifier}${word}}`;
    const unset = value === undefined || (nullIsUnset && value === '');
    switch (op) {
      case '-':
        return unset ? word : value!;
      case '+':
        return unset ? '' : word;
      case '?':
        if (value === undefined) throw new InvalidArgumentError(`${name}: ${word || 'is not allowed to be unset'}`);
        if (unset) throw new InvalidArgumentError(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      default: {
        // "#"/"%" trim the shortest match, "##"/"%%" the longest.
        const greedy = word.startsWith(op);
        const pattern = greedy ? word.slice(op.length) : word;
        return op === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
      }
    }
  }

  /** The word of `${NAME<op>word}` up to its "}", itself expanded. */
  #argument(rawEscapes: boolean): string {
    try {
      return this.#until('}', rawEscapes).result;
    } catch (err) {
      if (this.#peek() === undefined) throw new InvalidArgumentError("syntax error: missing '}'", { cause: err });
      throw err;
    }
  }

  /** `${NAME/pat/repl}` and `${NAME//pat/repl}`, after the first "/". */
  #substitute(name: string): string {
    const all = this.#peek() === '/';
    if (all) this.#pos++;
    let pattern: string;
    try {
      pattern = this.#until('/', true).result;
    } catch (err) {
      if (this.#peek() === undefined) throw new InvalidArgumentError("syntax error: missing '/' in ${}", { cause: err });
      throw err;
    }
    const replacement = this.#argument(true);
    const value = this.#lookup(name);
    if (value === undefined && this.#skipUnset) return `\${${name}/${pattern}/${replacement}}`;
    return replacePattern(value ?? '', pattern, replacement, all);
  }

  /** A variable name: letters, digits, "_"; or all the digits of a positional; or one special parameter. */
  #name(): string {
    let name = '';
    for (let ch = this.#peek(); ch !== undefined; ch = this.#peek()) {
      if (name === '' && /^\p{Nd}$/u.test(ch)) {
        while (this.#peek() !== undefined && /^\p{Nd}$/u.test(this.#peek()!)) name += this.#next();
        return name;
      }
      if (name === '' && '@*#?-$!0'.includes(ch)) {
        this.#pos++;
        return ch;
      }
      if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) break;
      name += ch;
      this.#pos++;
    }
    return name;
  }
}
