/**
 * The lexer of Go's text/template (text/template/parse/lex.go), as of Go 1.22:
 * text and {{actions}}, "{{- " / " -}}" trim markers, comments, newlines
 * inside actions, and the same error texts ("unclosed action", …).
 *
 * The whole input is scanned up front; an error token ends the list.
 */
import { isGoPrintable, quote } from '../../units/go-strconv.js';

export type TokenType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'variable' | 'identifier'
  | 'keyword' | 'dot' | 'bool' | 'number' | 'charConstant' | 'string' | 'rawString'
  | 'pipe' | 'leftParen' | 'rightParen' | 'char' | 'declare' | 'assign' | 'eof' | 'error';

export interface Token {
  type: TokenType;
  /** Offset (UTF-16 index) of the token in the template text. */
  pos: number;
  /** The token's text; the message for an error token. */
  val: string;
  /** 1-based line on which the token starts. */
  line: number;
}

export const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'nil', 'template', 'with']);

const LEFT = '{{';
const RIGHT = '}}';
const SPACE_CHARS = ' \t\r\n';

const isSpace = (c: string | undefined) => c !== undefined && SPACE_CHARS.includes(c);
const isAlphaNumeric = (c: string | undefined) => c !== undefined && /^[_\p{L}\p{Nd}]$/u.test(c);
const hasLeftTrimMarker = (s: string) => s.length >= 2 && s[0] === '-' && isSpace(s[1]);
const hasRightTrimMarker = (s: string) => s.length >= 2 && isSpace(s[0]) && s[1] === '-';

/** Go's %#U: "U+0021 '!'" (the character only when printable). */
export function formatRune(ch: string): string {
  const hex = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return isGoPrintable(ch) ? `U+${hex} '${ch}'` : `U+${hex}`;
}

class Lexer {
  readonly tokens: Token[] = [];
  #pos = 0;
  #start = 0;
  #parenDepth = 0;
  #done = false;

  constructor(private readonly input: string) {}

  #linePos = 0;
  #line = 1;

  /** Line of a position; tokens come in order, so count newlines since the last one. */
  #lineAt(pos: number): number {
    if (pos < this.#linePos) {
      this.#linePos = 0;
      this.#line = 1;
    }
    for (; this.#linePos < pos; this.#linePos++) if (this.input.charCodeAt(this.#linePos) === 10) this.#line++;
    return this.#line;
  }

  #emit(type: TokenType): void {
    this.tokens.push({ type, pos: this.#start, val: this.input.slice(this.#start, this.#pos), line: this.#lineAt(this.#start) });
    this.#start = this.#pos;
  }

  #error(message: string): void {
    this.tokens.push({ type: 'error', pos: this.#start, val: message, line: this.#lineAt(this.#start) });
    this.#done = true;
  }

  #peek(): string | undefined {
    if (this.#pos >= this.input.length) return undefined;
    return String.fromCodePoint(this.input.codePointAt(this.#pos)!);
  }

  #next(): string | undefined {
    const c = this.#peek();
    if (c !== undefined) this.#pos += c.length;
    return c;
  }

  run(): Token[] {
    while (!this.#done) this.#lexText();
    return this.tokens;
  }

  #lexText(): void {
    const x = this.input.indexOf(LEFT, this.#pos);
    if (x < 0) {
      this.#pos = this.input.length;
      if (this.#pos > this.#start) this.#emit('text');
      this.#emit('eof');
      this.#done = true;
      return;
    }
    this.#pos = x;
    let trimmed = this.#pos;
    if (hasLeftTrimMarker(this.input.slice(x + LEFT.length))) {
      while (trimmed > this.#start && isSpace(this.input[trimmed - 1])) trimmed--;
    }
    if (trimmed > this.#start) {
      this.#pos = trimmed;
      this.#emit('text');
    }
    this.#pos = x;
    this.#start = x;
    this.#lexLeftDelim();
  }

  #atRightDelim(): { delim: boolean; trim: boolean } {
    const rest = this.input.slice(this.#pos);
    if (hasRightTrimMarker(rest) && rest.startsWith(RIGHT, 2)) return { delim: true, trim: true };
    return { delim: rest.startsWith(RIGHT), trim: false };
  }

  #lexLeftDelim(): void {
    this.#pos += LEFT.length;
    const trim = hasLeftTrimMarker(this.input.slice(this.#pos));
    const after = trim ? 2 : 0;
    if (this.input.startsWith('/*', this.#pos + after)) {
      this.#pos += after;
      this.#start = this.#pos;
      this.#lexComment();
      return;
    }
    this.#emit('leftDelim');
    this.#pos += after;
    this.#start = this.#pos;
    this.#parenDepth = 0;
    while (!this.#done && this.#lexInsideAction());
  }

  #lexComment(): void {
    this.#pos += 2;
    const end = this.input.indexOf('*/', this.#pos);
    if (end < 0) return this.#error('unclosed comment');
    this.#pos = end + 2;
    const { delim, trim } = this.#atRightDelim();
    if (!delim) return this.#error('comment ends before closing delimiter');
    this.#pos += (trim ? 2 : 0) + RIGHT.length;
    if (trim) while (isSpace(this.input[this.#pos])) this.#pos++;
    this.#start = this.#pos;
  }

  #lexRightDelim(trim: boolean): void {
    if (trim) {
      this.#pos += 2;
      this.#start = this.#pos;
    }
    this.#pos += RIGHT.length;
    this.#emit('rightDelim');
    if (trim) {
      while (isSpace(this.input[this.#pos])) this.#pos++;
      this.#start = this.#pos;
    }
  }

  /** Scans one item inside an action; false once the action is closed. */
  #lexInsideAction(): boolean {
    const { delim, trim } = this.#atRightDelim();
    if (delim) {
      if (this.#parenDepth !== 0) {
        this.#error('unclosed left paren');
        return false;
      }
      this.#lexRightDelim(trim);
      return false;
    }
    const r = this.#next();
    if (r === undefined) {
      this.#error('unclosed action');
      return false;
    }
    if (isSpace(r)) {
      this.#pos -= r.length;
      this.#lexSpace();
    } else if (r === '=') this.#emit('assign');
    else if (r === ':') {
      if (this.#next() !== '=') this.#error('expected :=');
      else this.#emit('declare');
    } else if (r === '|') this.#emit('pipe');
    else if (r === '"') this.#lexQuote();
    else if (r === '`') this.#lexRawQuote();
    else if (r === '$') this.#lexFieldOrVariable('variable');
    else if (r === "'") this.#lexChar();
    else if (r === '.' && !(this.#peek() !== undefined && /\d/.test(this.#peek()!))) this.#lexFieldOrVariable('field');
    else if (r === '.' || r === '+' || r === '-' || /\d/.test(r)) {
      this.#pos -= r.length;
      this.#lexNumber();
    } else if (isAlphaNumeric(r)) {
      this.#pos -= r.length;
      this.#lexIdentifier();
    } else if (r === '(') {
      this.#emit('leftParen');
      this.#parenDepth++;
    } else if (r === ')') {
      this.#emit('rightParen');
      this.#parenDepth--;
      if (this.#parenDepth < 0) this.#error(`unexpected right paren ${formatRune(r)}`);
    } else if (r.charCodeAt(0) <= 0x7f && /[\x20-\x7e]/.test(r)) this.#emit('char');
    else this.#error(`unrecognized character in action: ${formatRune(r)}`);
    return !this.#done;
  }

  #lexSpace(): void {
    let n = 0;
    while (isSpace(this.#peek())) {
      this.#next();
      n++;
    }
    // A trim-marked right delimiter starts with a space: leave that space to it.
    if (hasRightTrimMarker(this.input.slice(this.#pos - 1)) && this.input.startsWith(RIGHT, this.#pos + 1)) {
      this.#pos--;
      if (n === 1) return;
    }
    this.#emit('space');
  }

  #atTerminator(): boolean {
    const r = this.#peek();
    return r === undefined || isSpace(r) || '.,|:)('.includes(r) || r === RIGHT[0];
  }

  #lexIdentifier(): void {
    while (isAlphaNumeric(this.#peek())) this.#next();
    if (!this.#atTerminator()) return this.#error(`bad character ${formatRune(this.#peek()!)}`);
    const word = this.input.slice(this.#start, this.#pos);
    if (KEYWORDS.has(word)) this.#emit('keyword');
    else if (word === 'true' || word === 'false') this.#emit('bool');
    else this.#emit('identifier');
  }

  #lexFieldOrVariable(type: 'field' | 'variable'): void {
    if (this.#atTerminator()) return this.#emit(type === 'variable' ? 'variable' : 'dot');
    while (isAlphaNumeric(this.#peek())) this.#next();
    if (!this.#atTerminator()) return this.#error(`bad character ${formatRune(this.#peek()!)}`);
    this.#emit(type);
  }

  #lexChar(): void {
    for (;;) {
      const c = this.#next();
      if (c === '\\') {
        const e = this.#next();
        if (e !== undefined && e !== '\n') continue;
      }
      if (c === undefined || c === '\n' || c === '\\') return this.#error('unterminated character constant');
      if (c === "'") break;
    }
    this.#emit('charConstant');
  }

  #lexQuote(): void {
    for (;;) {
      const c = this.#next();
      if (c === '\\') {
        const e = this.#next();
        if (e !== undefined && e !== '\n') continue;
      }
      if (c === undefined || c === '\n' || c === '\\') return this.#error('unterminated quoted string');
      if (c === '"') break;
    }
    this.#emit('string');
  }

  #lexRawQuote(): void {
    const end = this.input.indexOf('`', this.#pos);
    if (end < 0) return this.#error('unterminated raw quoted string');
    this.#pos = end + 1;
    this.#emit('rawString');
  }

  #lexNumber(): void {
    // Same shape as Go's scanNumber: sign, 0x/0o/0b prefix, digits with _, fraction, exponent.
    const m = /^[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[oO][0-7_]*|0[bB][01_]*|[0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)i?/.exec(
      this.input.slice(this.#pos),
    )!;
    this.#pos += m[0].length;
    if (isAlphaNumeric(this.#peek())) {
      this.#next();
      return this.#error(`bad number syntax: ${quote(this.input.slice(this.#start, this.#pos))}`);
    }
    this.#emit('number');
  }
}

/** Tokenises a template; the last token is 'eof' or 'error'. */
export function lexTemplate(input: string): Token[] {
  return new Lexer(input).run();
}
