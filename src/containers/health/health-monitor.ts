/**
 * Runs every running container's healthcheck (moby's daemon/health.go).
 *
 * Lifecycle, driven by the container events: `start` → health reset to
 * starting (streak cleared, log kept) and the first probe scheduled;
 * `pause` stops probing, `unpause` resumes it; `die`/`destroy` stop it.
 * After a berthd restart resumeRunning() picks up the containers that kept
 * running, with the status they had.
 *
 * One probe at a time per container; the next is scheduled when one ends:
 * `interval` after it, or `start-interval` while the container is still
 * starting inside its start period. A result moves State.Health
 * (health-state.ts) under the container's lock; a status change is saved
 * and emits `health_status: <status>`. Results that change only the log are
 * kept in memory (as moby keeps them in its in-memory view), so fifty
 * containers checked every second cost no disk writes.
 */
import type { ContainerService } from '../container-service.js';
import type { ContainerId, ContainerRecord } from '../container.js';
import type { ExecService } from '../exec-service.js';
import { healthPlan, type HealthPlan } from './health-config.js';
import { recordResult, startingHealth } from './health-state.js';
import { runProbe } from './probe-runner.js';

interface Watch {
  startedAt: string;
  timer: NodeJS.Timeout | undefined;
  abort: AbortController;
}

export class HealthMonitor {
  readonly #containers: ContainerService;
  readonly #exec: ExecService;
  readonly #log: (msg: string) => void;
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

  constructor(containers: ContainerService, exec: ExecService, log: (msg: string) => void = () => undefined) {
    this.#containers = containers;
    this.#exec = exec;
    this.#log = log;
    containers.events.on('event', this.#onEvent);
  }

  /** After recover(): checks resume for containers that kept running while berthd was down. */
  resumeRunning(): void {
    for (const c of this.#containers.store.list()) {
      if (c.state.status === 'running') this.#begin(c.id, c.state.health === undefined);
    }
  }

  /** Containers being checked now (for tests and the daemon's shutdown). */
  get watched(): number {
    return this.#watches.size;
  }

  close(): void {
    this.#closed = true;
    this.#containers.events.off('event', this.#onEvent);
    for (const id of [...this.#watches.keys()]) this.#end(id);
  }

  #begin(id: ContainerId, reset: boolean): void {
    if (this.#closed) return;
    const c = this.#containers.store.tryGet(id);
    if (!c || c.state.status !== 'running') return;
    const plan = this.#plan(c);
    this.#end(id);
    if (!plan) return;
    if (reset) {
      // Called from the start path (the event is emitted under the container's lock), so this is in order.
      c.state = { ...c.state, health: startingHealth(c.state.health) };
    }
    const watch: Watch = { startedAt: c.state.startedAt, timer: undefined, abort: new AbortController() };
    this.#watches.set(id, watch);
    this.#schedule(id, watch, plan);
  }

  #end(id: ContainerId): void {
    const w = this.#watches.get(id);
    if (!w) return;
    this.#watches.delete(id);
    if (w.timer) clearTimeout(w.timer);
    w.abort.abort();
  }

  #plan(c: ContainerRecord): HealthPlan | undefined {
    return healthPlan(c.config.Healthcheck, c.config.Shell);
  }

  #schedule(id: ContainerId, w: Watch, plan: HealthPlan): void {
    const c = this.#containers.store.tryGet(id);
    if (!c) return;
    const sinceStart = Date.now() - Date.parse(w.startedAt);
    const delay = sinceStart < plan.startPeriodMs && c.state.health?.Status === 'starting' ? plan.startIntervalMs : plan.intervalMs;
    w.timer = setTimeout(() => void this.#probe(id, w, plan), delay);
    w.timer.unref();
  }

  async #probe(id: ContainerId, w: Watch, plan: HealthPlan): Promise<void> {
    w.timer = undefined;
    if (this.#watches.get(id) !== w) return;
    const c = this.#containers.store.tryGet(id);
    if (!c || c.state.status !== 'running' || c.state.startedAt !== w.startedAt) return this.#end(id);
    const result = await runProbe(this.#exec, c, plan, w.abort.signal);
    if (this.#watches.get(id) !== w) return;
    try {
      await this.#containers.locks.run(id, async () => {
        const cur = this.#containers.store.tryGet(id);
        if (!cur || cur.state.status !== 'running' || cur.state.startedAt !== w.startedAt) return;
        const before = cur.state.health ?? startingHealth(undefined);
        const after = recordResult(before, result, { retries: plan.retries, startPeriodMs: plan.startPeriodMs, startedAtMs: Date.parse(w.startedAt) });
        cur.state = { ...cur.state, health: after };
        if (after.Status !== before.Status) {
          await this.#containers.store.save(cur);
          this.#containers.events.emit('event', { type: 'container', action: `health_status: ${after.Status}`, id });
        }
      });
    } catch (err) {
      this.#log(`health: ${id.slice(0, 12)}: ${(err as Error).message}`);
    }
    if (this.#watches.get(id) === w) this.#schedule(id, w, plan);
  }
}
