/**
 * Signals and freezing: stop, kill, restart, pause, unpause. A paused
 * container is frozen by the cgroup freezer (runc pause), so a signal sent
 * to it is only acted on once it is thawed: stop and kill thaw it after
 * signalling, as Docker does.
 */
import { parseSignal } from '../units/signals.js';
import { guards, isRunning } from './container.js';
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
    await this.runtime.kill(c.id, sig, sig === SIGKILL);
    if (c.state.status === 'paused') await this.#thaw(c.id);
    this.containers.events.emit('event', { type: 'container', action: 'kill', id: c.id, signal: sig });
  }

  /** Returns false when the container was not running (HTTP 304). */
  async stop(idOrName: string, opts: { timeoutS?: number; signal?: string } = {}): Promise<boolean> {
    const c = this.containers.store.get(idOrName);
    if (!guards.canStop(c)) return false;
    c.hasBeenManuallyStopped = true;
    const sig = parseSignal(opts.signal || c.config.StopSignal || String(SIGTERM));
    const timeoutS = opts.timeoutS ?? c.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
    const exited = this.containers.wait(c.id, 'next-exit');
    if (timeoutS !== 0) {
      await this.runtime.kill(c.id, sig).catch(() => undefined);
      if (c.state.status === 'paused') await this.#thaw(c.id);
    }
    const inTime = timeoutS < 0 ? await exited.then(() => true) : await raceTimeout(exited, timeoutS * 1000);
    if (!inTime && isRunning(c.state)) {
      await this.runtime.kill(c.id, SIGKILL, true).catch(() => undefined);
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
