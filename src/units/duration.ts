/**
 * Durations as Docker reads and prints them.
 *
 * Printing: go-units HumanDuration, the "Up 2 hours" / "3 minutes ago" text of
 * `ps`, `images` and `events`. Reading: Go's time.ParseDuration, which every
 * duration flag uses (`--stop-timeout` aside): `--health-interval 30s`,
 * `--since 10m`, `-t 1m30s`. Durations are milliseconds in Berth; the API
 * carries nanoseconds where Docker's does (healthcheck), hence the Nanos twin.
 *
 * `--since/--until` timestamps live in timestamp.ts and are re-exported here.
 */
import { InvalidArgumentError } from '../errors.js';

export { getTimestamp, parseTimestamp, parseUnixTimestamp } from './timestamp.js';

/** go-units HumanDuration of a duration in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  '\u00b5s': 1_000n, // U+00B5 micro sign
  '\u03bcs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX = 1n << 63n;

/** Go's time.quote: ASCII kept, anything else as \x bytes. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      out += ch === '"' || ch === '\\' ? '\\' + ch : ch;
    }
  }
  return out + '"';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Go's time.ParseDuration, in nanoseconds: "300ms", "-1.5h", "2h45m", "1m30s".
 * Errors keep Go's wording (`time: invalid duration "x"`, `time: missing unit
 * in duration "1"`, `time: unknown unit "d" in duration "1d"`).
 */
export function parseGoDurationNanos(input: string): number {
  const invalid = () => new InvalidArgumentError(`time: invalid duration ${timeQuote(input)}`);
  let s = input;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
    // Leading integer: any overflow is an error.
    let i = 0;
    let v = 0n;
    while (isDigit(s[i])) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > MAX) throw invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    // Optional fraction: digits past int64 precision are read but ignored.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (isDigit(s[j])) {
        if (!overflow) {
          const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
          if (f > (MAX - 1n) / 10n || y > MAX) overflow = true;
          else {
            f = y;
            scale *= 10;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    let u = 0;
    while (u < s.length && s[u] !== '.' && !isDigit(s[u])) u++;
    if (u === 0) throw new InvalidArgumentError(`time: missing unit in duration ${timeQuote(input)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS[unitName];
    if (unit === undefined) {
      throw new InvalidArgumentError(`time: unknown unit ${timeQuote(unitName)} in duration ${timeQuote(input)}`);
    }
    if (v > MAX / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // Go does this step in float64 too (nanosecond-accurate for hours).
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX) throw invalid();
    }
    d += v;
    if (d > MAX) throw invalid();
  }
  if (neg) return -Number(d);
  if (d > MAX - 1n) throw invalid();
  return Number(d);
}

/** parseGoDurationNanos in milliseconds (fractional below a millisecond). */
export function parseGoDuration(s: string): number {
  return parseGoDurationNanos(s) / 1e6;
}

/** Go's time.Duration String(): "1h2m3.5s", "300ms", "1.5µs", "0s". */
export function formatGoDuration(nanos: number): string {
  if (nanos === 0) return '0s';
  const neg = nanos < 0;
  let n = Math.abs(Math.trunc(nanos));
  const sign = neg ? '-' : '';
  const frac = (value: number, digits: number): string => {
    const s = String(value).padStart(digits, '0').replace(/0+$/, '');
    return s === '' ? '' : `.${s}`;
  };
  if (n < 1000) return `${sign}${n}ns`;
  if (n < 1_000_000) return `${sign}${Math.floor(n / 1000)}${frac(n % 1000, 3)}µs`;
  if (n < 1_000_000_000) return `${sign}${Math.floor(n / 1_000_000)}${frac(n % 1_000_000, 6)}ms`;
  let out = '';
  const hours = Math.floor(n / 3_600_000_000_000);
  n -= hours * 3_600_000_000_000;
  const minutes = Math.floor(n / 60_000_000_000);
  n -= minutes * 60_000_000_000;
  const seconds = `${Math.floor(n / 1_000_000_000)}${frac(n % 1_000_000_000, 9)}s`;
  if (hours > 0) out = `${hours}h${minutes}m${seconds}`;
  else if (minutes > 0) out = `${minutes}m${seconds}`;
  else out = seconds;
  return sign + out;
}
