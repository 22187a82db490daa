/**
 * The EventBus: every event of the engine passes here once, is stamped,
 * encoded, kept, and handed to whoever watches.
 *
 * Lifecycle:
 *   EventBus.open(dir)   reads the journal of earlier runs into the history
 *   publish(...)         stamps time/timeNano (strictly increasing), encodes
 *                        the wire line once, appends it to the history (the
 *                        last maxEvents) and the journal, and calls every
 *                        subscriber whose filter matches — synchronously, so
 *                        a subscriber sees events in publish order
 *   subscribe(...)       returns the history in [since, until] that matches,
 *                        and registers the live listener in the same tick:
 *                        no event can fall between the two (moby holds a
 *                        mutex for this; here the event loop is the mutex)
 *   close()              flushes the journal; later publishes are kept in
 *                        memory only
 *
 * The services do not know the bus: src/events/event-sources.ts turns their
 * 'event' emitters into publish() calls.
 */
import { nowNanos } from '../containers/clock.js';
import { eventMatches, type EventFilter } from './event-filter.js';
import { EventJournal, type EventJournalOptions } from './event-journal.js';
import { decodeEventLine, encodeEventLine, type EventMessage, type EventType } from './event-message.js';

/** One kept event: the message and its encoded line (with "\n"). */
export interface EventEntry {
  readonly message: EventMessage;
  readonly line: string;
}

export type EventListener = (entry: EventEntry) => void;

export interface Subscription {
  /** Kept events in the window that pass the filter, oldest first. */
  readonly history: EventEntry[];
  unsubscribe(): void;
}

export interface SubscribeOptions {
  /** Inclusive bounds in nanoseconds; without either, no history is returned (as moby). */
  since?: bigint;
  until?: bigint;
  filter?: EventFilter;
}

export interface EventBusOptions extends EventJournalOptions {
  /** Events kept in memory (and at least as many on disk). */
  maxEvents?: number;
}

const NANOS = 1_000_000_000n;

export class EventBus {
  readonly #journal: EventJournal | undefined;
  readonly #max: number;
  #history: EventEntry[] = [];
  readonly #listeners = new Set<{ filter: EventFilter | undefined; fn: EventListener }>();
  #closed = false;

  private constructor(journal: EventJournal | undefined, max: number) {
    this.#journal = journal;
    this.#max = max;
  }

  /** A bus whose events are journaled under `dir` (and read back from it). */
  static async open(dir: string, opts: EventBusOptions = {}): Promise<EventBus> {
    const max = opts.maxEvents ?? 10_000;
    const journal = new EventJournal(dir, { ...opts, maxEvents: max });
    const bus = new EventBus(journal, max);
    const log = opts.log ?? (() => undefined);
    let skipped = 0;
    for (const line of await journal.open()) {
      const message = decodeEventLine(line);
      if (message === undefined) skipped++;
      else bus.#history.push({ message, line: `${line}\n` });
    }
    if (skipped > 0) log(`events journal: skipped ${skipped} unreadable line(s)`);
    return bus;
  }

  /** A bus that keeps its events in memory only (tests, tools). */
  static inMemory(maxEvents = 10_000): EventBus {
    return new EventBus(undefined, maxEvents);
  }

  /** Records an event now and hands it to the subscribers; returns what was recorded. */
  publish(type: EventType, action: string, id: string, attributes: Readonly<Record<string, string>> = {}): EventEntry {
    const timeNano = nowNanos();
    const message: EventMessage = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(timeNano / NANOS),
      timeNano,
    };
    const entry: EventEntry = { message, line: encodeEventLine(message) };
    this.#history.push(entry);
    // Trimmed in steps, so that a full history costs O(1) per event.
    if (this.#history.length > this.#max + (this.#max >> 3) + 1) this.#history.splice(0, this.#history.length - this.#max);
    if (!this.#closed) this.#journal?.append(entry.line);
    for (const l of this.#listeners) {
      if (l.filter === undefined || eventMatches(l.filter, message)) {
        try {
          l.fn(entry);
        } catch {
          // A broken watcher must not stop the event from reaching the others.
        }
      }
    }
    return entry;
  }

  /** Kept events in [since, until] passing the filter; none when neither bound is given. */
  history(opts: SubscribeOptions = {}): EventEntry[] {
    const { since, until, filter } = opts;
    if (since === undefined && until === undefined) return [];
    const out: EventEntry[] = [];
    const start = this.#history.length > this.#max ? this.#history.length - this.#max : 0;
    for (let i = start; i < this.#history.length; i++) {
      const e = this.#history[i]!;
      if (since !== undefined && e.message.timeNano < since) continue;
      if (until !== undefined && e.message.timeNano > until) continue;
      if (filter === undefined || eventMatches(filter, e.message)) out.push(e);
    }
    return out;
  }

  /** The history of the window, and from now on every matching event (see the lifecycle above). */
  subscribe(opts: SubscribeOptions, fn: EventListener): Subscription {
    const history = this.history(opts);
    const listener = { filter: opts.filter !== undefined && opts.filter.size > 0 ? opts.filter : undefined, fn };
    this.#listeners.add(listener);
    return { history, unsubscribe: () => void this.#listeners.delete(listener) };
  }

  /** Number of live subscribers (for tests and diagnostics). */
  get subscribers(): number {
    return this.#listeners.size;
  }

  /** Writes what the journal still holds; the bus keeps working in memory. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#journal?.close();
  }

  /** Waits until every event published so far is in the journal file. */
  flush(): Promise<void> {
    return this.#journal?.flush() ?? Promise.resolve();
  }
}
