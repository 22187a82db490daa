/**
 * Signal names and numbers as Docker reads them (moby/sys/signal, Linux
 * x86_64): `kill -s`, `--stop-signal`, STOPSIGNAL. "SIGKILL", "KILL",
 * "kill" and "9" all mean 9; the real-time range reads as RTMIN, RTMIN+1 …
 * RTMIN+15, RTMAX-14 … RTMAX (34 … 64), as `kill -l` prints it.
 */
import { InvalidArgumentError } from '../errors.js';

const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** Name (without "SIG") → number. Aliases (CLD, IOT, POLL) included, as Docker accepts them. */
export const SIGNALS: ReadonlyMap<string, number> = new Map<string, number>([
  ['HUP', 1],
  ['INT', 2],
  ['QUIT', 3],
  ['ILL', 4],
  ['TRAP', 5],
  ['ABRT', 6],
  ['IOT', 6],
  ['BUS', 7],
  ['FPE', 8],
  ['KILL', 9],
  ['USR1', 10],
  ['SEGV', 11],
  ['USR2', 12],
  ['PIPE', 13],
  ['ALRM', 14],
  ['TERM', 15],
  ['STKFLT', 16],
  ['CHLD', 17],
  ['CLD', 17],
  ['CONT', 18],
  ['STOP', 19],
  ['TSTP', 20],
  ['TTIN', 21],
  ['TTOU', 22],
  ['URG', 23],
  ['XCPU', 24],
  ['XFSZ', 25],
  ['VTALRM', 26],
  ['PROF', 27],
  ['WINCH', 28],
  ['IO', 29],
  ['POLL', 29],
  ['PWR', 30],
  ['SYS', 31],
  ['RTMIN', SIGRTMIN],
  ...Array.from({ length: 15 }, (_, i): [string, number] => [`RTMIN+${i + 1}`, SIGRTMIN + i + 1]),
  ...Array.from({ length: 14 }, (_, i): [string, number] => [`RTMAX-${14 - i}`, SIGRTMAX - 14 + i]),
  ['RTMAX', SIGRTMAX],
]);

const ALIASES = new Set(['IOT', 'CLD', 'POLL']);

/** Number → canonical name (the first name, never an alias). */
const NAMES: ReadonlyMap<number, string> = new Map(
  [...SIGNALS].filter(([name]) => !ALIASES.has(name)).map(([name, n]) => [n, name]),
);

/**
 * moby's ParseSignal: a decimal number (any but 0, taken as is, as Docker
 * does), or a name with or without "SIG" in any case. Throws
 * `invalid signal: X` otherwise.
 */
export function parseSignal(s: string): number {
  if (/^[+-]?\d+$/.test(s)) {
    const n = Number(s);
    if (n === 0 || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`invalid signal: ${s}`);
    }
    return n;
  }
  const upper = s.toUpperCase();
  const n = SIGNALS.get(upper.startsWith('SIG') ? upper.slice(3) : upper);
  if (n === undefined) throw new InvalidArgumentError(`invalid signal: ${s}`);
  return n;
}

/** True for a number Linux knows as a signal (moby's ValidSignalForPlatform). */
export function isValidSignal(n: number): boolean {
  return NAMES.has(n);
}

/** "SIGKILL" for 9, "SIGRTMIN+3" for 37; "signal N" (Go's text) for anything else. */
export function signalName(n: number): string {
  const name = NAMES.get(n);
  return name === undefined ? `signal ${n}` : `SIG${name}`;
}
