/**
 * Timestamps for container records as Docker writes them: RFC3339Nano
 * ("2024-05-01T10:00:00.123456789Z", trailing zeros of the fraction dropped,
 * as Go's time.RFC3339Nano), and their exact value in nanoseconds for ordering.
 *
 * Date has millisecond resolution, which is too coarse to order containers
 * created in a burst (`ps` sorts by Created, newest first). The sub-millisecond
 * part comes from the monotonic clock, anchored to the wall clock and
 * re-anchored whenever the two drift apart by more than a millisecond; every
 * value issued is later than the one before.
 */

const NANOS_PER_MS = 1_000_000n;

let anchorWallNs = BigInt(Date.now()) * NANOS_PER_MS;
let anchorMono = process.hrtime.bigint();
let lastIssued = 0n;

/** Nanoseconds since the epoch, strictly increasing across calls. */
export function nowNanos(): bigint {
  const wall = BigInt(Date.now()) * NANOS_PER_MS;
  let ns = anchorWallNs + (process.hrtime.bigint() - anchorMono);
  const drift = ns - wall;
  if (drift > NANOS_PER_MS || drift < -NANOS_PER_MS) {
    // The wall clock was stepped (NTP, settimeofday): follow it.
    anchorWallNs = wall;
    anchorMono = process.hrtime.bigint();
    ns = wall;
  }
  if (ns <= lastIssued) ns = lastIssued + 1n;
  lastIssued = ns;
  return ns;
}

/** Go's RFC3339Nano text of a time in nanoseconds since the epoch (UTC). */
export function formatRfc3339Nano(ns: bigint): string {
  const ms = ns / NANOS_PER_MS;
  const seconds = new Date(Number(ms)).toISOString().slice(0, 19);
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return fraction === '' ? `${seconds}Z` : `${seconds}.${fraction}Z`;
}

/** Now, as Docker records Created, StartedAt and FinishedAt. */
export function nowRfc3339Nano(): string {
  return formatRfc3339Nano(nowNanos());
}

/**
 * Nanoseconds since the epoch of an RFC3339 UTC time with any fraction
 * ("…Z" as Berth and the monitor write them). Exact, unlike Date.parse.
 */
export function timeNanos(t: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(t);
  const ms = Date.parse(m ? `${m[1]}Z` : t);
  if (Number.isNaN(ms)) return 0n;
  const whole = BigInt(ms) * NANOS_PER_MS;
  if (!m) return whole;
  return whole + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9) || '0');
}
