/**
 * From the services' own 'event' emitters to the bus, with the attributes
 * moby gives each event (daemon/events.go and its callers).
 *
 * The services emit small payloads — `{ type, action, id, … }` — and know
 * nothing of the bus. This file adds what Docker adds:
 *   container  the container's labels, then "image" (as the user named it)
 *              and "name" over them; before those, per action: exitCode and
 *              execDuration (die), signal (kill), execID (exec_*), oldName
 *              (rename), comment/imageID/imageRef (commit), and any
 *              `attributes` the emitter passed
 *   image, volume, network
 *              the `attributes` the emitter passed (it knows the labels,
 *              driver, name), plus `reclaimed` on prune
 *
 * A container's name, image and labels are cached by ID: `destroy` is
 * emitted after the record is gone, and `rename` needs the old name. The
 * cache is primed from the store, so a container created before a berthd
 * restart is still named when it is removed after it.
 */
import type { EventEmitter } from 'node:events';
import type { ContainerRecord } from '../containers/container.js';
import type { EventBus } from './event-bus.js';
import { isEventType } from './event-message.js';

/** What services emit on their `events` emitter, event name 'event'. */
export interface ServiceEvent {
  type: string;
  action: string;
  id: string;
  /** Attributes the emitter knows best (labels, driver, network name …). */
  attributes?: Readonly<Record<string, string>>;
  exitCode?: number;
  signal?: number | string;
  execId?: string;
  imageId?: string;
  imageRef?: string;
  comment?: string;
  reclaimed?: number;
  height?: number;
  width?: number;
}

/** The little of the container store the sources read. */
export interface ContainerLookup {
  tryGet(idOrName: string): ContainerRecord | undefined;
  list(): ContainerRecord[];
}

export interface EventSources {
  containers: { events: EventEmitter; store: ContainerLookup };
  volumes?: { events: EventEmitter };
  images?: { events: EventEmitter };
  networks?: { events: EventEmitter };
}

interface Known {
  name: string;
  image: string;
  labels: Readonly<Record<string, string>>;
}

/** Subscribes the bus to every source; returns the function that unsubscribes it. */
export function connectEventSources(bus: EventBus, sources: EventSources, log: (msg: string) => void = () => undefined): () => void {
  const known = new Map<string, Known>();
  const remember = (c: ContainerRecord): Known => {
    const k: Known = { name: c.name.replace(/^\//, ''), image: c.config.Image ?? c.image, labels: c.config.Labels ?? {} };
    known.set(c.id, k);
    return k;
  };
  for (const c of sources.containers.store.list()) remember(c);

  const onContainer = (ev: ServiceEvent) => {
    // A prune's actor has no ID: nothing to look up (an empty prefix would match any container).
    const record = ev.id === '' ? undefined : sources.containers.store.tryGet(ev.id);
    const before = known.get(ev.id);
    const now = record !== undefined && record.id === ev.id ? remember(record) : before;
    const attributes: Record<string, string> = { ...specificAttributes(ev, record, before) };
    if (now !== undefined) {
      Object.assign(attributes, now.labels);
      if (now.image !== '') attributes['image'] = now.image;
      attributes['name'] = now.name;
    }
    if (ev.action === 'destroy') known.delete(ev.id);
    bus.publish('container', ev.action, ev.id, attributes);
  };
  const onOther = (ev: ServiceEvent) => {
    if (!isEventType(ev.type)) return;
    const attributes: Record<string, string> = { ...(ev.attributes ?? {}) };
    if (ev.action === 'prune' && ev.reclaimed !== undefined) attributes['reclaimed'] = String(ev.reclaimed);
    bus.publish(ev.type, ev.action, ev.id, attributes);
  };

  // A listener that threw would throw out of the service's emit(): the operation that emitted must not fail.
  const route = (ev: ServiceEvent) => {
    try {
      if (ev.type === 'container') onContainer(ev);
      else onOther(ev);
    } catch (err) {
      log(`events: dropped ${ev.type} ${ev.action}: ${(err as Error).message}`);
    }
  };
  const emitters = [sources.containers.events, sources.volumes?.events, sources.images?.events, sources.networks?.events].filter(
    (e): e is EventEmitter => e !== undefined,
  );
  for (const e of emitters) e.on('event', route);
  return () => {
    for (const e of emitters) e.off('event', route);
  };
}

/** The per-action attributes of a container event; labels, image and name go over them, as in moby. */
function specificAttributes(ev: ServiceEvent, record: ContainerRecord | undefined, before: Known | undefined): Record<string, string> {
  const out: Record<string, string> = { ...(ev.attributes ?? {}) };
  const verb = ev.action.split(':')[0];
  switch (verb) {
    case 'die':
      if (ev.exitCode !== undefined) out['exitCode'] = String(ev.exitCode);
      if (record !== undefined) out['execDuration'] = String(execDurationSeconds(record));
      break;
    case 'kill':
      if (ev.signal !== undefined) out['signal'] = String(ev.signal);
      break;
    case 'exec_create':
    case 'exec_start':
    case 'exec_detach':
      if (ev.execId !== undefined) out['execID'] = ev.execId;
      break;
    case 'exec_die':
      if (ev.execId !== undefined) out['execID'] = ev.execId;
      if (ev.exitCode !== undefined) out['exitCode'] = String(ev.exitCode);
      break;
    case 'rename':
      if (before !== undefined) out['oldName'] = before.name;
      break;
    case 'commit':
      out['comment'] = ev.comment ?? '';
      if (ev.imageId !== undefined) out['imageID'] = ev.imageId;
      out['imageRef'] = ev.imageRef ?? '';
      break;
    case 'resize':
      if (ev.height !== undefined) out['height'] = String(ev.height);
      if (ev.width !== undefined) out['width'] = String(ev.width);
      break;
    case 'prune':
      if (ev.reclaimed !== undefined) out['reclaimed'] = String(ev.reclaimed);
      break;
  }
  return out;
}

/** moby's execDuration: whole seconds since the task started (time.Since(StartedAt)). */
function execDurationSeconds(c: ContainerRecord): number {
  const started = Date.parse(c.state.startedAt);
  if (!Number.isFinite(started) || started <= 0) return 0;
  return Math.max(0, Math.trunc((Date.now() - started) / 1000));
}
