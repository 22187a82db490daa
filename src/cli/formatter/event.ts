/**
 * How `berth events` prints an event (docker/cli command/system/events.go).
 *
 * Default: prettyPrintEvent —
 *   2026-11-23T20:41:29.123456789Z container start <id> (image=busybox, name=x)
 * the time in the local zone with nine fraction digits (RFC3339NanoFixed),
 * then type, action, actor ID, and the attributes sorted by key.
 *
 * --format: a Go template on events.Message, each event followed by a
 * newline; "json" is `{{json .}}`. The template is tried on an empty message
 * first, so a bad field fails before any event ("Error parsing format: …",
 * exit status 64, as docker's makeTemplate).
 */
import { InvalidArgumentError } from '../../errors.js';
import { StatusError } from '../cli-errors.js';
import type { EventMessage } from '../client/events.js';
import { rfc3339NanoFixed } from '../stream/progress-bar.js';
import { compileTemplate, type CompiledTemplate } from './go-template.js';
import { JSON_FORMAT, JSON_FORMAT_KEY } from './table.js';

/** events.Actor as a template sees it: a struct with a Go map of attributes. */
export class EventActorContext {
  readonly ID: string;
  readonly Attributes: Map<string, string>;
  /** A nil map in Go (JSON null), not an empty one. */
  readonly #nil: boolean;

  constructor(actor: EventMessage['Actor'] | undefined) {
    this.ID = actor?.ID ?? '';
    this.Attributes = new Map(Object.entries(actor?.Attributes ?? {}));
    this.#nil = actor?.Attributes == null;
  }

  toJSON(): unknown {
    return { ID: this.ID, Attributes: this.#nil ? null : this.Attributes };
  }
}
Object.defineProperty(EventActorContext, 'name', { value: 'events.Actor' });

/** events.Message as a template sees it: Go's field names; `{{json .}}` gives Go's JSON tags. */
export class EventContext {
  readonly #m: EventMessage | undefined;
  readonly Actor: EventActorContext;

  constructor(m?: EventMessage) {
    this.#m = m;
    this.Actor = new EventActorContext(m?.Actor);
  }

  get Status(): string {
    return this.#m?.status ?? '';
  }
  get ID(): string {
    return this.#m?.id ?? '';
  }
  get From(): string {
    return this.#m?.from ?? '';
  }
  get Type(): string {
    return this.#m?.Type ?? '';
  }
  get Action(): string {
    return this.#m?.Action ?? '';
  }
  get Scope(): string {
    return this.#m?.scope ?? '';
  }
  /** int64 in Go: a bigint prints the same and keeps `printf "%d"` exact. */
  get Time(): bigint {
    return BigInt(this.#m?.time ?? 0);
  }
  get TimeNano(): bigint {
    return this.#m?.timeNano ?? 0n;
  }

  /** The message's JSON as docker's `json` template function writes it (omitempty fields left out). */
  toJSON(): unknown {
    const m = this.#m;
    const omit = <T>(v: T, empty: T) => (v === empty || v === undefined ? undefined : v);
    return {
      status: omit(m?.status, ''),
      id: omit(m?.id, ''),
      from: omit(m?.from, ''),
      Type: this.Type,
      Action: this.Action,
      Actor: this.Actor,
      scope: omit(m?.scope, ''),
      time: omit(m?.time, 0),
      timeNano: omit(m?.timeNano, 0n),
    };
  }
}
Object.defineProperty(EventContext, 'name', { value: 'events.Message' });

/** The --format template, or undefined for the default line; a bad template is docker's status 64. */
export function eventTemplate(format: string): CompiledTemplate | undefined {
  if (format === '') return undefined;
  const source = format === JSON_FORMAT_KEY ? JSON_FORMAT : format;
  try {
    const tmpl = compileTemplate(source);
    tmpl(new EventContext());
    return tmpl;
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new StatusError(64, `Error parsing format: ${err.message}`);
    throw err;
  }
}

/** One event as `berth events` prints it, with its newline. */
export function formatEvent(m: EventMessage, tmpl: CompiledTemplate | undefined): string {
  if (tmpl !== undefined) return `${tmpl(new EventContext(m))}\n`;
  return prettyEvent(m);
}

/** docker's prettyPrintEvent. */
export function prettyEvent(m: EventMessage): string {
  let out = '';
  if (m.timeNano !== undefined && m.timeNano !== 0n) {
    out += `${rfc3339NanoFixed(Number(floorDiv(m.timeNano, 1_000_000_000n)), Number(floorMod(m.timeNano, 1_000_000_000n)))} `;
  } else if (m.time !== undefined && m.time !== 0) {
    out += `${rfc3339NanoFixed(m.time, 0)} `;
  }
  out += `${m.Type} ${m.Action} ${m.Actor.ID}`;
  const attrs = Object.entries(m.Actor.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (attrs.length > 0) out += ` (${attrs.map(([k, v]) => `${k}=${v}`).join(', ')})`;
  return `${out}\n`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r < 0n ? r + b : r;
}
