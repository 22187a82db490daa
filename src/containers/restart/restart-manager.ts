/**
 * Automatic restarts by policy (moby's restartmanager, one per container,
 * kept in memory: a berthd restart starts every container afresh, as
 * dockerd does).
 *
 * Lifecycle of one container's restarts:
 *
 *   user start ──▶ reset(id): fresh back-off, not cancelled
 *   task exits ──▶ exit path, under the container lock:
 *                    decide(c, exit) → delay in ms, or undefined (stay exited)
 *                    the record becomes 'restarting', restartCount + 1, saved
 *                  after the lock: schedule(id, delay, start) → timer
 *   timer fires ─▶ start (under the lock; a no-op unless still 'restarting')
 *   stop / kill / rm ──▶ cancel(id): the pending timer is cleared and no later
 *                  exit restarts the container until the next user start
 *                  (moby's ExitOnNext)
 *   rm ──▶ forget(id);  berthd stop ──▶ close(): every timer cleared
 *
 * The manager decides and waits; starting is the container service's, passed
 * in as a callback, so this file holds no container I/O.
 */
import type { ContainerRecord } from '../container.js';
import { RestartBackoff } from './backoff.js';
import { policyOf, restartsAfterExit } from './restart-policy.js';

export interface ExitInfo {
  exitCode: number;
  /** RFC 3339 times of the run that ended (record's startedAt, the exit's finishedAt). */
  startedAt: string;
  finishedAt: string;
}

interface Entry {
  backoff: RestartBackoff;
  cancelled: boolean;
  /** The pending restart: a timer, or an immediate for the first (undelayed) one. */
  timer?: { timeout: NodeJS.Timeout } | { immediate: NodeJS.Immediate };
}

export class RestartManager {
  readonly #entries = new Map<string, Entry>();
  #closed = false;

  #entry(id: string): Entry {
    let e = this.#entries.get(id);
    if (!e) {
      e = { backoff: new RestartBackoff(), cancelled: false };
      this.#entries.set(id, e);
    }
    return e;
  }

  /**
   * After an exit: the delay before restarting `c`, or undefined when its
   * policy (or a stop, kill or rm) says it stays down. Call once per exit.
   */
  decide(c: ContainerRecord, exit: ExitInfo): number | undefined {
    if (this.#closed) return undefined;
    const policy = policyOf(c.hostConfig.RestartPolicy);
    if (policy.Name === 'no') return undefined;
    const e = this.#entry(c.id);
    if (e.cancelled) return undefined;
    const ranMs = Date.parse(exit.finishedAt) - Date.parse(exit.startedAt);
    const restart = restartsAfterExit(policy, { exitCode: exit.exitCode, manuallyStopped: c.hasBeenManuallyStopped, restartCount: c.restartCount });
    if (!restart) return undefined;
    return e.backoff.next(ranMs);
  }

  /** Runs `start` after `delayMs` unless cancelled first. */
  schedule(id: string, delayMs: number, start: () => Promise<void>): void {
    if (this.#closed) return;
    const e = this.#entry(id);
    if (e.cancelled) return;
    this.#clear(e);
    const fire = () => {
      e.timer = undefined;
      if (e.cancelled || this.#closed) return;
      start().catch(() => undefined); // a failed start leaves the container exited with its error
    };
    e.timer = delayMs <= 0 ? { immediate: setImmediate(fire) } : { timeout: setTimeout(fire, delayMs) };
  }

  /** True while a restart waits for its timer. */
  pending(id: string): boolean {
    return this.#entries.get(id)?.timer !== undefined;
  }

  /** True after stop, kill or rm, until the next user start. */
  cancelled(id: string): boolean {
    return this.#entries.get(id)?.cancelled ?? false;
  }

  /** stop, kill, rm: no restart now or after the next exit. Returns whether one was waiting. */
  cancel(id: string): boolean {
    const e = this.#entry(id);
    const wasPending = e.timer !== undefined;
    this.#clear(e);
    e.cancelled = true;
    return wasPending;
  }

  /** A start by the user (or by berthd at boot): the back-off and cancellation begin again. */
  reset(id: string): void {
    const e = this.#entries.get(id);
    if (e) this.#clear(e);
    this.#entries.delete(id);
  }

  /** The container is gone. */
  forget(id: string): void {
    this.reset(id);
  }

  /** After close(): berthd is stopping, nothing is to be started any more. */
  get closed(): boolean {
    return this.#closed;
  }

  /** berthd stops: no timer may outlive it (containers left 'restarting' are picked up at the next start). */
  close(): void {
    this.#closed = true;
    for (const e of this.#entries.values()) this.#clear(e);
  }

  #clear(e: Entry): void {
    if (e.timer === undefined) return;
    if ('timeout' in e.timer) clearTimeout(e.timer.timeout);
    else clearImmediate(e.timer.immediate);
    e.timer = undefined;
  }
}
