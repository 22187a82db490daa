/**
 * The `since` / `until` values of GET /events, in nanoseconds since the epoch.
 *
 * Docker's CLI sends "seconds[.nanoseconds]" (its GetTimestamp turns "10m"
 * or an RFC 3339 date into that before the request). The daemon reads that
 * form, and — for curl users — also what the CLI would have converted,
 * through the same GetTimestamp (src/units/timestamp.ts), as the logs
 * route does. A bad value is a 400 worded as moby's:
 * "invalid value for 'since': …".
 */
import { InvalidArgumentError } from '../errors.js';
import { getTimestamp, parseUnixTimestamp } from '../units/timestamp.js';

const NANOS = 1_000_000_000n;

/** undefined when the parameter is absent or empty (moby's zero time: no bound). */
export function parseEventTime(value: string | null | undefined, name: 'since' | 'until', now: Date = new Date()): bigint | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  try {
    const { seconds, nanos } = parseUnixTimestamp(getTimestamp(value, now));
    return BigInt(seconds) * NANOS + BigInt(nanos);
  } catch (err) {
    throw new InvalidArgumentError(`invalid value for '${name}': ${(err as Error).message}`, { cause: err });
  }
}

/** The window of a request, checked as moby's getEvents does. */
export interface EventWindow {
  since?: bigint;
  until?: bigint;
}

export function parseEventWindow(query: URLSearchParams, now: Date = new Date()): EventWindow {
  const rawSince = query.get('since');
  const rawUntil = query.get('until');
  const since = parseEventTime(rawSince, 'since', now);
  const until = parseEventTime(rawUntil, 'until', now);
  if (until !== undefined && since !== undefined && until < since) {
    throw new InvalidArgumentError(`\`since\` time (${rawSince}) cannot be after \`until\` time (${rawUntil})`);
  }
  return { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
}

/** Nanoseconds as the "seconds.nanoseconds" text the API takes. */
export function formatEventTime(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  return `${neg ? '-' : ''}${abs / NANOS}.${(abs % NANOS).toString().padStart(9, '0')}`;
}
