/**
 * The parts of Go's strconv that Docker's output depends on, digit for digit:
 * FormatFloat ('e', 'f', 'g' with a precision or shortest), Quote (%q), and
 * the decimal subset of ParseFloat's syntax.
 *
 * Why not toFixed/toPrecision: Go rounds the exact binary value half-to-even
 * ("%.0f" of 2.5 is "2", JS says "3"), trims trailing zeros in %g, and writes
 * exponents with at least two digits ("1e+06"). docker's `images` SIZE column
 * (HumanSizeWithPrecision(n, 3)) shows those quirks, e.g. "1e+03MB".
 */

/** A decimal: value = 0.d × 10^dp, d without trailing zeros ("" for zero). */
interface Decimal {
  d: string;
  dp: number;
  neg: boolean;
}

/** The exact decimal expansion of a finite double (every double has one). */
function exactDecimal(x: number): Decimal {
  const neg = x < 0 || Object.is(x, -0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = hi >>> 20;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074; // subnormal
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  if (mant === 0n) return { d: '', dp: 0, neg };
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    // m / 2^k = m·5^k / 10^k
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return { d: digits.replace(/0+$/, ''), dp, neg };
}

/** The shortest digits that read back as x (Go and ECMAScript agree on them). */
function shortestDecimal(x: number): Decimal {
  const neg = x < 0 || Object.is(x, -0);
  if (x === 0) return { d: '', dp: 0, neg };
  const [mantissa, e] = Math.abs(x).toExponential().split('e');
  const d = mantissa!.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(e) + 1, neg };
}

/** Round to nd significant digits as Go's decimal.Round does: half to even on the exact value. */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  let up: boolean;
  if (a.d[nd] === '5' && nd + 1 === a.d.length) {
    up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = a.d[nd]! >= '5';
  }
  if (!up) return { d: a.d.slice(0, nd).replace(/0+$/, ''), dp: a.dp, neg: a.neg };
  for (let i = nd - 1; i >= 0; i--) {
    if (a.d[i]! < '9') {
      return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp, neg: a.neg };
    }
  }
  return { d: '1', dp: a.dp + 1, neg: a.neg };
}

function fmtE(a: Decimal, prec: number, e: string): string {
  let out = a.neg ? '-' : '';
  out += a.d.length === 0 ? '0' : a.d[0];
  if (prec > 0) {
    out += '.';
    const m = Math.min(a.d.length, prec + 1);
    out += a.d.slice(1, m);
    out += '0'.repeat(Math.max(0, prec + 1 - Math.max(m, 1)));
  }
  let exp = a.d.length === 0 ? 0 : a.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${e}${sign}${exp < 10 ? '0' : ''}${exp}`;
}

function fmtF(a: Decimal, prec: number): string {
  let out = a.neg ? '-' : '';
  if (a.dp > 0) {
    const m = Math.min(a.d.length, a.dp);
    out += a.d.slice(0, m) + '0'.repeat(a.dp - m);
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = a.dp + i - 1;
      out += j >= 0 && j < a.d.length ? a.d[j] : '0';
    }
  }
  return out;
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G';

/**
 * Go's strconv.FormatFloat(x, fmt, prec, 64). prec -1 means "the fewest
 * digits that read back exactly" (what %v uses).
 */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(x);
    const nd = digs.d.length;
    if (fmt === 'e' || fmt === 'E') prec = Math.max(nd - 1, 0);
    else if (fmt === 'f') prec = Math.max(nd - digs.dp, 0);
    else prec = nd;
  } else {
    const exact = exactDecimal(x);
    if (fmt === 'e' || fmt === 'E') digs = roundDecimal(exact, prec + 1);
    else if (fmt === 'f') digs = roundDecimal(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundDecimal(exact, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(digs, prec, fmt);
  if (fmt === 'f') return fmtF(digs, prec);
  // %g: %e when the exponent is < -4 or >= the precision (6 when shortest).
  let eprec = prec;
  const nd = digs.d.length;
  if (eprec > nd && nd >= digs.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    return fmtE(digs, prec - 1, fmt === 'g' ? 'e' : 'E');
  }
  if (prec > digs.dp) prec = nd;
  return fmtF(digs, Math.max(prec - digs.dp, 0));
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Go's strconv.ParseFloat(s, 64) for decimal input (no hex floats, no
 * "Inf"/"NaN" words), with Go's error text.
 */
export function parseGoFloat(s: string): number {
  if (!DECIMAL_FLOAT.test(s)) {
    throw new SyntaxError(`strconv.ParseFloat: parsing ${quote(s)}: invalid syntax`);
  }
  const v = Number(s);
  if (!Number.isFinite(v)) {
    throw new RangeError(`strconv.ParseFloat: parsing ${quote(s)}: value out of range`);
  }
  return v;
}

/** Go's strconv.ParseInt(s, 10, 64) syntax check, with Go's error text. */
export function parseGoInt(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) {
    throw new SyntaxError(`strconv.ParseInt: parsing ${quote(s)}: invalid syntax`);
  }
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) {
    throw new RangeError(`strconv.ParseInt: parsing ${quote(s)}: value out of range`);
  }
  return Number(v);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isGoPrintable(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch);
}

const SHORT_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Go's strconv.Quote (and so fmt's %q for strings). */
export function quote(s: string, q = '"'): string {
  let out = q;
  for (const ch of s) {
    if (ch === q || ch === '\\') {
      out += '\\' + ch;
    } else if (isGoPrintable(ch)) {
      out += ch;
    } else if (SHORT_ESCAPES[ch] !== undefined) {
      out += SHORT_ESCAPES[ch];
    } else {
      let cp = ch.codePointAt(0)!;
      if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
      else {
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // lone surrogate: not a valid rune
        out += cp < 0x10000 ? '\\u' + cp.toString(16).padStart(4, '0') : '\\U' + cp.toString(16).padStart(8, '0');
      }
    }
  }
  return out + q;
}
