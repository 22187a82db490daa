/**
 * A container's healthcheck as it runs: the image's HEALTHCHECK merged with
 * the create request's (moby's merge at create: the user's Test wins, zero
 * fields take the image's), checked at create with Docker's messages, and
 * resolved to the probe's argv and timings with Docker's defaults.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { HealthcheckConfig } from '../../images/oci-types.js';

const NS_PER_MS = 1_000_000; // the API counts durations in nanoseconds

export const HEALTH_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
  retries: 3,
} as const;

/** moby's container.MinimumDuration: non-zero durations below it are refused. */
const MIN_DURATION_NS = 1 * NS_PER_MS;

export interface HealthPlan {
  /** The probe's argv: CMD's as given, CMD-SHELL's after the container's shell. */
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  /** The timeout as the API holds it, for Docker's "exceeded timeout (30s)" text. */
  timeoutNs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

const NUMERIC_FIELDS = ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const;

/**
 * The image's healthcheck under the user's, as moby's merge
 * (daemon/commit.go) does at create. Zero fields are left out, as Go's
 * omitempty writes them, so inspect shows the same whichever client sent
 * the zeros.
 */
export function mergeHealthcheck(user: HealthcheckConfig | undefined | null, image: HealthcheckConfig | undefined | null): HealthcheckConfig | undefined {
  if (!user) return image ? compact(image) : undefined;
  const merged: HealthcheckConfig = { ...user };
  if (image) {
    if (!merged.Test || merged.Test.length === 0) merged.Test = image.Test ?? [];
    for (const k of NUMERIC_FIELDS) {
      if (!merged[k] && image[k]) merged[k] = image[k];
    }
  }
  return compact(merged);
}

function compact(h: HealthcheckConfig): HealthcheckConfig {
  const out: HealthcheckConfig = {};
  if (h.Test && h.Test.length > 0) out.Test = [...h.Test];
  for (const k of NUMERIC_FIELDS) if (h[k]) out[k] = h[k];
  return out;
}

/**
 * Docker's checks at create (daemon/container.go validateHealthCheck), with
 * its messages. An unknown Test kind is accepted, as moby does: such a
 * container is simply not checked.
 */
export function validateHealthcheck(h: HealthcheckConfig | undefined | null): void {
  if (!h) return;
  if (h.Test !== undefined && h.Test !== null && (!Array.isArray(h.Test) || h.Test.some((t) => typeof t !== 'string'))) {
    throw new InvalidArgumentError('Healthcheck.Test must be a list of strings');
  }
  for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
    const v = h[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`${key} in Healthcheck must be a number of nanoseconds`);
    if (v !== 0 && v < MIN_DURATION_NS) throw new InvalidArgumentError(`${key} in Healthcheck cannot be less than 1ms`);
  }
  if (h.Retries !== undefined && h.Retries !== null && (typeof h.Retries !== 'number' || !Number.isInteger(h.Retries) || h.Retries < 0)) {
    throw new InvalidArgumentError('Retries in Healthcheck cannot be negative');
  }
}

/**
 * What the monitor runs, or undefined when nothing is checked (no
 * healthcheck, NONE, an empty Test, an unknown kind: moby's getProbe).
 * CMD-SHELL appends Test[1:] to the container's Shell (the image's SHELL,
 * moby's getShell), or to /bin/sh -c.
 */
export function healthPlan(h: HealthcheckConfig | undefined | null, shell?: string[] | null): HealthPlan | undefined {
  const test = h?.Test ?? [];
  let argv: string[];
  if (test[0] === 'CMD') argv = test.slice(1);
  else if (test[0] === 'CMD-SHELL') argv = [...(shell && shell.length > 0 ? shell : ['/bin/sh', '-c']), ...test.slice(1)];
  else return undefined;
  if (argv.length === 0) return undefined;
  const ms = (ns: number | undefined, dflt: number): number => (ns && ns > 0 ? Math.max(1, Math.ceil(ns / NS_PER_MS)) : dflt);
  return {
    argv,
    intervalMs: ms(h?.Interval, HEALTH_DEFAULTS.intervalMs),
    timeoutMs: ms(h?.Timeout, HEALTH_DEFAULTS.timeoutMs),
    timeoutNs: h?.Timeout && h.Timeout > 0 ? h.Timeout : HEALTH_DEFAULTS.timeoutMs * NS_PER_MS,
    startPeriodMs: ms(h?.StartPeriod, HEALTH_DEFAULTS.startPeriodMs),
    startIntervalMs: ms(h?.StartInterval, HEALTH_DEFAULTS.startIntervalMs),
    retries: h?.Retries && h.Retries > 0 ? h.Retries : HEALTH_DEFAULTS.retries,
  };
}
