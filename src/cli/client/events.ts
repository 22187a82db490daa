/**
 * GET /events from the client side: the query docker's client builds
 * (since/until already in the API's "seconds.nanoseconds" form, filters as
 * JSON), and the answer read as a stream of events.Message, one JSON
 * document per line, until the daemon ends it (until reached) or the
 * caller stops iterating.
 */
import type { IncomingMessage } from 'node:http';
import { encodeFilters } from './networks.js';
import type { Transport } from './transport.js';
import type { Filters } from './types.js';

/** moby's events.Message as it arrives; timeNano read exactly, as a bigint. */
export interface EventMessage {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> | null };
  scope?: string;
  time?: number;
  timeNano?: bigint;
}

export interface EventsQuery {
  /** "seconds[.nanoseconds]" (GetTimestamp of what the user typed). */
  since?: string;
  until?: string;
  filters?: Filters;
}

/** Sends GET /events; the answer's status is checked before the stream is returned. */
export async function requestEvents(t: Transport, q: EventsQuery): Promise<AsyncGenerator<EventMessage>> {
  const res = await t.request({
    method: 'GET',
    path: '/events',
    query: { since: q.since, until: q.until, filters: encodeFilters(q.filters) },
  });
  return readEvents(res);
}

const TIME_NANO = /"timeNano":(-?\d+)\}\s*$/;

/** One event per line; a line that is not an event ends the stream with an error. */
export async function* readEvents(res: IncomingMessage): AsyncGenerator<EventMessage> {
  let buffered = '';
  res.setEncoding('utf8');
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line !== '') yield parseEvent(line);
      }
    }
    if (buffered.trim() !== '') yield parseEvent(buffered.trim());
  } finally {
    res.destroy();
  }
}

export function parseEvent(line: string): EventMessage {
  const m = JSON.parse(line) as Omit<EventMessage, 'timeNano'> & { timeNano?: number };
  const exact = TIME_NANO.exec(line);
  const { timeNano: _rounded, ...rest } = m;
  return {
    ...rest,
    Actor: { ID: m.Actor?.ID ?? '', Attributes: m.Actor?.Attributes ?? null },
    ...(exact ? { timeNano: BigInt(exact[1]!) } : {}),
  };
}
