/**
 * Connects API attach requests to a container's monitor.
 *
 * `docker run` attaches before it starts the container, when no monitor
 * exists yet: such requests wait here. start() then launches the task with
 * the monitor holding its output (--wait-attach) and hands each waiting
 * request its monitor connection, so not a byte of output is missed. A request for a running container connects at once.
 */
import type { Socket } from 'node:net';
import { openAttach } from '../runtime/monitor/monitor-client.js';
import type { ContainerRecord } from './container.js';

export interface AttachStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

interface Waiter {
  streams: AttachStreams;
  resolve(sock: Socket): void;
  reject(err: unknown): void;
}

export class AttachBroker {
  readonly #waiting = new Map<string, Waiter[]>();

  /** Resolves with the monitor connection once the container has a running task. */
  waitForStart(containerId: string, streams: AttachStreams, signal?: AbortSignal): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const list = this.#waiting.get(containerId) ?? [];
      const waiter: Waiter = { streams, resolve, reject };
      list.push(waiter);
      this.#waiting.set(containerId, list);
      signal?.addEventListener('abort', () => {
        const l = this.#waiting.get(containerId);
        if (l) this.#waiting.set(containerId, l.filter((w) => w !== waiter));
        reject(new Error('attach cancelled'));
      });
    });
  }

  /** Whether a start must hold the task's output for attach clients. */
  hasWaiting(containerId: string): boolean {
    return (this.#waiting.get(containerId)?.length ?? 0) > 0;
  }

  async connectWaiting(c: ContainerRecord, attachSocket: string): Promise<void> {
    const list = this.#waiting.get(c.id) ?? [];
    this.#waiting.delete(c.id);
    await Promise.all(
      list.map(async (w) => {
        try {
          w.resolve(await openAttach(attachSocket, w.streams));
        } catch (err) {
          w.reject(err);
        }
      }),
    );
  }

  failWaiting(containerId: string, err: unknown): void {
    const list = this.#waiting.get(containerId) ?? [];
    this.#waiting.delete(containerId);
    for (const w of list) w.reject(err);
  }
}
