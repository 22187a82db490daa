/**
 * The functions a docker `--format` template can call: Go's builtins
 * (text/template/funcs.go: and, or, not, len, index, slice, print, printf,
 * println, html, js, urlquery, call, eq, ne, lt, le, gt, ge) and docker/cli's
 * (templates.go: json, split, join, title, lower, upper, pad, truncate), plus
 * the header variants docker uses to render a table's header row.
 *
 * A function declares Go-like parameter kinds so that calls fail the way Go's
 * do ("wrong number of args for join: want 2 got 1", "wrong type for value;
 * expected string; got int"). A function throws Error to fail a call; the
 * executor reports it as "error calling NAME: message".
 */
import { goJsonStringify } from '../../units/go-json.js';
import { isGoPrintable } from '../../units/go-strconv.js';
import { formatArg, goTypeName, isMapLike, sortedEntries, sprint, sprintf, sprintln } from './go-fmt.js';

/** 'value' is Go's reflect.Value: anything, even "no value"; 'any' is interface{}: no value becomes nil. */
export type ParamKind = 'value' | 'any' | 'string' | 'int' | 'bool';

export interface FuncSpec {
  fn: (...args: any[]) => unknown;
  params: ParamKind[];
  /** Kind of any further arguments; absent for a fixed arity. */
  variadic?: ParamKind;
}

/** Go's truth: not the zero value of its type (see isTrue in exec.go). */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean': return v;
    case 'number': return v !== 0;
    case 'bigint': return v !== 0n;
    case 'string': return v.length > 0;
    case 'function': return true;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (isMapLike(v)) return Object.keys(v).length > 0;
  return true; // a struct is always true
}

type Kind = 'bool' | 'number' | 'string' | 'invalid' | 'other';

function basicKind(v: unknown): Kind {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'string') return 'string';
  return 'other';
}

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  if (arg2.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new Error('incompatible types for comparison');
      continue;
    }
    if (k1 === 'other') throw new Error(`non-comparable type ${formatArg(arg, 'v')}: ${goTypeName(arg)}`);
    // Loose equality on purpose: a number equals a bigint of the same value, as Go's int kinds do.
    if (k1 === 'invalid' || arg1 == arg) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  if (k1 === 'bool') throw new Error('invalid type for comparison');
  return (a as number | string) < (b as number | string);
}

function indexArg(index: unknown, cap: number): number {
  if (index === undefined || index === null) throw new Error('cannot index slice/array with nil');
  if (typeof index !== 'bigint' && !(typeof index === 'number' && Number.isInteger(index))) {
    throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  const x = Number(index);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new Error('index of untyped nil');
  for (const i of indexes) {
    if (item === undefined || item === null) throw new Error('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = Buffer.from(item, 'utf8');
      const x = indexArg(i, bytes.length);
      if (x === bytes.length) throw new Error(`index out of range: ${x}`);
      item = bytes[x];
    } else if (Array.isArray(item)) {
      const x = indexArg(i, item.length);
      if (x === item.length) throw new Error(`index out of range: ${x}`);
      item = item[x];
    } else if (isMapLike(item)) {
      if (typeof i !== 'string') throw new Error(`value has type ${goTypeName(i)}; should be string`);
      const values = item instanceof Map ? [...item.values()] : Object.values(item);
      const has = item instanceof Map ? item.has(i) : Object.hasOwn(item, i);
      // A missing key gives the zero value of the map's element type: "" for a
      // map of strings (labels), no value for anything looser.
      item = has ? (item instanceof Map ? item.get(i) : item[i]) : values.every((v) => typeof v === 'string') ? '' : undefined;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = Buffer.byteLength(item, 'utf8');
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new Error(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, len)));
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  return (item as unknown[]).slice(idx[0], idx[1]);
}

function length(item: unknown): number {
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (item === null) throw new Error('len of nil pointer');
  if (typeof item === 'string') return Buffer.byteLength(item, 'utf8');
  if (Array.isArray(item)) return item.length;
  if (item instanceof Map) return item.size;
  if (isMapLike(item)) return Object.keys(item).length;
  throw new Error(`len of type ${goTypeName(item)}`);
}

/** Go's evalArgs for html/js/urlquery: one string as is, anything else through Sprint. */
function argsText(args: unknown[]): string {
  return args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args);
}

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const named: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' };
    if (named[ch] !== undefined) out += named[ch];
    else if (c < 0x20) out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (c < 0x80 || isGoPrintable(ch)) out += ch;
    else out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (fn === undefined || fn === null) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function of type ${goTypeName(fn)}`);
  return fn(...args);
}

const spec = (fn: FuncSpec['fn'], params: ParamKind[], variadic?: ParamKind): FuncSpec => ({ fn, params, variadic });

/** Go's builtins. `and` and `or` are evaluated lazily by the executor, as Go does. */
export const BUILTIN_FUNCS: ReadonlyMap<string, FuncSpec> = new Map([
  ['and', spec((...a: unknown[]) => a.find((v) => !truth(v)) ?? a[a.length - 1], ['value'], 'value')],
  ['or', spec((...a: unknown[]) => a.find((v) => truth(v)) ?? a[a.length - 1], ['value'], 'value')],
  ['not', spec((a: unknown) => !truth(a), ['value'])],
  ['len', spec(length, ['value'])],
  ['index', spec(index, ['value'], 'value')],
  ['slice', spec(slice, ['value'], 'value')],
  ['call', spec(call, ['value'], 'value')],
  ['print', spec((...a: unknown[]) => sprint(a), [], 'any')],
  ['printf', spec((f: string, ...a: unknown[]) => sprintf(f, a), ['string'], 'any')],
  ['println', spec((...a: unknown[]) => sprintln(a), [], 'any')],
  ['html', spec((...a: unknown[]) => htmlEscape(argsText(a)), [], 'any')],
  ['js', spec((...a: unknown[]) => jsEscape(argsText(a)), [], 'any')],
  ['urlquery', spec((...a: unknown[]) => queryEscape(argsText(a)), [], 'any')],
  ['eq', spec(eq, ['value'], 'value')],
  ['ne', spec((a: unknown, b: unknown) => !eq(a, b), ['value', 'value'])],
  ['lt', spec(lt, ['value', 'value'])],
  ['le', spec((a: unknown, b: unknown) => lt(a, b) || eq(a, b), ['value', 'value'])],
  ['gt', spec((a: unknown, b: unknown) => !(lt(a, b) || eq(a, b)), ['value', 'value'])],
  ['ge', spec((a: unknown, b: unknown) => !lt(a, b), ['value', 'value'])],
]);

/** Go's unicode.IsSpace. */
const isSpaceRune = (ch: string) => /^[\t\n\v\f\r \u0085\u00a0\p{Zs}\u2028\u2029]$/u.test(ch);

/** strings.Title: upper-case the first letter of each word (deprecated in Go, still docker's `title`). */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = /^[\x00-\x7f]$/.test(prev) ? !/^[A-Za-z0-9_]$/.test(prev) : !/^[\p{L}\p{Nd}]$/u.test(prev) && isSpaceRune(prev);
    out += sep ? simpleCase(ch, 'upper') : ch;
    prev = ch;
  }
  return out;
}

/** Go maps case rune by rune; a rune whose mapping is not one rune (ß → SS) stays as it is. */
function simpleCase(s: string, to: 'upper' | 'lower'): string {
  let out = '';
  for (const ch of s) {
    const m = to === 'upper' ? ch.toUpperCase() : ch.toLowerCase();
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

function join(elems: unknown, sep: string): string {
  if (elems === undefined || elems === null) return '';
  if (Array.isArray(elems)) return elems.map((e) => formatArg(e, 'v')).join(sep);
  if (isMapLike(elems)) return sortedEntries(elems).map(([, v]) => formatArg(v, 'v')).sort().join(sep);
  throw new Error(`expected slice, got ${goTypeName(elems)}`);
}

/** docker's padWithSpace: spaces around a non-empty string. */
function pad(source: string, prefix: number, suffix: number): string {
  if (source === '') return source;
  if (prefix < 0 || suffix < 0) throw new Error('strings: negative Repeat count');
  return ' '.repeat(prefix) + source + ' '.repeat(suffix);
}

function truncate(source: string, length: number): string {
  const bytes = Buffer.from(source, 'utf8');
  if (bytes.length < length) return source;
  if (length < 0) throw new Error(`runtime error: slice bounds out of range [:${length}]`);
  return bytes.subarray(0, length).toString('utf8');
}

/** docker/cli's basicFunctions. `json` does not escape <, >, & (SetEscapeHTML(false)). */
export const DOCKER_FUNCS: ReadonlyMap<string, FuncSpec> = new Map([
  ['json', spec((v: unknown) => goJsonStringify(v, { escapeHTML: false }), ['any'])],
  ['split', spec((s: string, sep: string) => (sep === '' ? Array.from(s) : s.split(sep)), ['string', 'string'])],
  ['join', spec(join, ['any', 'string'])],
  ['title', spec(title, ['string'])],
  ['lower', spec((s: string) => simpleCase(s, 'lower'), ['string'])],
  ['upper', spec((s: string) => simpleCase(s, 'upper'), ['string'])],
  ['pad', spec(pad, ['string', 'int', 'int'])],
  ['truncate', spec(truncate, ['string', 'int'])],
]);

/** docker/cli's HeaderFunctions: a table header shows the column name, not a transformed one. */
export const DOCKER_HEADER_FUNCS: ReadonlyMap<string, FuncSpec> = new Map([
  ['json', spec((v: string) => v, ['string'])],
  ['split', spec((v: string) => v, ['string', 'string'])],
  ['join', spec((v: string) => v, ['string', 'string'])],
  ['title', spec((v: string) => v, ['string'])],
  ['lower', spec((v: string) => v, ['string'])],
  ['upper', spec((v: string) => v, ['string'])],
  ['truncate', spec((v: string) => v, ['string', 'int'])],
]);
