/**
 * `/events?filters=…` as moby's daemon/events/filter.go reads them.
 *
 * Every key narrows: an event passes when each key present matches it.
 *   type, scope      exact
 *   event            exact; prefix when a value is health_status, exec_create
 *                    or exec_start (their actions carry ": …")
 *   container, volume, network, daemon, plugin, node, service, secret, config
 *                    the actor's ID or its "name" attribute starts with a value
 *                    (so container=web also keeps a network event whose actor
 *                    is named web…: moby does the same)
 *   image            exact on the ID, the name (image events) or the "image"
 *                    attribute (container events), with or without the tag
 *   label            "k" or "k=v", all of them, against the attributes
 *
 * Unlike moby (which ignores them), an unknown key or a type/scope that
 * cannot occur is refused with moby's filter wording ("invalid filter
 * 'nope'"): a typo would otherwise wait forever for events that never come.
 */
import { InvalidArgumentError } from '../errors.js';
import { familiarName, parseNormalizedNamed } from '../reference/reference.js';
import { EVENT_TYPES, type EventMessage } from './event-message.js';

/** The keys moby's events filter reads. */
export const EVENT_FILTER_KEYS = ['config', 'container', 'daemon', 'event', 'image', 'label', 'network', 'node', 'plugin', 'scope', 'secret', 'service', 'type', 'volume'] as const;

/** Keys whose values are matched against the actor's ID or name, as a prefix. */
const NAME_KEYS = ['daemon', 'container', 'plugin', 'volume', 'network', 'service', 'node', 'secret', 'config'] as const;
const FUZZY_EVENTS = new Set(['health_status', 'exec_create', 'exec_start']);
const SCOPES = ['local', 'swarm'];

/** Parsed, checked filters: key → the set of accepted values. Empty matches everything. */
export type EventFilter = ReadonlyMap<string, ReadonlySet<string>>;

/** Checks the keys (and type/scope values) of the API's `filters` and returns them as sets. */
export function parseEventFilter(args: ReadonlyMap<string, readonly string[]>): EventFilter {
  const out = new Map<string, Set<string>>();
  for (const [key, values] of args) {
    if (!(EVENT_FILTER_KEYS as readonly string[]).includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
    const known = key === 'type' ? (EVENT_TYPES as readonly string[]) : key === 'scope' ? SCOPES : undefined;
    const bad = known ? values.filter((v) => !known.includes(v)) : [];
    if (bad.length > 0) throw new InvalidArgumentError(`invalid filter '${key}=${bad[0]}': must be one of ${known!.join(', ')}`);
    if (values.length > 0) out.set(key, new Set(values));
  }
  return out;
}

/** moby's Filter.Include. */
export function eventMatches(f: EventFilter, ev: EventMessage): boolean {
  if (f.size === 0) return true;
  if (!matchAction(f, ev.Action)) return false;
  if (!exact(f, 'type', ev.Type) || !exact(f, 'scope', ev.scope)) return false;
  const name = ev.Actor.Attributes['name'] ?? '';
  for (const key of NAME_KEYS) {
    if (!fuzzy(f, key, ev.Actor.ID) && !fuzzy(f, key, name)) return false;
  }
  return matchImage(f, ev) && matchLabels(f, ev.Actor.Attributes);
}

function matchAction(f: EventFilter, action: string): boolean {
  const values = f.get('event');
  if (values === undefined) return true;
  for (const v of values) if (FUZZY_EVENTS.has(v)) return fuzzy(f, 'event', action);
  return values.has(action);
}

/** filters.Args.ExactMatch: no values for the key match everything. */
function exact(f: EventFilter, key: string, source: string): boolean {
  const values = f.get(key);
  return values === undefined || values.has(source);
}

/** filters.Args.FuzzyMatch: exact, or a value is a prefix of source. */
function fuzzy(f: EventFilter, key: string, source: string): boolean {
  const values = f.get(key);
  if (values === undefined || values.has(source)) return true;
  for (const v of values) if (source.startsWith(v)) return true;
  return false;
}

function matchImage(f: EventFilter, ev: EventMessage): boolean {
  if (!f.has('image')) return true;
  const id = ev.Actor.ID;
  const name = ev.Actor.Attributes[ev.Type === 'image' ? 'name' : 'image'] ?? '';
  return exact(f, 'image', id) || exact(f, 'image', name) || exact(f, 'image', stripTag(id)) || exact(f, 'image', stripTag(name));
}

/** The familiar repository name without tag or digest; the input when it is no reference. */
function stripTag(image: string): string {
  try {
    return familiarName(parseNormalizedNamed(image));
  } catch {
    return image;
  }
}

/** filters.Args.MatchKVList over all attributes (labels, but also name, image, …). */
function matchLabels(f: EventFilter, attributes: Readonly<Record<string, string>>): boolean {
  const values = f.get('label');
  if (values === undefined) return true;
  if (Object.keys(attributes).length === 0) return false;
  for (const v of values) {
    const eq = v.indexOf('=');
    const k = eq < 0 ? v : v.slice(0, eq);
    if (!Object.hasOwn(attributes, k)) return false;
    if (eq >= 0 && attributes[k] !== v.slice(eq + 1)) return false;
  }
  return true;
}
