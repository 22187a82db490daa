/**
 * Variable interpolation in compose files (compose-go's template package):
 *
 *   $VAR ${VAR}        the value, or "" (with a warning) when unset
 *   ${VAR:-default}    default when unset or empty;  ${VAR-default}: when unset
 *   ${VAR:?message}    error when unset or empty;    ${VAR?message}: when unset
 *   ${VAR:+other}      other when set and non-empty; ${VAR+other}: when set
 *   $$                 a literal $
 *
 * Defaults and alternatives may themselves hold interpolations
 * (${A:-${B:-x}}). Any other `$` is an error naming where it stands, so a
 * typo never reaches a container silently. Only values are interpolated, never keys.
 */
import { InvalidArgumentError } from '../errors.js';

export type Lookup = (name: string) => string | undefined;

export interface InterpolationContext {
  lookup: Lookup;
  /** Told about each unset variable that defaulted to "". */
  warn?: (message: string) => void;
}

const NAME_START = /[_a-zA-Z]/;
const NAME_CHAR = /[_a-zA-Z0-9]/;

class Parser {
  #pos = 0;
  constructor(
    readonly text: string,
    readonly ctx: InterpolationContext,
    readonly where: string,
  ) {}

  /** Reads until the end, or until an unmatched `}` when nested. */
  parse(nested: boolean): string {
    let out = '';
    const s = this.text;
    while (this.#pos < s.length) {
      const c = s[this.#pos]!;
      if (nested && c === '}') return out;
      if (c !== '$') {
        out += c;
        this.#pos++;
        continue;
      }
      const next = s[this.#pos + 1];
      if (next === '$') {
        out += '$';
        this.#pos += 2;
      } else if (next === '{') {
        this.#pos += 2;
        out += this.#braced();
      } else if (next !== undefined && NAME_START.test(next)) {
        this.#pos++;
        out += this.#value(this.#name());
      } else {
        throw this.#invalid();
      }
    }
    if (nested) throw this.#invalid();
    return out;
  }

  #name(): string {
    const start = this.#pos;
    while (this.#pos < this.text.length && NAME_CHAR.test(this.text[this.#pos]!)) this.#pos++;
    return this.text.slice(start, this.#pos);
  }

  #value(name: string): string {
    const v = this.ctx.lookup(name);
    if (v === undefined) {
      this.ctx.warn?.(`the "${name}" variable is not set, defaulting to a blank string`);
      return '';
    }
    return v;
  }

  #braced(): string {
    const s = this.text;
    if (!NAME_START.test(s[this.#pos] ?? '')) throw this.#invalid();
    const name = this.#name();
    if (s[this.#pos] === '}') {
      this.#pos++;
      return this.#value(name);
    }
    let op = '';
    if (s[this.#pos] === ':') {
      op = ':';
      this.#pos++;
    }
    const kind = s[this.#pos];
    if (kind !== '-' && kind !== '?' && kind !== '+') throw this.#invalid();
    op += kind;
    this.#pos++;
    const arg = this.parse(true);
    if (s[this.#pos] !== '}') throw this.#invalid();
    this.#pos++;
    const value = this.ctx.lookup(name);
    const empty = value === undefined || (op.startsWith(':') && value === '');
    switch (op) {
      case '-':
      case ':-':
        return empty ? arg : value!;
      case '+':
      case ':+':
        return empty ? '' : arg;
      default: {
        if (!empty) return value!;
        const detail = arg === '' ? '' : `: ${arg}`;
        throw new InvalidArgumentError(`required variable ${name} is missing a value${detail}`);
      }
    }
  }

  #invalid(): InvalidArgumentError {
    return new InvalidArgumentError(
      `invalid interpolation format for ${this.where}: ${JSON.stringify(this.text)}; you may need to escape any $ with another $`,
    );
  }
}

/** Interpolates one string; `where` ("services.web.image") is named in errors. */
export function interpolate(text: string, ctx: InterpolationContext, where: string): string {
  if (!text.includes('$')) return text;
  return new Parser(text, ctx, where).parse(false);
}

/** Interpolates every string value of a YAML tree (keys are left as they are). */
export function interpolateTree(value: unknown, ctx: InterpolationContext, where: string): unknown {
  if (typeof value === 'string') return interpolate(value, ctx, where);
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, ctx, `${where}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateTree(v, ctx, where === '' ? k : `${where}.${k}`);
    return out;
  }
  return value;
}
