/**
 * HTTP to one registry, for one pull, push or login: picks the endpoint
 * (scheme) with a `/v2/` ping, answers auth challenges, follows redirects,
 * and turns refusals into RegistryErrors.
 *
 * Lifecycle: `RegistryClient.connect(...)` pings `/v2/` on each endpoint in
 * order (HTTPS, then plain HTTP for an insecure registry) and keeps the first
 * that answers at all, with its challenge (`WWW-Authenticate` of a 401).
 * Every request after that carries an Authorization header from the
 * authorizer for the scopes it needs (the authorizer caches tokens per
 * scope); a 401 with a new challenge (another scope, an expired token) is
 * answered once more and the request sent again, its body made anew.
 * Responses are streams: the caller reads or drains them. Connections are
 * kept alive in the agents of a `RegistryTransport`, shared by the daemon.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { UnavailableError } from '../errors.js';
import { registryErrorOf } from './registry-errors.js';
import type { RegistryEndpoint, RegistryHosts } from './registry-hosts.js';

/**
 * Answers registry auth challenges: Basic, or a Bearer token fetched from the
 * challenge's realm (src/registry/auth/client-auth.ts RegistryAuth has this shape).
 */
export interface RegistryAuthorizer {
  /** The Authorization header for a request to host needing scopes, given the registry's last challenge. */
  authorize(host: string, challenge: string | null, scopes: string[]): Promise<string | undefined>;
}

/** Kept-alive connections, one set per daemon. */
export class RegistryTransport {
  readonly http = new http.Agent({ keepAlive: true, maxSockets: 16 });
  readonly https = new https.Agent({ keepAlive: true, maxSockets: 16 });
  readonly httpsSkipVerify = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });
  readonly userAgent: string;

  constructor(version: string) {
    this.userAgent = `berth/${version}`;
  }

  agentFor(url: URL, skipVerify: boolean): http.Agent {
    if (url.protocol === 'http:') return this.http;
    return skipVerify ? this.httpsSkipVerify : this.https;
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
    this.httpsSkipVerify.destroy();
  }
}

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path under the endpoint ("/v2/…") or an absolute URL (an upload's Location). */
  url: string;
  /** Token scopes the request needs ("repository:library/busybox:pull"). */
  scopes: string[];
  headers?: Record<string, string>;
  /** Bytes, or a maker of a fresh stream (called again when a challenge makes the request go twice). */
  body?: Buffer | (() => Readable | Promise<Readable>);
  /** Statuses that are answers rather than errors; 2xx when absent. */
  accept?: (status: number) => boolean;
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 5;

export class RegistryClient {
  /** What the `/v2/` check answered (null: no auth asked for). */
  readonly challenge: string | null;
  /** A challenge not yet given to the authorizer (it keeps the last one per host and caches tokens). */
  #fresh: string | null;
  /** Whether the registry has ever challenged: only then is an Authorization header asked for. */
  #challenged: boolean;

  private constructor(
    readonly endpoint: RegistryEndpoint,
    private readonly transport: RegistryTransport,
    private readonly auth: RegistryAuthorizer | undefined,
    challenge: string | null,
  ) {
    this.challenge = challenge;
    this.#fresh = challenge;
    this.#challenged = challenge !== null;
  }

  /** Pings each endpoint of the registry until one answers (moby's PingV2Registry over lookupV2Endpoints). */
  static async connect(hosts: RegistryHosts, domain: string, transport: RegistryTransport, auth: RegistryAuthorizer | undefined, signal?: AbortSignal): Promise<RegistryClient> {
    let lastError: unknown;
    for (const endpoint of await hosts.endpoints(domain)) {
      const url = new URL('/v2/', endpoint.base);
      let res: http.IncomingMessage;
      try {
        res = await send(transport, endpoint, url, 'GET', { 'User-Agent': transport.userAgent }, undefined, signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        lastError = new UnavailableError(`Get "${url.href}": ${(err as Error).message}`, { cause: err });
        continue; // TLS refused or nothing listening: the next endpoint (plain HTTP for an insecure registry)
      }
      res.resume();
      const challenge = res.statusCode === 401 ? headerOf(res, 'www-authenticate') ?? null : null;
      return new RegistryClient(endpoint, transport, auth, challenge);
    }
    throw lastError ?? new UnavailableError(`no endpoint for registry ${domain}`);
  }

  /** The registry as references name it ("127.0.0.1:5000"). */
  get domain(): string {
    return this.endpoint.domain;
  }

  urlOf(pathOrUrl: string): URL {
    return new URL(pathOrUrl, this.endpoint.base);
  }

  /**
   * Sends a request and returns the response, unread, when its status is
   * accepted; otherwise reads the error body and throws a RegistryError.
   */
  async request(req: RegistryRequest): Promise<http.IncomingMessage> {
    let url = this.urlOf(req.url);
    let answeredChallenge = false;
    for (let redirects = 0; ; ) {
      const sameOrigin = url.origin === this.endpoint.base.origin;
      const headers: Record<string, string> = { 'User-Agent': this.transport.userAgent, ...req.headers };
      if (sameOrigin && this.#challenged && this.auth) {
        const challenge = this.#fresh;
        this.#fresh = null;
        const authorization = await this.auth.authorize(this.domain, challenge, req.scopes);
        if (authorization) headers.Authorization = authorization;
      }
      const body = typeof req.body === 'function' ? await req.body() : req.body;
      if (Buffer.isBuffer(body)) headers['Content-Length'] = String(body.length);
      const res = await send(this.transport, this.endpoint, url, req.method, headers, body, req.signal);
      const status = res.statusCode ?? 0;

      if (status === 401 && sameOrigin && !answeredChallenge && this.auth) {
        const challenge = headerOf(res, 'www-authenticate');
        if (challenge) {
          // A first challenge, or a token that no longer does: ask again once, with a fresh body.
          res.resume();
          if (body !== undefined && !Buffer.isBuffer(body)) body.destroy();
          this.#fresh = challenge;
          this.#challenged = true;
          answeredChallenge = true;
          continue;
        }
      }
      const location = headerOf(res, 'location');
      if ((req.method === 'GET' || req.method === 'HEAD') && [301, 302, 303, 307, 308].includes(status) && location) {
        res.resume();
        if (++redirects > MAX_REDIRECTS) throw new UnavailableError(`${req.method} ${url.href}: too many redirects`);
        url = new URL(location, url);
        continue;
      }
      if ((req.accept ?? is2xx)(status)) return res;
      throw await registryErrorOf(res, req.method, url.href);
    }
  }

  /** A whole small response body (manifests, configs), refusing more than max bytes. */
  static async readAll(res: http.IncomingMessage, max: number, what: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        res.destroy();
        throw new UnavailableError(`${what} is larger than ${max} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

export function headerOf(res: http.IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** One HTTP exchange: resolves with the response as soon as its head arrives. */
function send(
  transport: RegistryTransport,
  endpoint: RegistryEndpoint,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | Readable | undefined,
  signal: AbortSignal | undefined,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'http:' ? http : https;
    const req = mod.request(url, { method, headers, agent: transportAgent(transport, endpoint, url), ...(signal ? { signal } : {}) }, resolve);
    req.on('error', reject);
    if (body === undefined) {
      req.end();
    } else if (Buffer.isBuffer(body)) {
      req.end(body);
    } else {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

function transportAgent(transport: RegistryTransport, endpoint: RegistryEndpoint, url: URL): http.Agent {
  // A redirect to another origin (a CDN) is verified as any HTTPS site.
  return transport.agentFor(url, endpoint.skipVerify && url.origin === endpoint.base.origin);
}
