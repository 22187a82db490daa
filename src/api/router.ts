/**
 * A small router for the Engine API: routes are (method, regex) pairs whose
 * named groups become params. Paths arrive with or without a "/v1.xx"
 * version prefix. Each request gets a context with its query, a JSON body
 * reader that turns malformed input into InvalidArgumentError, and hijack()
 * for attach/exec streams.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex, Readable, Writable } from 'node:stream';
import { InvalidArgumentError, NotFoundError } from '../errors.js';

export const MIN_API_VERSION = '1.24';
export const API_VERSION = '1.45';

export interface HijackedStream {
  input: Readable;
  output: Writable;
  /** Ends the stream towards the client. */
  close(): void;
}

export interface RequestContext {
  req: IncomingMessage;
  /** Absent for a request that upgraded (hijack): use hijack(). */
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  apiVersion: string;
  signal: AbortSignal;
  body<T>(): Promise<T | undefined>;
  /** Takes over the connection for a raw stream (Docker's attach protocol). */
  hijack(contentType?: string): HijackedStream;
  json(status: number, value: unknown): void;
  noContent(status?: number): void;
}

export type Handler = (ctx: RequestContext) => Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const VERSION_PREFIX = /^\/v(\d+\.\d+)(?=\/)/;
const MAX_BODY = 16 * 1024 * 1024;

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, path: string | RegExp, handler: Handler): void {
    const pattern =
      typeof path === 'string'
        ? new RegExp('^' + path.replace(/\//g, '\\/').replace(/:(\w+)/g, '(?<$1>[^/]+)') + '$')
        : path;
    this.#routes.push({ method, pattern, handler });
  }

  match(method: string, pathname: string): { handler: Handler; params: Record<string, string>; apiVersion: string } {
    const vm = VERSION_PREFIX.exec(pathname);
    const apiVersion = vm ? vm[1]! : API_VERSION;
    if (compareVersions(apiVersion, API_VERSION) > 0) {
      throw new InvalidArgumentError(`client version ${apiVersion} is too new. Maximum supported API version is ${API_VERSION}`);
    }
    if (compareVersions(apiVersion, MIN_API_VERSION) < 0) {
      throw new InvalidArgumentError(`client version ${apiVersion} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
    }
    const p = vm ? pathname.slice(vm[0].length) : pathname;
    const m = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    for (const r of this.#routes) {
      if (!m.includes(r.method)) continue;
      const found = r.pattern.exec(p);
      if (found) {
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries(found.groups ?? {})) params[k] = decodeURIComponent(v);
        return { handler: r.handler, params, apiVersion };
      }
    }
    throw new NotFoundError(`page not found`);
  }
}

export function makeContext(
  req: IncomingMessage,
  res: ServerResponse | undefined,
  upgrade: { socket: Duplex; head: Buffer } | undefined,
  params: Record<string, string>,
  apiVersion: string,
  signal: AbortSignal,
): RequestContext {
  const url = new URL(req.url ?? '/', 'http://berth');
  // On an upgrade request Node hands over the raw socket: the request body (exec
  // start's JSON) is in `head` and on the socket, not in req. Take exactly
  // Content-Length bytes for body(); the rest is the client's stream (stdin).
  let rest = upgrade?.head ?? Buffer.alloc(0);
  const readUpgradeBody = async (): Promise<Buffer> => {
    const want = Number(req.headers['content-length'] ?? 0);
    const socket = upgrade!.socket;
    while (rest.length < want) {
      const chunk = await new Promise<Buffer | null>((resolve) => {
        const onData = (d: Buffer) => done(d);
        const onEnd = () => done(null);
        const done = (d: Buffer | null) => {
          socket.off('data', onData);
          socket.off('end', onEnd);
          socket.pause();
          resolve(d);
        };
        socket.on('data', onData);
        socket.once('end', onEnd);
        socket.resume();
      });
      if (!chunk) break;
      rest = Buffer.concat([rest, chunk]);
    }
    const body = rest.subarray(0, want);
    rest = rest.subarray(want);
    return body;
  };
  return {
    req,
    res: res as ServerResponse,
    params,
    query: url.searchParams,
    apiVersion,
    signal,
    async body<T>(): Promise<T | undefined> {
      const chunks: Buffer[] = [];
      if (upgrade) {
        if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) throw new InvalidArgumentError('request body too large');
        chunks.push(await readUpgradeBody());
      } else {
        let size = 0;
        for await (const chunk of req as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > MAX_BODY) throw new InvalidArgumentError('request body too large');
          chunks.push(chunk);
        }
      }
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return undefined;
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new InvalidArgumentError(`malformed JSON in request body: ${(err as Error).message}`);
      }
    },
    hijack(contentType = 'application/vnd.docker.raw-stream'): HijackedStream {
      if (upgrade) {
        const socket = upgrade.socket as Socket;
        socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
        if (rest.length) socket.unshift(rest);
        socket.setNoDelay?.(true);
        return { input: socket, output: socket, close: () => socket.end() };
      }
      res!.writeHead(200, { 'Content-Type': contentType });
      res!.flushHeaders();
      return { input: req, output: res!, close: () => res!.end() };
    },
    json(status: number, value: unknown): void {
      const body = JSON.stringify(value);
      res!.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res!.end(body);
    },
    noContent(status = 204): void {
      res!.writeHead(status);
      res!.end();
    },
  };
}

export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/** Docker's boolean query values: "1", "true", "True" are true. */
export function queryBool(q: URLSearchParams, key: string, dflt = false): boolean {
  const v = q.get(key);
  if (v === null || v === '') return dflt;
  return v === '1' || v.toLowerCase() === 'true';
}

export function queryInt(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid value for ${key}: ${v}`);
  return n;
}

/** The `filters` query parameter: {"status":["running"]} or the old {"status":{"running":true}}. */
export function queryFilters(q: URLSearchParams): Map<string, string[]> {
  const raw = q.get('filters');
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidArgumentError(`invalid filter: ${raw}`);
  for (const [k, v] of Object.entries(parsed)) {
    if (Array.isArray(v)) out.set(k, v.map(String));
    else if (typeof v === 'object' && v !== null) out.set(k, Object.keys(v).filter((x) => (v as Record<string, unknown>)[x]));
    else throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  return out;
}
