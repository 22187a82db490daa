/**
 * JSON text byte-identical to Go's encoding/json, for output that Docker
 * users diff or parse: the Engine API bodies (Go escapes <, >, & as \u003c …
 * by default) and the CLI's `{{json .}}` (docker/cli turns that escaping off
 * with SetEscapeHTML(false)).
 *
 * Differences from JSON.stringify that this handles:
 * - object keys stay in property order, as a Go struct's fields stay in
 *   declaration order (JS lists integer-like keys first: use a Map for maps);
 * - a Map is a Go map: keys sorted, as encoding/json sorts them;
 * - U+2028/U+2029 are escaped, lone surrogates become \ufffd (invalid UTF-8 in
 *   Go), and with escapeHTML <, >, & become \u003c, \u003e, \u0026;
 * - -0 is written "-0"; NaN and ±Infinity are errors (Go's UnsupportedValueError).
 */
import { InvalidArgumentError } from '../errors.js';
import { formatFloat } from './go-strconv.js';

export interface GoJsonOptions {
  /** Escape <, > and & (Go's default; docker/cli's `json` template function turns it off). */
  escapeHTML?: boolean;
  /** Indent per level, as json.MarshalIndent(v, "", indent). Empty: compact. */
  indent?: string;
}

const HEX = '0123456789abcdef';

function escapeChar(code: number): string {
  return '\\u00' + HEX[code >> 4] + HEX[code & 0xf];
}

/** A Go-encoded JSON string literal. */
export function goJsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c < 0x7f && !(escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
      out += s[i];
      continue;
    }
    switch (c) {
      case 0x22: out += '\\"'; continue;
      case 0x5c: out += '\\\\'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x2028: out += '\\u2028'; continue;
      case 0x2029: out += '\\u2029'; continue;
    }
    if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) {
      out += escapeChar(c);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += s[i]! + s[i + 1]!; // a valid surrogate pair
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd';
    } else {
      out += s[i];
    }
  }
  return out + '"';
}

/** Go's float64 encoding: 'f' form, 'e' form below 1e-6 or from 1e21, "e-07" cleaned to "e-7". */
function goJsonNumber(n: number): string {
  if (!Number.isFinite(n)) {
    throw new InvalidArgumentError(`json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`);
  }
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return formatFloat(n, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  return formatFloat(n, 'f', -1);
}

function encode(v: unknown, opts: Required<GoJsonOptions>, depth: number, seen: Set<object>): string | undefined {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return goJsonString(v, opts.escapeHTML);
    case 'number': return goJsonNumber(v);
    case 'bigint': return v.toString();
    case 'boolean': return v ? 'true' : 'false';
    case 'function':
    case 'symbol': return undefined;
  }
  const obj = v as object & { toJSON?: () => unknown; marshalGoJSON?: () => string };
  // Go's json.Marshaler: the value's own JSON text, kept as it is (docker/cli's
  // formatter contexts escape <, >, & there even under SetEscapeHTML(false)).
  if (typeof obj.marshalGoJSON === 'function') return obj.marshalGoJSON();
  if (typeof obj.toJSON === 'function') return encode(obj.toJSON(), opts, depth, seen);
  if (seen.has(obj)) throw new InvalidArgumentError('json: unsupported value: encountered a cycle');
  seen.add(obj);
  try {
    const nl = opts.indent ? '\n' + opts.indent.repeat(depth + 1) : '';
    const end = opts.indent ? '\n' + opts.indent.repeat(depth) : '';
    const colon = opts.indent ? ': ' : ':';
    if (Array.isArray(obj)) {
      if (obj.length === 0) return '[]';
      const items = obj.map((item) => encode(item, opts, depth + 1, seen) ?? 'null');
      return '[' + items.map((s) => nl + s).join(',') + end + ']';
    }
    let entries: [string, unknown][];
    if (obj instanceof Map) {
      entries = [...obj].map(([k, val]): [string, unknown] => [String(k), val]);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    } else {
      entries = Reflect.ownKeys(obj)
        .filter((k): k is string => typeof k === 'string' && Object.prototype.propertyIsEnumerable.call(obj, k))
        .map((k) => [k, (obj as Record<string, unknown>)[k]]);
    }
    const parts: string[] = [];
    for (const [k, val] of entries) {
      // JSON.stringify's rule for objects: undefined fields are left out. A Go
      // map (Map) has no such thing as an absent value, so it writes null.
      if (val === undefined && !(obj instanceof Map)) continue;
      const enc = encode(val, opts, depth + 1, seen);
      if (enc === undefined) continue;
      parts.push(nl + goJsonString(k, opts.escapeHTML) + colon + enc);
    }
    if (parts.length === 0) return '{}';
    return '{' + parts.join(',') + end + '}';
  } finally {
    seen.delete(obj);
  }
}

/**
 * Go's json.Marshal / json.MarshalIndent of a JS value. undefined and
 * functions are left out of objects, as JSON.stringify does; objects with
 * toJSON() are encoded through it; objects with marshalGoJSON() give their
 * own JSON text, as a Go json.Marshaler does.
 */
export function goJsonStringify(value: unknown, options: GoJsonOptions = {}): string {
  const opts: Required<GoJsonOptions> = { escapeHTML: options.escapeHTML ?? true, indent: options.indent ?? '' };
  return encode(value, opts, 0, new Set()) ?? 'null';
}
