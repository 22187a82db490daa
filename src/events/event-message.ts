/**
 * Docker's events.Message (api/types/events), and its one wire form: a line
 * of JSON exactly as moby's json.Encoder writes it — struct fields in
 * declaration order, Attributes with sorted keys, <, > and & escaped, and
 * the deprecated status/id/from fields filled for container and image
 * events (moby's backFillLegacy, sent to API < 1.52).
 *
 * The same line is what the journal stores and what GET /events streams,
 * so an event is encoded once. timeNano is a bigint: nanoseconds since the
 * epoch do not fit a double exactly, and since/until compare on them.
 */
import { goJsonString } from '../units/go-json.js';

/** Docker's event types (events.Type). */
export const EVENT_TYPES = ['builder', 'config', 'container', 'daemon', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'volume'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The object an event is about: its ID and attributes (labels, name, image, exitCode, …). */
export interface EventActor {
  ID: string;
  Attributes: Readonly<Record<string, string>>;
}

export interface EventMessage {
  Type: EventType;
  Action: string;
  Actor: EventActor;
  /** "local" for every engine event ("swarm" is for cluster events). */
  scope: string;
  /** Whole seconds since the epoch. */
  time: number;
  /** Nanoseconds since the epoch. */
  timeNano: bigint;
}

const TYPES = new Set<string>(EVENT_TYPES);

export function isEventType(s: string): s is EventType {
  return TYPES.has(s);
}

/** The message as one JSON line (with its "\n"), field for field as moby encodes it. */
export function encodeEventLine(m: EventMessage): string {
  let out = '{';
  if (m.Type === 'container' || m.Type === 'image') {
    // Deprecated fields, omitempty: "status", "id", and for containers "from" (the image).
    if (m.Action !== '') out += `"status":${str(m.Action)},`;
    if (m.Actor.ID !== '') out += `"id":${str(m.Actor.ID)},`;
    const from = m.Type === 'container' ? m.Actor.Attributes['image'] ?? '' : '';
    if (from !== '') out += `"from":${str(from)},`;
  }
  out += `"Type":${str(m.Type)},"Action":${str(m.Action)},"Actor":{"ID":${str(m.Actor.ID)},"Attributes":{`;
  const keys = Object.keys(m.Actor.Attributes).sort(byCodeUnit);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out += `${i > 0 ? ',' : ''}${str(k)}:${str(m.Actor.Attributes[k]!)}`;
  }
  out += '}}';
  if (m.scope !== '') out += `,"scope":${str(m.scope)}`;
  if (m.time !== 0) out += `,"time":${m.time}`;
  if (m.timeNano !== 0n) out += `,"timeNano":${m.timeNano}`;
  return out + '}\n';
}

/**
 * A Go-encoded string. JSON.stringify (native, and what makes publishing
 * cheap) writes the same text unless the string holds <, >, &, U+2028/9
 * or a surrogate: those take Go's own escaping.
 */
function str(s: string): string {
  return GO_SPECIAL.test(s) ? goJsonString(s) : JSON.stringify(s);
}

const GO_SPECIAL = /[<>&\u2028\u2029\ud800-\udfff]/;

/** Go sorts map keys by bytes; for the ASCII keys events carry, code units agree. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const TIME_NANO = /"timeNano":(-?\d+)\}\s*$/;

/**
 * Reads a line written by encodeEventLine (or by dockerd: the fields are
 * the same). Anything else — a torn last line after a crash, a foreign
 * file — is undefined, never an exception.
 */
export function decodeEventLine(line: string): EventMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  const actor = o['Actor'] as Record<string, unknown> | null | undefined;
  if (typeof o['Type'] !== 'string' || !isEventType(o['Type']) || typeof o['Action'] !== 'string') return undefined;
  if (typeof actor !== 'object' || actor === null || typeof actor['ID'] !== 'string') return undefined;
  const attrs = actor['Attributes'] ?? {};
  if (typeof attrs !== 'object' || attrs === null) return undefined;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v !== 'string') return undefined;
    attributes[k] = v;
  }
  const time = typeof o['time'] === 'number' && Number.isInteger(o['time']) ? o['time'] : 0;
  // JSON.parse rounds a 19-digit number: the exact value is read from the text.
  const nano = TIME_NANO.exec(line);
  const timeNano = nano ? BigInt(nano[1]!) : BigInt(time) * 1_000_000_000n;
  return {
    Type: o['Type'],
    Action: o['Action'],
    Actor: { ID: actor['ID'], Attributes: attributes },
    scope: typeof o['scope'] === 'string' ? o['scope'] : '',
    time,
    timeNano,
  };
}
