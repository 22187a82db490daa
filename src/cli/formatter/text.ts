/**
 * Small text helpers the formatter contexts share, each matching the Go
 * function docker uses: TruncateID, Ellipsis, time.Time.String, RFC3339.
 */
import { shortId } from '../../units/ids.js';

/** moby's TruncateID: drop "sha256:", keep 12 characters. */
export function truncateId(id: string): string {
  return shortId(id);
}

/** docker formatter.Ellipsis: at most `max` characters, the last one "…" when cut. */
export function ellipsis(s: string, max: number): string {
  if (max <= 0) return '';
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max === 1) return chars[0]!;
  return chars.slice(0, max - 1).join('') + '…';
}

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

/** The local zone's offset in minutes east of UTC at `date`. */
function offsetMinutes(date: Date): number {
  return -date.getTimezoneOffset();
}

/** The zone abbreviation Go would print: "UTC", "CET"… or "+0530"-style when the zone has none. */
function zoneAbbreviation(date: Date, offset: number): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value;
  if (part !== undefined && /^[A-Z]{2,5}$/.test(part)) return part;
  const sign = offset < 0 ? '-' : '+';
  const h = Math.trunc(Math.abs(offset) / 60);
  const m = Math.abs(offset) % 60;
  return m === 0 ? `${sign}${pad(h)}` : `${sign}${pad(h)}${pad(m)}`;
}

function localParts(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    ` ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** Go's time.Unix(sec, 0).String(): "2006-01-02 15:04:05 -0700 MST" in the local zone. */
export function goTimeString(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  const offset = offsetMinutes(date);
  const sign = offset < 0 ? '-' : '+';
  const numeric = `${sign}${pad(Math.trunc(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return `${localParts(date)} ${numeric} ${zoneAbbreviation(date, offset)}`;
}

/** Go's time.Unix(sec, 0).Format(time.RFC3339) in the local zone: "2017-01-01T12:00:03Z". */
export function rfc3339(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  const offset = offsetMinutes(date);
  const zone =
    offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return localParts(date).replace(' ', 'T') + zone;
}
