/**
 * A container's healthcheck as it runs: the image's HEALTHCHECK merged with
 * the create request's (moby's merge: the user's Test wins, zero fields take
 * the image's), checked at create with Docker's messages, and resolved to the
 * probe's argv and timings with Docker's defaults.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { HealthcheckConfig } from '../../images/oci-types.js';

const MS = 1_000_000; // nanoseconds, as the API counts durations

export const HEALTH_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
  retries: 3,
} as const;

/** The smallest non-zero duration the API accepts (moby's MinimumDuration). */
const MIN_DURATION_NS = 1 * MS;

export interface HealthPlan {
  /** The probe's argv: CMD as given, CMD-SHELL through the shell. */
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

/** The image's healthcheck under the user's, as moby merges them at create. */
export function mergeHealthcheck(user: HealthcheckConfig | undefined | null, image: HealthcheckConfig | undefined | null): HealthcheckConfig | undefined {
  if (!user) return image ?? undefined;
  if (!image) return user;
  const merged: HealthcheckConfig = { ...user };
  if (!merged.Test || merged.Test.length === 0) merged.Test = image.Test ?? [];
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!merged[k] && image[k]) merged[k] = image[k];
  }
  return merged;
}

/** Docker's checks at create (daemon/container.go translateHealthcheck/verify). */
export function validateHealthcheck(h: HealthcheckConfig | undefined | null): void {
  if (!h) return;
  if (h.Test !== undefined && h.Test !== null && (!Array.isArray(h.Test) || h.Test.some((t) => typeof t !== 'string'))) {
    throw new InvalidArgumentError('Healthcheck.Test must be a list of strings');
  }
  const durations: Array<[keyof HealthcheckConfig, string]> = [
    ['Interval', 'Interval'],
    ['Timeout', 'Timeout'],
    ['StartPeriod', 'StartPeriod'],
    ['StartInterval', 'StartInterval'],
  ];
  for (const [key, name] of durations) {
    const v = h[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`${name} in Healthcheck must be a number of nanoseconds`);
    if (v !== 0 && v < MIN_DURATION_NS) throw new InvalidArgumentError(`${name} in Healthcheck cannot be less than 1ms`);
  }
  if (h.Retries !== undefined && h.Retries !== null && (typeof h.Retries !== 'number' || h.Retries < 0)) {
    throw new InvalidArgumentError('Retries in Healthcheck cannot be negative');
  }
  const kind = h.Test?.[0];
  if (kind !== undefined && !['NONE', 'CMD', 'CMD-SHELL'].includes(kind)) {
    throw new InvalidArgumentError(`unknown Healthcheck type '${kind}': must be NONE, CMD or CMD-SHELL`);
  }
  if ((kind === 'CMD' || kind === 'CMD-SHELL') && (h.Test?.length ?? 0) < 2) {
    throw new InvalidArgumentError(`Healthcheck ${kind} needs a command`);
  }
}

/**
 * What the monitor runs, or undefined when there is nothing to check (no
 * healthcheck, NONE, an empty Test). `shell` is the container's SHELL
 * (the image's, as moby's getShell), /bin/sh -c without one.
 */
export function healthPlan(h: HealthcheckConfig | undefined | null, shell?: string[] | null): HealthPlan | undefined {
  const test = h?.Test ?? [];
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  let argv: string[];
  if (test[0] === 'CMD') argv = test.slice(1);
  else if (test[0] === 'CMD-SHELL') argv = [...(shell && shell.length > 0 ? shell : ['/bin/sh', '-c']), test.slice(1).join(' ')];
  else return undefined;
  if (argv.length === 0) return undefined;
  const ms = (ns: number | undefined, dflt: number): number => (ns && ns > 0 ? Math.max(1, Math.round(ns / MS)) : dflt);
  return {
    argv,
    intervalMs: ms(h?.Interval, HEALTH_DEFAULTS.intervalMs),
    timeoutMs: ms(h?.Timeout, HEALTH_DEFAULTS.timeoutMs),
    startPeriodMs: ms(h?.StartPeriod, HEALTH_DEFAULTS.startPeriodMs),
    startIntervalMs: ms(h?.StartInterval, HEALTH_DEFAULTS.startIntervalMs),
    retries: h?.Retries && h.Retries > 0 ? h.Retries : HEALTH_DEFAULTS.retries,
  };
}

/** Docker prints a timeout as Go's time.Duration ("30s", "1.5s", "200ms"). */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(3)}s`;
  const m = Math.floor(ms / 60_000);
  const rest = ms - m * 60_000;
  if (m < 60) return `${m}m${+(rest / 1000).toFixed(3)}s`;
  const hours = Math.floor(m / 60);
  return `${hours}h${m - hours * 60}m${+(rest / 1000).toFixed(3)}s`;
}
