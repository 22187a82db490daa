/**
 * State.Health and how each probe result moves it (moby's
 * handleProbeResult): starting → healthy on a pass; a failure counts toward
 * FailingStreak (not while still starting inside the start period) and
 * `retries` of them in a row make it unhealthy; a pass resets the streak.
 * The log keeps the last five results. Pure functions: the monitor applies
 * them under the container's lock.
 */

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

export interface HealthResult {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthResult[];
}

export const MAX_LOG_ENTRIES = 5;

/** At each (re)start: starting again, the streak cleared, the log kept (moby's initHealthMonitor). */
export function startingHealth(previous: HealthState | undefined): HealthState {
  return { Status: 'starting', FailingStreak: 0, Log: previous?.Log ?? [] };
}

/**
 * The state after one result. `startedAt` is the container's start (ms) and
 * startPeriodMs its start period: failures before it ends do not count
 * while the container has not yet been healthy.
 */
export function recordResult(h: HealthState, result: HealthResult, opts: { retries: number; startPeriodMs: number; startedAtMs: number }): HealthState {
  const log = [...h.Log, result].slice(-MAX_LOG_ENTRIES);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log: log };
  const inStartPeriod = h.Status === 'starting' && Date.parse(result.Start) - opts.startedAtMs < opts.startPeriodMs;
  if (inStartPeriod) return { ...h, Log: log };
  const streak = h.FailingStreak + 1;
  return { Status: streak >= opts.retries ? 'unhealthy' : h.Status, FailingStreak: streak, Log: log };
}

/** ps's suffix: "(health: starting)", "(healthy)", "(unhealthy)". */
export function healthSuffix(h: HealthState | undefined): string {
  if (!h) return '';
  return h.Status === 'starting' ? ' (health: starting)' : ` (${h.Status})`;
}
