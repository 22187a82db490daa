import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthPlan, type HealthPlan } from './health-config.js';
import { nextDelay, ProbeLoop, type Timers } from './health-schedule.js';
import { recordResult, startingHealth, type HealthResult, type HealthState } from './health-state.js';

const MS = 1_000_000;

/** A clock that moves only when told to, with the timers due by then fired in order. */
class ManualClock implements Timers {
  #now = 0;
  #next = 1;
  readonly #due = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#due.set(id, { at: this.#now + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.#due.delete(h as number);
  }
  get pending(): number {
    return this.#due.size;
  }
  /** Moves to `to`, firing due timers (and letting the promises they start settle). */
  async advance(by: number): Promise<void> {
    const to = this.#now + by;
    for (;;) {
      const [id, t] = [...this.#due].filter(([, x]) => x.at <= to).sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || !t) break;
      this.#due.delete(id);
      this.#now = t.at;
      t.fn();
      await settle();
    }
    this.#now = to;
    await settle();
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function plan(over: Partial<HealthPlan> = {}): HealthPlan {
  return { ...healthPlan({ Test: ['CMD', 'true'] })!, ...over };
}

/** A loop over a fake check whose exit codes come from `codes`, applying results as the monitor does. */
function harness(p: HealthPlan, codes: number[], opts: { probeMs?: number } = {}) {
  const clock = new ManualClock();
  const startedAtMs = clock.now();
  let health: HealthState = startingHealth(undefined);
  const probedAt: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const loop = new ProbeLoop({
    plan: p,
    startedAtMs,
    timers: clock,
    status: () => health.Status,
    probe: (signal) =>
      new Promise<HealthResult>((resolve, reject) => {
        const start = clock.now();
        probedAt.push(start);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const code = codes.shift() ?? 0;
        const onAbort = () => {
          clock.clearTimeout(t);
          inFlight--;
          reject(new Error('aborted'));
        };
        const t = clock.setTimeout(() => {
          inFlight--;
          signal.removeEventListener('abort', onAbort);
          resolve({ Start: new Date(start).toISOString(), End: new Date(clock.now()).toISOString(), ExitCode: code, Output: '' });
        }, opts.probeMs ?? 0);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    onResult: async (r) => {
      health = recordResult(health, r, { retries: p.retries, startPeriodMs: p.startPeriodMs, startedAtMs });
    },
  });
  return { clock, loop, probedAt, health: () => health, maxInFlight: () => maxInFlight };
}

test('the first check runs one interval after the start, the next one interval after the previous ended', async () => {
  const h = harness(plan({ intervalMs: 1000 }), [0, 0, 0], { probeMs: 100 });
  h.loop.start();
  await h.clock.advance(999);
  assert.deepEqual(h.probedAt, []);
  await h.clock.advance(1);
  assert.deepEqual(h.probedAt, [1000]);
  await h.clock.advance(2200);
  assert.deepEqual(h.probedAt, [1000, 2100, 3200]);
  assert.equal(h.maxInFlight(), 1, 'one check at a time');
  assert.equal(h.health().Status, 'healthy');
  h.loop.stop();
});

test('inside the start period and still starting, the start interval is used; after it, the interval', async () => {
  const p = plan({ intervalMs: 1000, startPeriodMs: 2000, startIntervalMs: 300, retries: 1 });
  const h = harness(p, [1, 1, 1, 1, 1, 1, 1, 1, 0]);
  h.loop.start();
  await h.clock.advance(2000);
  // 300, 600 … 1800 are inside the start period: failures there do not count.
  assert.deepEqual(h.probedAt, [300, 600, 900, 1200, 1500, 1800]);
  assert.equal(h.health().Status, 'starting');
  assert.equal(h.health().FailingStreak, 0);
  await h.clock.advance(1000);
  // 2100 is past the start period: it counts (retries 1), and the next waits a full interval.
  assert.deepEqual(h.probedAt, [300, 600, 900, 1200, 1500, 1800, 2100]);
  assert.equal(h.health().Status, 'unhealthy');
  await h.clock.advance(1000);
  assert.deepEqual(h.probedAt.slice(-1), [3100]);
  h.loop.stop();
});

test('a container healthy inside its start period is checked at the interval', async () => {
  const p = plan({ intervalMs: 1000, startPeriodMs: 10_000, startIntervalMs: 100 });
  const h = harness(p, [0, 0]);
  h.loop.start();
  await h.clock.advance(100);
  assert.equal(h.health().Status, 'healthy');
  await h.clock.advance(1000);
  assert.deepEqual(h.probedAt, [100, 1100]);
  h.loop.stop();
});

test('stop cancels the next check and aborts the one under way; no result is recorded after it', async () => {
  const h = harness(plan({ intervalMs: 1000 }), [1, 1, 1], { probeMs: 500 });
  h.loop.start();
  await h.clock.advance(1200);
  assert.equal(h.loop.probing, true);
  h.loop.stop();
  await h.clock.advance(10_000);
  assert.deepEqual(h.probedAt, [1000]);
  assert.equal(h.health().Log.length, 0);
  assert.equal(h.clock.pending, 0, 'no timer left behind');
});

test("nextDelay is moby 28's getInterval", () => {
  const p = plan({ intervalMs: 30_000, startPeriodMs: 60_000, startIntervalMs: 5_000 });
  assert.equal(nextDelay(p, 0, 'starting'), 5_000);
  assert.equal(nextDelay(p, 59_999, 'starting'), 5_000);
  assert.equal(nextDelay(p, 10_000, 'healthy'), 30_000);
  assert.equal(nextDelay(p, 10_000, 'unhealthy'), 30_000);
  assert.equal(nextDelay(p, 60_000, 'starting'), 30_000);
  assert.equal(nextDelay(plan({ intervalMs: 200 }), 0, 'starting'), 200, 'no start period: the interval from the start');
  assert.equal(healthPlan({ Test: ['CMD', 'x'], StartInterval: 0 })?.startIntervalMs, 5000);
  assert.equal(healthPlan({ Test: ['CMD', 'x'], Interval: 250 * MS })?.intervalMs, 250);
});
