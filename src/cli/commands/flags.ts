/**
 * Flag value types with pflag's behaviour and wording: repeatable lists,
 * integers, byte sizes, filters. A bad value throws FlagError
 * (`invalid argument "12qq" for "-m, --memory" flag: invalid size: '12qq'`),
 * which BerthCommand tags with the command for the usage block.
 */
import { Option } from 'commander';
import { FlagError } from '../cli-errors.js';
import type { Filters } from '../client/types.js';
import { parseBytes } from '../../units/bytes.js';
import { flagName } from './command.js';

/** The error pflag gives for a value its type rejects. */
export function invalidValue(option: Option, value: string, reason: string): FlagError {
  return new FlagError(`invalid argument "${value}" for "${flagName(option)}" flag: ${reason}`);
}

/** A flag that may repeat (`-e A -e B`); its value is the list in order. */
export function listOption(flags: string, description: string): Option {
  return new Option(flags, description).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
}

/** An integer flag (Go's strconv.ParseInt wording on error). */
export function intOption(flags: string, description: string, defaultValue?: number): Option {
  const option = new Option(flags, description);
  option.argParser((v: string) => parseIntValue(option, v));
  if (defaultValue !== undefined) option.default(defaultValue);
  return option;
}

export function parseIntValue(option: Option, v: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw invalidValue(option, v, `strconv.ParseInt: parsing "${v}": invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw invalidValue(option, v, `strconv.ParseInt: parsing "${v}": value out of range`);
  return n;
}

/**
 * A byte-size flag ("512m", "1g", go-units RAMInBytes). With allowUnlimited,
 * "-1" is accepted as is (--memory-swap).
 */
export function bytesOption(flags: string, description: string, allowUnlimited = false): Option {
  const option = new Option(flags, description);
  option.argParser((v: string) => {
    if (allowUnlimited && v === '-1') return -1;
    try {
      return parseBytes(v);
    } catch (err) {
      throw invalidValue(option, v, err instanceof Error ? err.message : String(err));
    }
  });
  return option;
}

/**
 * --filter key=value, repeatable, merged into the API's filter map
 * (keys lower-cased and trimmed, as docker's filters.ParseFlag).
 */
export function filterOption(flags = '-f, --filter <filter>', description = 'Filter output based on conditions provided'): Option {
  const option = new Option(flags, description);
  option.argParser((v: string, prev: Filters | undefined) => {
    const eq = v.indexOf('=');
    if (eq < 0) throw invalidValue(option, v, 'bad format of filter (expected name=value)');
    const key = v.slice(0, eq).trim().toLowerCase();
    const value = v.slice(eq + 1).trim();
    const next: Filters = { ...(prev ?? {}) };
    next[key] = [...(next[key] ?? []), value];
    return next;
  });
  return option;
}

/**
 * --cpus: a decimal number of CPUs → NanoCpus, exactly (no float rounding),
 * as docker's ParseCPUs does with big.Rat.
 */
export function parseNanoCpus(value: string): number {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(value);
  if (m === null || value === '' || value === '.') throw new Error(`failed to parse ${value} as a rational number`);
  const whole = m[1] === '' ? '0' : m[1]!;
  const frac = m[2] ?? '';
  if (frac.replace(/0+$/, '').length > 9) throw new Error('value is too precise');
  const nanos = BigInt(whole) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
  return Number(nanos);
}

export function cpusOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  option.argParser((v: string) => {
    try {
      return parseNanoCpus(v);
    } catch (err) {
      throw invalidValue(option, v, (err as Error).message);
    }
  });
  return option;
}
