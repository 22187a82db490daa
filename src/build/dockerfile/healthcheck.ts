/**
 * HEALTHCHECK [flags] NONE | CMD <exec or shell form> (BuildKit's
 * parseHealthConfig and parseHealthcheck): the image config's Healthcheck
 * with durations in nanoseconds (Go durations: "30s", "1m30s"); a zero
 * duration means "inherit the default", anything else must be at least 1ms.
 */
import { InvalidArgumentError } from '../../errors.js';
import { parseGoDurationNanos } from '../../units/duration.js';
import { jsonStrings } from './arguments.js';
import type { FlagKind } from './flags.js';
import { isSpace } from './shell-lex.js';
import type { HealthcheckCommand } from './types.js';

export const HEALTHCHECK_FLAGS: Readonly<Record<string, FlagKind>> = {
  interval: 'string',
  timeout: 'string',
  'start-period': 'string',
  'start-interval': 'string',
  retries: 'string',
};

const DURATIONS = [
  ['interval', 'interval'],
  ['timeout', 'timeout'],
  ['start-period', 'startPeriod'],
  ['start-interval', 'startInterval'],
] as const;

type Fields = Omit<HealthcheckCommand, 'kind' | 'span' | 'original'>;

/** The test and timings of `HEALTHCHECK <flags> <rest>`; flags as parseFlags read them with HEALTHCHECK_FLAGS. */
export function parseHealthcheck(flags: ReadonlyMap<string, string[]>, rest: string): Fields {
  let sep = 0;
  while (sep < rest.length && !isSpace(rest[sep])) sep++;
  if (sep === 0) throw new InvalidArgumentError('HEALTHCHECK requires at least one argument');
  const type = rest.slice(0, sep).toUpperCase();
  const args = rest.slice(sep).trim();
  if (type === 'NONE') {
    // Docker does not look at the flags of HEALTHCHECK NONE.
    if (args !== '') throw new InvalidArgumentError('HEALTHCHECK NONE takes no arguments');
    return { test: ['NONE'] };
  }
  if (type !== 'CMD') throw new InvalidArgumentError(`Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`);
  const json = jsonStrings(args);
  const test = json ? ['CMD', ...json] : args === '' ? [] : ['CMD-SHELL', args];
  if (test.length <= 1) throw new InvalidArgumentError('Missing command after HEALTHCHECK CMD');

  const out: Fields = { test };
  for (const [flag, field] of DURATIONS) {
    const value = flags.get(flag)?.[0];
    if (value !== undefined && value !== '') out[field] = duration(flag, value);
  }
  const retries = flags.get('retries')?.[0];
  if (retries !== undefined && retries !== '') out.retries = parseRetries(retries);
  return out;
}

function duration(flag: string, value: string): number {
  let nanos: number;
  try {
    nanos = parseGoDurationNanos(value);
  } catch (err) {
    throw new InvalidArgumentError(`HEALTHCHECK --${flag}: ${(err as Error).message}`, { cause: err });
  }
  if (nanos !== 0 && nanos < 1_000_000) throw new InvalidArgumentError(`HEALTHCHECK --${flag} cannot be less than 1ms`);
  return nanos;
}

/** Go's strconv.ParseInt(value, 10, 32), then "not negative". */
function parseRetries(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) {
    throw new InvalidArgumentError(`HEALTHCHECK --retries: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  }
  const n = Number(value);
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) {
    throw new InvalidArgumentError(`HEALTHCHECK --retries: strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
  }
  if (n < 0) throw new InvalidArgumentError(`HEALTHCHECK --retries cannot be negative (${n})`);
  return n;
}
