/**
 * The Engine API listener: HTTP/1.1 on a unix socket (mode 0660, root),
 * dispatching to routes; plain requests and upgrade (hijack) requests take
 * the same path. Errors become Docker's `{"message"}` body in http-status.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promises as fs } from 'node:fs';
import type { Duplex } from 'node:stream';
import { isErrno } from '../errors.js';
import { startTrace } from '../storage/trace.js';
import { writeError, writeErrorToSocket } from './http-status.js';
import { API_VERSION, makeContext, type Router } from './router.js';

export class ApiServer {
  readonly #server: Server;
  readonly #router: Router;
  #socketPath = '';
  readonly #open = new Set<Duplex>();

  constructor(router: Router, private readonly log: (msg: string) => void = () => {}) {
    this.#router = router;
    this.#server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => void this.#dispatch(req, res, undefined));
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.#dispatch(req, undefined, { socket, head }));
    this.#server.on('connection', (s) => {
      this.#open.add(s);
      s.on('close', () => this.#open.delete(s));
    });
  }

  async listen(socketPath: string): Promise<void> {
    this.#socketPath = socketPath;
    try {
      await fs.unlink(socketPath);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(socketPath, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    await fs.chmod(socketPath, 0o660);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const s of this.#open) s.destroy();
    });
    await fs.unlink(this.#socketPath).catch(() => undefined);
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse | undefined, upgrade: { socket: Duplex; head: Buffer } | undefined): Promise<void> {
    const abort = new AbortController();
    const conn = upgrade?.socket ?? req.socket;
    const onClose = () => abort.abort();
    conn.once('close', onClose);
    res?.once('close', onClose);
    res?.setHeader('Api-Version', API_VERSION);
    res?.setHeader('Server', `Berth/${process.env.npm_package_version ?? '0.1.0'} (linux)`);
    res?.setHeader('Docker-Experimental', 'false');
    res?.setHeader('Ostype', 'linux');
    try {
      const url = new URL(req.url ?? '/', 'http://berth');
      const { handler, params, apiVersion } = this.#router.match(req.method ?? 'GET', url.pathname);
      const trace = startTrace(`${req.method} ${url.pathname}`);
      await handler(makeContext(req, res, upgrade, params, apiVersion, abort.signal));
      trace.end();
    } catch (err) {
      if (!(err instanceof Error && 'kind' in err)) this.log(`${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
      if (res) writeError(res, err);
      else if (upgrade) writeErrorToSocket(upgrade.socket as import('node:net').Socket, err);
    } finally {
      conn.off('close', onClose);
    }
  }
}
