/**
 * Runs the healthcheck of every running container that has one (moby's
 * daemon/health.go), driven by the container events:
 *
 *   start     health reset to `starting` (streak cleared, log kept) and a
 *             ProbeLoop begun (moby's initHealthMonitor)
 *   pause     the loop stops; unpause begins one again, status kept
 *   die       the loop stops (a check under way is killed); State.Health
 *             keeps its last status, saved with the exit, as moby's
 *   destroy   the loop stops
 *
 * After a berthd restart resumeRunning() begins a loop for each container
 * that kept running, reset to `starting` as moby's restore does.
 *
 * Each result is applied under the container's lock (health-state.ts). A
 * status change emits `health_status: <status>`. Results are kept in
 * memory only, as moby's CommitInMemory: the record on disk gets them with
 * the next state change (the exit), so checks cost no disk writes.
 */
import * as path from 'node:path';
import { nowRfc3339Nano } from '../clock.js';
import type { ContainerService } from '../container-service.js';
import type { ContainerId, ContainerRecord } from '../container.js';
import { healthPlan, type HealthPlan } from './health-config.js';
import { ProbeLoop, realTimers, type Timers } from './health-schedule.js';
import { recordResult, startingHealth, type HealthResult, type HealthStatus } from './health-state.js';
import { probeTarget, runCheck, type ProbeTarget } from './probe-runner.js';

export interface HealthMonitorOptions {
  log?: (msg: string) => void;
  timers?: Timers;
}

interface Watch {
  startedAt: string;
  loop: ProbeLoop;
  /** Built at the first check of the run and kept (undefined again after a failure, to retry). */
  target?: Promise<ProbeTarget>;
}

export class HealthMonitor {
  readonly #containers: ContainerService;
  readonly #log: (msg: string) => void;
  readonly #timers: Timers;
  readonly #watches = new Map<ContainerId, Watch>();
  #closed = false;
  readonly #onEvent = (e: { type: string; action: string; id: string }): void => {
    if (e.type !== 'container') return;
    const id = e.id as ContainerId;
    switch (e.action) {
      case 'start':
        this.#begin(id, true);
        break;
      case 'unpause':
        this.#begin(id, false);
        break;
      case 'pause':
      case 'die':
      case 'destroy':
        this.#end(id);
        break;
    }
  };

  constructor(containers: ContainerService, opts: HealthMonitorOptions = {}) {
    this.#containers = containers;
    this.#log = opts.log ?? (() => undefined);
    this.#timers = opts.timers ?? realTimers;
    containers.events.on('event', this.#onEvent);
  }

  /** After recover(): checks begin again for the containers that kept running while berthd was down. */
  resumeRunning(): void {
    for (const c of this.#containers.store.list()) {
      if (c.state.status === 'running' && !this.#watches.has(c.id)) this.#begin(c.id, true);
    }
  }

  /** How many containers are being checked now. */
  get watched(): number {
    return this.#watches.size;
  }

  /** berthd stops: every loop ends and checks under way are killed. */
  close(): void {
    this.#closed = true;
    this.#containers.events.off('event', this.#onEvent);
    for (const id of [...this.#watches.keys()]) this.#end(id);
  }

  /** Called from the start path, under the container's lock (the event is emitted there), so it is in order. */
  #begin(id: ContainerId, reset: boolean): void {
    if (this.#closed) return;
    const c = this.#containers.store.tryGet(id);
    if (!c || c.state.status !== 'running') return;
    this.#end(id);
    const plan = healthPlan(c.config.Healthcheck, c.config.Shell);
    if (!plan) return;
    if (reset || !c.state.health) c.state = { ...c.state, health: startingHealth(c.state.health) };
    const startedAt = c.state.startedAt;
    const watch: Watch = {
      startedAt,
      loop: new ProbeLoop({
        plan,
        startedAtMs: Date.parse(startedAt),
        timers: this.#timers,
        status: () => this.#status(id),
        probe: (signal) => this.#check(c, watch, plan, signal),
        onResult: (result) => this.#record(id, watch, plan, result),
        onError: (err) => this.#log(`health: ${id.slice(0, 12)}: ${(err as Error).message}`),
      }),
    };
    this.#watches.set(id, watch);
    watch.loop.start();
  }

  #end(id: ContainerId): void {
    const w = this.#watches.get(id);
    if (!w) return;
    this.#watches.delete(id);
    w.loop.stop();
    w.target?.then(
      (t) => t.channel.close(),
      () => undefined,
    );
  }

  #status(id: ContainerId): HealthStatus {
    return this.#containers.store.tryGet(id)?.state.health?.Status ?? 'starting';
  }

  async #check(c: ContainerRecord, w: Watch, plan: HealthPlan, signal: AbortSignal): Promise<HealthResult> {
    if (!w.target) {
      const bundle = path.join(this.#containers.store.dir(c.id), 'bundle');
      w.target = probeTarget(c, bundle, this.#containers.taskPaths(c).attachSocket, plan);
    }
    let target: ProbeTarget;
    try {
      target = await w.target;
    } catch (err) {
      w.target = undefined;
      const now = nowRfc3339Nano();
      return { Start: now, End: now, ExitCode: -1, Output: (err as Error).message };
    }
    return runCheck(target, plan, this.#containers.events, signal);
  }

  async #record(id: ContainerId, w: Watch, plan: HealthPlan, result: HealthResult): Promise<void> {
    await this.#containers.locks.run(id, async () => {
      const c = this.#containers.store.tryGet(id);
      // A result that arrives after its run ended (the lock was held by a stop) is moby's "probe cancelled".
      if (!c || this.#watches.get(id) !== w || c.state.status !== 'running' || c.state.startedAt !== w.startedAt) return;
      const before = c.state.health ?? startingHealth(undefined);
      const after = recordResult(before, result, { retries: plan.retries, startPeriodMs: plan.startPeriodMs, startedAtMs: Date.parse(w.startedAt) });
      c.state = { ...c.state, health: after };
      if (after.Status !== before.Status) {
        this.#containers.events.emit('event', { type: 'container', action: `health_status: ${after.Status}`, id });
      }
    });
  }
}
