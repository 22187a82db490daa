/**
 * `--since` / `--until` values of `logs` and `events`, read as Docker does.
 *
 * The CLI turns what the user typed into the API's "seconds.nanoseconds"
 * string (moby api/types/time GetTimestamp): a Go duration counts back from
 * now ("10m"), an RFC 3339-like time is read with or without a zone (no zone
 * means the local zone of `now`), and a Unix timestamp ("1700000000.5") goes
 * through unchanged. The daemon then reads that string (ParseTimestamps).
 */
import { InvalidArgumentError } from '../errors.js';
import { parseGoDurationNanos } from './duration.js';
import { parseGoInt, quote } from './go-strconv.js';

type Std = '2006' | '01' | '02' | '15' | '04' | '05' | '.999999999' | 'Z07:00';
const STDS: Std[] = ['.999999999', 'Z07:00', '2006', '01', '02', '15', '04', '05'];

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  /** Seconds east of UTC, undefined when the value named no zone. */
  offset?: number;
}

function digitAt(s: string, i: number): boolean {
  return i < s.length && s[i]! >= '0' && s[i]! <= '9';
}

/** Go's getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!digitAt(s, 0)) return undefined;
  if (!digitAt(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Go's time.Parse for the few layouts GetTimestamp uses, with Go's error text. */
function parseLayout(layout: string, value: string): Fields {
  const f: Fields = { year: 0, month: 1, day: 1, hour: 0, min: 0, sec: 0, nsec: 0 };
  const fail = (msg: string) => new InvalidArgumentError(`parsing time ${quote(value)}${msg}`);
  const cannot = (v: string, elem: string) =>
    fail(` as ${quote(layout)}: cannot parse ${quote(v)} as ${quote(elem)}`);
  let rest = value;
  let lay = layout;
  while (lay !== '') {
    const std = STDS.find((s) => lay.startsWith(s));
    if (std === undefined) {
      if (!rest.startsWith(lay[0]!)) throw cannot(rest, lay.replace(/(2006|01|02|15|04|05|\.9+|Z07:00).*$/, ''));
      rest = rest.slice(1);
      lay = lay.slice(1);
      continue;
    }
    lay = lay.slice(std.length);
    const hold = rest;
    let range = '';
    let n: [number, string] | undefined;
    switch (std) {
      case '2006':
        if (rest.length < 4 || !/^\d{4}/.test(rest)) throw cannot(hold, std);
        f.year = Number(rest.slice(0, 4));
        rest = rest.slice(4);
        break;
      case '01':
      case '02':
      case '15':
      case '04':
      case '05':
        n = getnum(rest, std !== '15');
        if (n === undefined) throw cannot(hold, std);
        rest = n[1];
        if (std === '01') {
          f.month = n[0];
          if (n[0] < 1 || n[0] > 12) range = 'month';
        } else if (std === '02') {
          f.day = n[0]; // checked against the month once everything is read
        } else if (std === '15') {
          f.hour = n[0];
          if (n[0] >= 24) range = 'hour';
        } else if (std === '04') {
          f.min = n[0];
          if (n[0] >= 60) range = 'minute';
        } else {
          f.sec = n[0];
          if (n[0] >= 60) range = 'second';
          // A fraction is accepted after the seconds even when the layout has none.
          else if (/^[.,]\d/.test(rest) && !lay.startsWith('.9')) {
            const m = /^[.,](\d+)/.exec(rest)!;
            f.nsec = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
            rest = rest.slice(m[0].length);
          }
        }
        break;
      case '.999999999': {
        const m = /^[.,](\d+)/.exec(rest);
        if (m) {
          f.nsec = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
          rest = rest.slice(m[0].length);
        }
        break;
      }
      case 'Z07:00': {
        if (rest[0] === 'Z') {
          f.offset = 0;
          rest = rest.slice(1);
          break;
        }
        if (rest.length < 6 || rest[3] !== ':') throw cannot(hold, std);
        const hh = getnum(rest.slice(1, 3), true);
        const mm = getnum(rest.slice(4, 6), true);
        if (!hh || !mm || (rest[0] !== '+' && rest[0] !== '-')) throw cannot(hold, std);
        if (hh[0] > 24) range = 'time zone offset hour';
        if (mm[0] > 60) range = 'time zone offset minute';
        f.offset = (rest[0] === '-' ? -1 : 1) * (hh[0] * 60 + mm[0]) * 60;
        rest = rest.slice(6);
        break;
      }
    }
    if (range) throw fail(`: ${range} out of range`);
  }
  if (rest !== '') throw fail(`: extra text: ${quote(rest)}`);
  if (f.day < 1 || f.day > daysIn(f.month, f.year)) throw fail(': day out of range');
  return f;
}

/** The layout GetTimestamp picks for a value, and whether it names a zone. */
function chooseLayout(value: string): { layout: string; local: boolean } {
  const local = !/[zZ+]/.test(value) && value.split('-').length - 1 !== 3;
  if (value.includes('.')) {
    return { layout: local ? '2006-01-02T15:04:05.999999999' : '2006-01-02T15:04:05.999999999Z07:00', local };
  }
  if (value.includes('T')) {
    let colons = value.split(':').length - 1;
    if (!local && !/[zZ]/.test(value) && colons > 0) colons--; // the zone's own colon
    const time = colons === 0 ? '15' : colons === 1 ? '15:04' : '15:04:05';
    return { layout: `2006-01-02T${time}${local ? '' : 'Z07:00'}`, local };
  }
  return { layout: local ? '2006-01-02' : '2006-01-02Z07:00', local };
}

/** moby ParseTimestamps for one value: "sec[.frac]" → whole seconds and nanoseconds. */
export function parseUnixTimestamp(value: string): { seconds: number; nanos: number } {
  const dot = value.indexOf('.');
  const s = dot < 0 ? value : value.slice(0, dot);
  const n = dot < 0 ? '' : value.slice(dot + 1);
  try {
    const seconds = parseGoInt(s);
    if (dot < 0) return { seconds, nanos: 0 };
    const frac = parseGoInt(n);
    return { seconds, nanos: Math.trunc(frac * Math.pow(10, 9 - n.length)) };
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message, { cause: err });
  }
}

/**
 * moby GetTimestamp: the API form of a --since/--until value. `now` is the
 * reference for durations; `utcOffsetMinutes` is the zone used when the value
 * names none (the local zone of `now` by default, as Docker uses time.Now()).
 */
export function getTimestamp(value: string, now: Date, utcOffsetMinutes = -now.getTimezoneOffset()): string {
  if (value !== '0') {
    let nanos: number | undefined;
    try {
      nanos = parseGoDurationNanos(value);
    } catch {
      nanos = undefined;
    }
    if (nanos !== undefined) return String(Math.floor((now.getTime() - nanos / 1e6) / 1000));
  }
  const { layout, local } = chooseLayout(value);
  let f: Fields;
  try {
    f = parseLayout(layout, value);
  } catch (err) {
    if (value.includes('-')) throw err;
    try {
      parseUnixTimestamp(value);
    } catch {
      throw new InvalidArgumentError(`failed to parse value as time or duration: ${quote(value)}`);
    }
    return value;
  }
  const offset = local ? utcOffsetMinutes * 60 : f.offset ?? 0;
  const seconds = daysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.min * 60 + f.sec - offset;
  return `${seconds}.${String(f.nsec).padStart(9, '0')}`;
}

/** getTimestamp as Unix seconds (fractional), the way the daemon reads it. */
export function parseTimestamp(value: string, now: Date, utcOffsetMinutes = -now.getTimezoneOffset()): number {
  const { seconds, nanos } = parseUnixTimestamp(getTimestamp(value, now, utcOffsetMinutes));
  return seconds + nanos / 1e9;
}
