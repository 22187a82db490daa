/**
 * RegistryServer: the OCI distribution API over node's http/https, on one
 * RegistryStorage.
 *
 * Lifecycle: RegistryServer.start(opts) checks the exposure rule
 * (listen-address.ts), opens the storage (which sweeps stale uploads),
 * listens, and starts the periodic upload sweep → requests → close() stops
 * listening, ends idle connections, and closes the storage.
 *
 * A request goes: every answer gets `Docker-Distribution-API-Version:
 * registry/2.0` → the token endpoint, when token auth serves one here →
 * route match (404 for unknown paths, 405 + Allow for wrong methods) →
 * Authorizer.check with the access the route needs (access.ts; its answer
 * is sent verbatim) → read-only mode refuses writes with 405 UNSUPPORTED
 * (as the distribution registry, which does not even route them) → the
 * handler. Whatever a handler throws is answered by error-response.ts.
 */
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Authorizer } from '../auth/types.js';
import { DistributionError } from '../storage/errors.js';
import { RegistryStorage } from '../storage/registry-storage.js';
import { requiredAccess } from './access.js';
import { deleteBlob, getBlob } from './blob-handlers.js';
import { sendError, sendJson } from './error-response.js';
import { checkExposure, DEFAULT_ADDR, parseListenAddress } from './listen-address.js';
import { listCatalog, searchCatalog, listReferrers, listTags } from './listing-handlers.js';
import { deleteManifest, getManifest, putManifest } from './manifest-handlers.js';
import type { RequestContext } from './request-context.js';
import { matchRoute, ROUTE_METHODS, type Route } from './routes.js';
import { cancelUpload, completeUpload, patchUpload, startUpload, uploadStatus } from './upload-handlers.js';

export interface RegistryServerOptions {
  root: string;
  /** HOST:PORT (default 127.0.0.1:5000; port 0 picks a free one). */
  addr?: string;
  readOnly?: boolean;
  /** PEM certificate chain and key: serve HTTPS. */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** Default: everyone may do everything (mode "none"). */
  authorizer?: Authorizer;
  /** Serve on a non-loopback address without authentication. */
  allowRemote?: boolean;
  /** Uploads idle this long are removed (default one hour). */
  uploadTimeoutMs?: number;
  /** A connection silent this long is closed (default two minutes): a stalled client cannot hold an upload forever. */
  idleTimeoutMs?: number;
  /** Log one line per request: method, path, status, milliseconds. */
  accessLog?: boolean;
  log?: (line: string) => void;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class RegistryServer {
  readonly storage: RegistryStorage;
  readonly #server: http.Server;
  readonly #opts: RegistryServerOptions;
  readonly #log: (line: string) => void;
  #sweeper: NodeJS.Timeout | undefined;

  private constructor(storage: RegistryStorage, opts: RegistryServerOptions) {
    this.storage = storage;
    this.#opts = opts;
    this.#log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    const serverOpts: http.ServerOptions = { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 30_000 };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => void this.#handle(req, res);
    this.#server = opts.tls === undefined ? http.createServer(serverOpts, handler) : https.createServer({ ...serverOpts, cert: opts.tls.cert, key: opts.tls.key }, handler);
    this.#server.setTimeout(opts.idleTimeoutMs ?? 120_000);
  }

  static async start(opts: RegistryServerOptions): Promise<RegistryServer> {
    const addr = parseListenAddress(opts.addr ?? DEFAULT_ADDR);
    checkExposure(addr, opts.authorizer?.mode ?? 'none', opts.allowRemote ?? false);
    await fs.mkdir(opts.root, { recursive: true });
    const storage = await RegistryStorage.open(opts.root, opts.uploadTimeoutMs === undefined ? {} : { uploadTimeoutMs: opts.uploadTimeoutMs });
    const server = new RegistryServer(storage, opts);
    try {
      await new Promise<void>((resolve, reject) => {
        server.#server.once('error', reject);
        server.#server.listen(addr.port, addr.host === '' ? undefined : addr.host, () => {
          server.#server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await storage.close();
      throw err;
    }
    const every = Math.max(1000, Math.min(storage.uploadTimeoutMs / 4, 10 * 60 * 1000));
    server.#sweeper = setInterval(() => {
      storage.uploads.sweep(storage.uploadTimeoutMs).catch((err: unknown) => server.#log(`upload sweep failed: ${String(err)}`));
    }, every);
    server.#sweeper.unref();
    return server;
  }

  /** The bound address (the real port when asked for port 0). */
  get address(): { host: string; port: number } {
    const a = this.#server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** "http://127.0.0.1:5000" (https with TLS). */
  get url(): string {
    const { host, port } = this.address;
    const shown = host.includes(':') ? `[${host}]` : host;
    return `${this.#opts.tls === undefined ? 'http' : 'https'}://${shown}:${port}`;
  }

  async close(): Promise<void> {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    // Requests still streaming get a moment, then their connections are cut.
    const timer = setTimeout(() => this.#server.closeAllConnections(), 2000);
    await closed;
    clearTimeout(timer);
    await this.storage.close();
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (this.#opts.accessLog === true) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        this.#log(`${method} ${req.url ?? ''} ${res.statusCode} ${ms.toFixed(1)}ms`);
      });
    }
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      const url = new URL(req.url ?? '/', 'http://registry.invalid');
      const auth = this.#opts.authorizer;
      if (auth?.tokenPath !== undefined && auth.tokenEndpoint !== undefined && url.pathname === auth.tokenPath) {
        await auth.tokenEndpoint(req, res);
        return;
      }
      let route: Route | undefined;
      try {
        route = matchRoute(url.pathname);
      } catch {
        throw new DistributionError('NAME_INVALID', { message: `malformed path: ${url.pathname}` });
      }
      if (route === undefined) throw new DistributionError('UNSUPPORTED', { status: 404, message: `no such endpoint: ${url.pathname}` });
      const allowed = ROUTE_METHODS[route.kind];
      if (!allowed.includes(method)) {
        throw new DistributionError('UNSUPPORTED', { message: `${method} is not supported on ${url.pathname}`, headers: { Allow: allowed.join(', ') } });
      }
      if (auth !== undefined) {
        const denied = await auth.check(req, requiredAccess(route, method, url.searchParams));
        if (denied !== undefined) {
          for (const [k, v] of Object.entries(denied.headers)) res.setHeader(k, v);
          sendJson(res, denied.status, denied.body, method);
          return;
        }
      }
      if (this.#opts.readOnly === true && WRITE_METHODS.has(method)) {
        throw new DistributionError('UNSUPPORTED', { message: 'the registry is in read-only mode', headers: { Allow: allowed.filter((m) => !WRITE_METHODS.has(m)).join(', ') } });
      }
      await this.#dispatch({ req, res, method, url, storage: this.storage }, route);
    } catch (err) {
      sendError(res, err, method, this.#log);
    }
  }

  #dispatch(ctx: RequestContext, route: Route): Promise<void> {
    const m = ctx.method;
    switch (route.kind) {
      case 'base':
        sendJson(ctx.res, 200, {}, m);
        return Promise.resolve();
      case 'catalog':
        return listCatalog(ctx);
      case 'search':
        return searchCatalog(ctx);
      case 'tags':
        return listTags(ctx, route.name);
      case 'referrers':
        return listReferrers(ctx, route.name, route.digest);
      case 'manifest':
        if (m === 'PUT') return putManifest(ctx, route.name, route.reference);
        if (m === 'DELETE') return deleteManifest(ctx, route.name, route.reference);
        return getManifest(ctx, route.name, route.reference);
      case 'blob':
        if (m === 'DELETE') return deleteBlob(ctx, route.name, route.digest);
        return getBlob(ctx, route.name, route.digest);
      case 'uploads':
        return startUpload(ctx, route.name);
      case 'upload':
        if (m === 'PATCH') return patchUpload(ctx, route.name, route.id);
        if (m === 'PUT') return completeUpload(ctx, route.name, route.id);
        if (m === 'DELETE') return cancelUpload(ctx, route.name, route.id);
        return uploadStatus(ctx, route.name, route.id);
    }
  }
}
