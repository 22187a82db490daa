/**
 * When a container's checks run (moby 28's daemon/health.go monitor loop):
 * one probe at a time; the first one interval after the container started,
 * each next one interval after the previous one ended. While the container
 * is inside its start period and still `starting`, the start interval is
 * used instead, so a slow-starting service is seen healthy early.
 *
 * Lifecycle of a ProbeLoop: new → start() (schedules the first probe) →
 * probe → onResult → next probe … → stop() (cancels the timer, aborts a
 * probe under way; no onResult after it). Clock and timers are injected,
 * so the schedule is tested without waiting.
 */
import type { HealthPlan } from './health-config.js';
import type { HealthResult, HealthStatus } from './health-state.js';

/** The clock and timers a ProbeLoop uses (the real ones in berthd). */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref(); // checks never keep berthd alive
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** moby 28's getInterval: the start interval while starting inside the start period, else the interval. */
export function nextDelay(plan: HealthPlan, sinceStartMs: number, status: HealthStatus): number {
  if (sinceStartMs >= plan.startPeriodMs) return plan.intervalMs;
  return status === 'starting' ? plan.startIntervalMs : plan.intervalMs;
}

export interface ProbeLoopOptions {
  plan: HealthPlan;
  /** The container's StartedAt (ms). */
  startedAtMs: number;
  timers: Timers;
  /** The container's health status now (it decides the next delay). */
  status(): HealthStatus;
  /** Runs one check; resolves with its result (failures are results too). */
  probe(signal: AbortSignal): Promise<HealthResult>;
  /** Records a result; the next probe is scheduled once it has settled. */
  onResult(result: HealthResult): Promise<void>;
  /** Errors of onResult/probe that are not results (logged, the loop goes on). */
  onError?(err: unknown): void;
}

export class ProbeLoop {
  readonly #o: ProbeLoopOptions;
  #timer: unknown;
  /** One for the loop's life: stop() aborts the probe under way, if any. */
  readonly #abort = new AbortController();
  #probing = false;
  #stopped = false;
  #started = false;

  constructor(opts: ProbeLoopOptions) {
    this.#o = opts;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Whether a probe is under way now. */
  get probing(): boolean {
    return this.#probing;
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#schedule();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
  }

  #schedule(): void {
    if (this.#stopped) return;
    const { timers, plan, startedAtMs } = this.#o;
    const delay = nextDelay(plan, timers.now() - startedAtMs, this.#o.status());
    this.#timer = timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, delay);
  }

  async #run(): Promise<void> {
    if (this.#stopped) return;
    this.#probing = true;
    try {
      const result = await this.#o.probe(this.#abort.signal);
      if (!this.#stopped) await this.#o.onResult(result);
    } catch (err) {
      if (!this.#stopped) this.#o.onError?.(err);
    } finally {
      this.#probing = false;
    }
    this.#schedule();
  }
}
