/**
 * Engine events, as Docker's /events serves them.
 *
 *   services' 'event' emitters ─▶ event-sources.ts (moby's attributes)
 *        ─▶ EventBus.publish (event-bus.ts: stamp, encode once, keep the
 *           last ~10k, hand to subscribers) ─▶ EventJournal (event-journal.ts:
 *           batched JSON lines under <data-root>/events, read back at start)
 *   GET /events (src/api/routes/events.ts) ─▶ event-time.ts (since/until),
 *        event-filter.ts (filters) ─▶ EventBus.subscribe: history, then live
 *
 * The wire line is event-message.ts: moby's events.Message, byte for byte.
 */
export { EventBus, type EventBusOptions, type EventEntry, type EventListener, type SubscribeOptions, type Subscription } from './event-bus.js';
export { EVENT_FILTER_KEYS, eventMatches, parseEventFilter, type EventFilter } from './event-filter.js';
export { EventJournal, type EventJournalOptions } from './event-journal.js';
export { EVENT_TYPES, decodeEventLine, encodeEventLine, isEventType, type EventActor, type EventMessage, type EventType } from './event-message.js';
export { connectEventSources, type ContainerLookup, type EventSources, type ServiceEvent } from './event-sources.js';
export { formatEventTime, parseEventTime, parseEventWindow, type EventWindow } from './event-time.js';
