/**
 * Go's fmt for JS values: Sprint, Sprintln and Sprintf as `--format`
 * templates call them (`{{.X}}` prints with %v, `{{printf "%-10s" .X}}`).
 *
 * JS values map onto Go kinds like this: undefined/null → nil, boolean →
 * bool, an integral number → int, any other number → float64, bigint →
 * int64, string → string, Array → slice, Map or plain object → map (printed
 * with sorted keys, as fmt sorts maps), a class instance → struct, unless it
 * has its own toString() or is an Error, which makes it a Stringer.
 *
 * Leniency: an integral number given to %e/%f/%g is formatted as a float
 * (Go would print %!f(int=5)), because JS cannot tell 5 from 5.0.
 */
import { formatFloat, isGoPrintable, quote } from '../../units/go-strconv.js';

/** The Go type name fmt's %T and error messages would show for a JS value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'bigint': return 'int64';
    case 'number': return isGoInt(v) ? 'int' : 'float64';
    case 'function': return 'func()';
  }
  if (Array.isArray(v)) return '[]interface {}';
  if (isMapLike(v)) return 'map[string]interface {}';
  const name = (v as object).constructor?.name;
  return name ? `*${name}` : 'struct {}';
}

/** An integral JS number small enough to be a Go int (larger ones print as float64 does). */
export function isGoInt(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 1e21;
}

/** A Map or a plain object (prototype Object.prototype or null): a Go map. */
export function isMapLike(v: unknown): v is Map<unknown, unknown> | Record<string, unknown> {
  if (v instanceof Map) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The entries of a Map or plain object in Go's map order (keys sorted). */
export function sortedEntries(v: Map<unknown, unknown> | Record<string, unknown>): [unknown, unknown][] {
  const entries: [unknown, unknown][] = v instanceof Map ? [...v] : Object.entries(v);
  return entries.sort(([a], [b]) => compareKeys(a, b));
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The String() of a Go Stringer or error: an Error's message, or an object's own toString(). */
function stringerText(v: object): string | undefined {
  if (v instanceof Error) return v.message;
  if (Array.isArray(v) || isMapLike(v)) return undefined;
  const toString = (v as { toString?: unknown }).toString;
  if (typeof toString === 'function' && toString !== Object.prototype.toString) return String(toString.call(v));
  return undefined;
}

/** fmt flags of one verb: %+-# 0, width and precision. */
export interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  wid?: number;
  prec?: number;
}

const NO_FLAGS: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false };

function pad(s: string, f: Flags, zeroOk = true): string {
  const n = [...s].length;
  if (f.wid === undefined || f.wid <= n) return s;
  const fill = (f.zero && zeroOk && !f.minus ? '0' : ' ').repeat(f.wid - n);
  return f.minus ? s + fill : fill + s;
}

function fmtInteger(n: bigint, verb: string, f: Flags): string {
  const neg = n < 0n;
  const u = neg ? -n : n;
  if (verb === 'c') return pad(String.fromCodePoint(Number(u)), f);
  if (verb === 'q') return pad(quote(String.fromCodePoint(Number(u)), "'"), f);
  if (verb === 'U') {
    const code = 'U+' + u.toString(16).toUpperCase().padStart(f.prec ?? 4, '0');
    const ch = String.fromCodePoint(Number(u));
    return pad(f.sharp && isGoPrintable(ch) ? `${code} '${ch}'` : code, f, false);
  }
  const base = verb === 'b' ? 2 : verb === 'o' || verb === 'O' ? 8 : verb === 'x' || verb === 'X' ? 16 : 10;
  let prec = 0;
  if (f.prec !== undefined) {
    prec = f.prec;
    if (prec === 0 && u === 0n) return pad('', f, false);
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    prec = f.wid - (neg || f.plus || f.space ? 1 : 0);
  }
  let digits = u.toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  digits = digits.padStart(prec, '0');
  if (f.sharp) {
    if (base === 2) digits = '0b' + digits;
    else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
    else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = '0o' + digits;
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + digits, f, false);
}

function fmtFloatVerb(v: number, verb: string, f: Flags): string {
  const fmt = verb === 'v' ? 'g' : verb === 'F' ? 'f' : (verb as 'e' | 'E' | 'f' | 'g' | 'G');
  const prec = f.prec ?? (fmt === 'g' || fmt === 'G' ? -1 : 6);
  let num = formatFloat(v, fmt, prec);
  if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
  if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return pad(num, f, false);
  }
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.wid !== undefined && f.wid > num.length) {
      return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    }
    return pad(num, f);
  }
  return pad(num.slice(1), f);
}

function fmtString(s: string, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
    case 's':
      return pad(f.prec !== undefined ? [...s].slice(0, f.prec).join('') : s, f);
    case 'q':
      if (f.sharp && !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s)) return pad('`' + s + '`', f);
      return pad(quote(f.prec !== undefined ? [...s].slice(0, f.prec).join('') : s), f);
    case 'x':
    case 'X': {
      let bytes = [...Buffer.from(s, 'utf8')];
      if (f.prec !== undefined) bytes = bytes.slice(0, f.prec);
      const hex = bytes.map((b) => {
        const h = b.toString(16).padStart(2, '0');
        return (f.sharp ? '0x' : '') + (verb === 'X' ? h.toUpperCase() : h);
      });
      const text = hex.join(f.space ? ' ' : '');
      return pad(verb === 'X' ? text.replace(/0x/g, '0X') : text, f);
    }
  }
  return undefined;
}

function badVerb(v: unknown, verb: string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatArg(v, 'v', NO_FLAGS)})`;
}

/** One argument formatted with one verb, as fmt's printArg does. */
export function formatArg(v: unknown, verb: string, f: Flags = NO_FLAGS): string {
  if (verb === 'T') return pad(goTypeName(v), f);
  if (v === null || v === undefined) return verb === 'v' ? pad('<nil>', f) : badVerb(v, verb);
  switch (typeof v) {
    case 'boolean':
      return verb === 't' || verb === 'v' ? pad(String(v), f) : badVerb(v, verb);
    case 'bigint':
      return 'bcdoOqxXUv'.includes(verb) ? fmtInteger(v, verb === 'v' ? 'd' : verb, f) : badVerb(v, verb);
    case 'number':
      if (isGoInt(v) && 'bcdoOqxXUv'.includes(verb)) return fmtInteger(BigInt(v), verb === 'v' ? 'd' : verb, f);
      if ('eEfFgGv'.includes(verb)) return fmtFloatVerb(v, verb, f);
      return badVerb(v, verb);
    case 'string':
      return fmtString(v, verb, f) ?? badVerb(v, verb);
    case 'function':
      return verb === 'v' ? pad('func()', f) : badVerb(v, verb);
  }
  const obj = v as object;
  const text = 'vsqxX'.includes(verb) ? stringerText(obj) : undefined;
  if (text !== undefined) return formatArg(text, verb, f);
  if (Array.isArray(obj)) return '[' + obj.map((e) => formatArg(e, verb, f)).join(' ') + ']';
  if (isMapLike(obj)) {
    const parts = sortedEntries(obj).map(([k, e]) => `${formatArg(k, verb, f)}:${formatArg(e, verb, f)}`);
    return 'map[' + parts.join(' ') + ']';
  }
  // A struct: its field values in order, as %v prints them.
  return '{' + Object.values(obj).map((e) => formatArg(e, verb, f)).join(' ') + '}';
}

/** fmt.Sprint: operands printed with %v, a space between two operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatArg(arg, 'v');
  });
  return out;
}

/** fmt.Sprintln: operands with %v, always space-separated, with a final newline. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => formatArg(a, 'v')).join(' ') + '\n';
}

function intArg(args: unknown[], i: number): number | undefined {
  const v = args[i];
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** fmt.Sprintf with Go's verbs, flags, width/precision (also `*`) and error notations. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argNum = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { plus: false, minus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '+') f.plus = true;
      else if (c === '#') f.sharp = true;
      else if (c === ' ') f.space = true;
      else if (c === '0') f.zero = !f.minus; // zero padding only on the left
      else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else break;
    }
    if (format[i] === '*') {
      i++;
      const w = intArg(args, argNum++);
      if (w === undefined) out += '%!(BADWIDTH)';
      else if (w >= 0) f.wid = w;
      else {
        f.minus = true; // a negative * width means left-justify
        f.zero = false;
        f.wid = -w;
      }
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        f.wid = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const p = intArg(args, argNum++);
        if (p === undefined || p < 0) out += '%!(BADPREC)';
        else f.prec = p;
      } else {
        const m = /^\d+/.exec(format.slice(i));
        f.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') out += '%';
    else if (argNum >= args.length) out += `%!${verb}(MISSING)`;
    else out += formatArg(args[argNum++], verb, f);
  }
  if (argNum < args.length) {
    const extra = args.slice(argNum).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatArg(a, 'v')}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
