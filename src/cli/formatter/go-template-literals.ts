/**
 * Go literal syntax inside template actions: "quoted" and `raw` strings
 * (strconv.Unquote), 'c' character constants (strconv.UnquoteChar) and
 * numbers (0x1F, 0o17, 0b101, 1_000, 1.5e3). Errors carry strconv's text,
 * which the parser reports as "template: :1: invalid syntax".
 */

const SIMPLE: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/**
 * Reads one character or escape at s[i] inside a literal quoted with `q`.
 * Returns the bytes it stands for (escapes like \xff are single bytes) and the next index.
 */
function readChar(s: string, i: number, q: string): [number[], number] {
  const c = s[i]!;
  if (c !== '\\') {
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    if (ch === q || ch === '\n') throw new SyntaxError('invalid syntax');
    return [[...Buffer.from(ch, 'utf8')], i + ch.length];
  }
  const e = s[i + 1];
  if (e === undefined) throw new SyntaxError('invalid syntax');
  if (SIMPLE[e] !== undefined) return [[SIMPLE[e]!], i + 2];
  if (e === "'" || e === '"') {
    if (e !== q) throw new SyntaxError('invalid syntax');
    return [[e.charCodeAt(0)], i + 2];
  }
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const hex = s.slice(i + 2, i + 2 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw new SyntaxError('invalid syntax');
    const v = parseInt(hex, 16);
    if (e === 'x') return [[v], i + 2 + hexLen];
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxError('invalid syntax');
    return [[...Buffer.from(String.fromCodePoint(v), 'utf8')], i + 2 + hexLen];
  }
  if (/[0-7]/.test(e)) {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new SyntaxError('invalid syntax');
    return [[parseInt(oct, 8)], i + 4];
  }
  throw new SyntaxError('invalid syntax');
}

/** strconv.Unquote of a "double-quoted" or `raw` string token. */
export function unquoteString(token: string): string {
  if (token.startsWith('`')) {
    if (token.length < 2 || !token.endsWith('`')) throw new SyntaxError('invalid syntax');
    return token.slice(1, -1).replace(/\r/g, '');
  }
  if (token.length < 2 || token[0] !== '"' || token[token.length - 1] !== '"') throw new SyntaxError('invalid syntax');
  const body = token.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const [b, next] = readChar(body, i, '"');
    bytes.push(...b);
    i = next;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The rune value of a 'c' character constant. */
export function unquoteChar(token: string): number {
  const body = token.slice(1, -1);
  if (token.length < 3 || !token.endsWith("'")) throw new SyntaxError(`malformed character constant: ${token}`);
  try {
    const [bytes, next] = readChar(body, 0, "'");
    if (next !== body.length) throw new SyntaxError('invalid syntax');
    if (body[0] === '\\' && /[xX0-7]/.test(body[1]!)) return bytes[0]!;
    return Buffer.from(bytes).toString('utf8').codePointAt(0)!;
  } catch {
    throw new SyntaxError(`malformed character constant: ${token}`);
  }
}

/** A number literal: its value, and whether Go would make it a float64 rather than an int. */
export function parseNumber(text: string): { value: number; isFloat: boolean } {
  const bad = () => new SyntaxError(`illegal number syntax: ${JSON.stringify(text)}`);
  if (text.endsWith('i')) throw new SyntaxError(`complex numbers are not supported: ${JSON.stringify(text)}`);
  const neg = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  if (/(^_|_$|__|_\.|\._)/.test(body.replace(/^0[xXoObB]_?/, (p) => p.replace('_', '')))) throw bad();
  const clean = body.replace(/_/g, '');
  let value: number;
  let isFloat = false;
  if (/^0[xX][0-9a-fA-F]+$/.test(clean)) value = parseInt(clean.slice(2), 16);
  else if (/^0[oO][0-7]+$/.test(clean)) value = parseInt(clean.slice(2), 8);
  else if (/^0[bB][01]+$/.test(clean)) value = parseInt(clean.slice(2), 2);
  else if (/^0[0-7]+$/.test(clean)) value = parseInt(clean, 8); // Go's legacy octal
  else if (/^\d+$/.test(clean)) value = Number(clean);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) {
    value = Number(clean);
    isFloat = true;
  } else throw bad();
  if (!Number.isFinite(value)) throw bad();
  return { value: neg ? -value : value, isFloat };
}
