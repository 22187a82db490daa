/**
 * Exec endpoints: create a process in a running container, start it
 * (detached, or hijacked for its stdio), resize its tty, read its exit code.
 *
 * Lifecycle: create → start (detach: returns at once; attached: the socket
 * carries stdio until the process exits) → inspect for ExitCode.
 */
import type { HijackedConnection, Transport } from './transport.js';
import type { ExecCreateBody, ExecInspect } from './types.js';

export class ExecApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  async create(container: string, body: ExecCreateBody): Promise<string> {
    const res = await this.#t.json<{ Id: string }>({
      method: 'POST',
      path: `/containers/${encodeURIComponent(container)}/exec`,
      json: body,
    });
    return res.Id;
  }

  async startDetached(execId: string, tty: boolean): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/exec/${execId}/start`, json: { Detach: true, Tty: tty } });
  }

  startAttached(execId: string, tty: boolean, consoleSize?: [number, number]): Promise<HijackedConnection> {
    return this.#t.hijack({
      method: 'POST',
      path: `/exec/${execId}/start`,
      json: { Detach: false, Tty: tty, ...(consoleSize ? { ConsoleSize: consoleSize } : {}) },
    });
  }

  async resize(execId: string, height: number, width: number): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/exec/${execId}/resize`, query: { h: height, w: width } });
  }

  inspect(execId: string): Promise<ExecInspect> {
    return this.#t.json({ method: 'GET', path: `/exec/${execId}/json` });
  }
}
