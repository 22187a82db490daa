/**
 * Signals and freezing: stop, kill, restart, pause, unpause. A paused
 * container is frozen by the cgroup freezer (runc pause), so a signal sent
 * to it is only acted on once it is thawed: stop and kill thaw it after
 * signalling, as Docker does.
 *
 * Restart policies (restart/restart-manager.ts): stop marks the container as
 * stopped by the user and cancels its restarts, so the exit it causes (or a
 * restart that was waiting) is not followed by a start. kill does as moby's:
 * it marks the container too, and cancels its restarts when the signal is
 * SIGKILL or the container's stop signal (any signal if it has none).
 */
import { parseSignal } from '../units/signals.js';
import { guards, isRunning, type ContainerRecord } from './container.js';
import type { ContainerService } from './container-service.js';
import type { RuncRuntime } from '../runtime/runc-runtime.js';

const SIGKILL = 9;
const SIGTERM = 15;
const DEFAULT_STOP_TIMEOUT_S = 10;

export class ContainerSignals {
  constructor(
    private readonly containers: ContainerService,
    private readonly runtime: RuncRuntime,
  ) {}

  async kill(idOrName: string, signal = 'SIGKILL'): Promise<void> {
    const c = this.containers.store.get(idOrName);
    const sig = parseSignal(signal);
    guards.checkKill(c);
    const stopSignal = c.config.StopSignal ? parseSignal(c.config.StopSignal) : undefined;
    const ends = sig === SIGKILL || stopSignal === undefined || stopSignal === sig;
    if (ends) this.containers.restarts.cancel(c.id);
    await this.#markStopped(c);
    // A container waiting to be restarted has no process to signal (moby returns there too).
    if (ends && (await this.containers.settleRestarting(c.id))) return;
    if (c.state.status === 'restarting') return;
    await this.runtime.kill(c.id, sig, sig === SIGKILL);
    if (c.state.status === 'paused') await this.#thaw(c.id);
    this.containers.events.emit('event', { type: 'container', action: 'kill', id: c.id, signal: sig });
  }

  /** Returns false when the container was not running (HTTP 304). */
  async stop(idOrName: string, opts: { timeoutS?: number; signal?: string } = {}): Promise<boolean> {
    const c = this.containers.store.get(idOrName);
    if (!guards.canStop(c)) return false;
    this.containers.restarts.cancel(c.id);
    await this.#markStopped(c);
    if (await this.containers.settleRestarting(c.id)) {
      this.containers.events.emit('event', { type: 'container', action: 'stop', id: c.id });
      return true;
    }
    const sig = parseSignal(opts.signal || c.config.StopSignal || String(SIGTERM));
    const timeoutS = opts.timeoutS ?? c.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
    const exited = this.containers.wait(c.id, 'next-exit');
    if (timeoutS !== 0) {
      await this.runtime.kill(c.id, sig).catch(() => undefined);
      this.containers.events.emit('event', { type: 'container', action: 'kill', id: c.id, signal: sig }); // moby: stop logs its signal as a kill
      if (c.state.status === 'paused') await this.#thaw(c.id);
    }
    const inTime = timeoutS < 0 ? await exited.then(() => true) : await raceTimeout(exited, timeoutS * 1000);
    if (!inTime && isRunning(c.state)) {
      await this.runtime.kill(c.id, SIGKILL, true).catch(() => undefined);
      this.containers.events.emit('event', { type: 'container', action: 'kill', id: c.id, signal: SIGKILL });
      if (c.state.status === 'paused') await this.#thaw(c.id);
      await exited;
    }
    this.containers.events.emit('event', { type: 'container', action: 'stop', id: c.id });
    return true;
  }

  async restart(idOrName: string, opts: { timeoutS?: number; signal?: string } = {}): Promise<void> {
    await this.stop(idOrName, opts);
    await this.containers.start(idOrName);
    this.containers.events.emit('event', { type: 'container', action: 'restart', id: this.containers.store.get(idOrName).id });
  }

  async pause(idOrName: string): Promise<void> {
    const c = this.containers.store.get(idOrName);
    await this.containers.locks.run(c.id, async () => {
      guards.checkPause(c);
      await this.runtime.pause(c.id);
      c.state.status = 'paused';
      await this.containers.store.save(c);
    });
    this.containers.events.emit('event', { type: 'container', action: 'pause', id: c.id });
  }

  async unpause(idOrName: string): Promise<void> {
    const c = this.containers.store.get(idOrName);
    await this.containers.locks.run(c.id, async () => {
      guards.checkUnpause(c);
      await this.runtime.resume(c.id);
      c.state.status = 'running';
      await this.containers.store.save(c);
    });
    this.containers.events.emit('event', { type: 'container', action: 'unpause', id: c.id });
  }

  /** Saved at once, so unless-stopped holds even if berthd dies before the exit is seen. */
  async #markStopped(c: ContainerRecord): Promise<void> {
    if (c.hasBeenManuallyStopped) return;
    await this.containers.locks.run(c.id, async () => {
      c.hasBeenManuallyStopped = true;
      if (this.containers.store.tryGet(c.id) === c) await this.containers.store.save(c);
    });
  }

  async #thaw(id: string): Promise<void> {
    await this.runtime.resume(id).catch(() => undefined);
    const c = this.containers.store.tryGet(id);
    if (c && c.state.status === 'paused') {
      c.state.status = 'running';
      await this.containers.store.save(c);
    }
  }
}

function raceTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}
