/**
 * Image endpoints of the Engine API (/images/…), plus Berth's one extension,
 * POST /berth/images/bootstrap (build a busybox image from the host's static
 * busybox, so a fresh machine without a registry can run containers).
 *
 * Calls that answer with a JSON message stream (pull, load, import,
 * bootstrap) return the raw response; src/cli/stream/json-message.ts
 * displays it and turns an `errorDetail` line into an error.
 */
import http, { type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { decodeErrorBody, unreachable } from './daemon-error.js';
import { encodeFilters as encodeFilterSets } from './networks.js';
import { encodeQuery, readBody, type RequestSpec, type Transport } from './transport.js';
import type { Filters, HistoryItem, ImageDeleteItem, ImageInspect, ImagePruneResponse, ImageSearchResult, ImageSummary } from './types.js';

export interface ImageListOptions {
  all?: boolean;
  digests?: boolean;
  filters?: Filters;
}

export interface ImportOptions {
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
}

/**
 * Registry calls (pull, push, search) carry the caller's credentials in the
 * X-Registry-Auth header: base64url of the JSON auth config, "e30=" ({})
 * when there are none — docker always sends the header.
 */
export interface RegistryCallOptions {
  registryAuth: string;
}

export interface RegistryPullOptions extends RegistryCallOptions {
  /** Tag or digest; undefined with all tags (`pull -a`). */
  tag?: string;
  /** os[/arch[/variant]], sent lower-cased as docker does. */
  platform?: string;
}

export interface RegistryPushOptions extends RegistryCallOptions {
  /** undefined pushes every tag of the repository (`push -a`). */
  tag?: string;
  /** An OCI platform as JSON (API 1.46+): push only that manifest of an index. */
  platform?: string;
}

export interface ImageSearchOptions extends RegistryCallOptions {
  /** 0: the daemon's default. */
  limit?: number;
  filters?: Filters;
}

const name = (s: string): string => encodeURIComponent(s);
const encodeFilters = (f: Filters | undefined): string | undefined =>
  f !== undefined && Object.keys(f).length > 0 ? JSON.stringify(f) : undefined;

export class ImagesApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  async list(options: ImageListOptions = {}): Promise<ImageSummary[]> {
    const rows = await this.#t.json<ImageSummary[] | null>({
      method: 'GET',
      path: '/images/json',
      query: { all: options.all || undefined, digests: options.digests || undefined, filters: encodeFilters(options.filters) },
    });
    return rows ?? [];
  }

  inspect(ref: string): Promise<ImageInspect> {
    return this.#t.json({ method: 'GET', path: `/images/${name(ref)}/json` });
  }

  async tag(source: string, repo: string, tag?: string): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/images/${name(source)}/tag`, query: { repo, tag } });
  }

  async remove(ref: string, options: { force?: boolean; noPrune?: boolean } = {}): Promise<ImageDeleteItem[]> {
    const items = await this.#t.json<ImageDeleteItem[] | null>({
      method: 'DELETE',
      path: `/images/${name(ref)}`,
      query: { force: options.force || undefined, noprune: options.noPrune || undefined },
    });
    return items ?? [];
  }

  async history(ref: string): Promise<HistoryItem[]> {
    return (await this.#t.json<HistoryItem[] | null>({ method: 'GET', path: `/images/${name(ref)}/history` })) ?? [];
  }

  prune(filters: Filters = {}): Promise<ImagePruneResponse> {
    return this.#t.json({ method: 'POST', path: '/images/prune', query: { filters: encodeFilters(filters) } });
  }

  /** GET /images/get?names=…: one tar holding every named image. */
  save(refs: readonly string[]): Promise<IncomingMessage> {
    return this.#t.request({ method: 'GET', path: '/images/get', query: { names: refs } });
  }

  load(tar: Readable, options: { quiet?: boolean } = {}): Promise<IncomingMessage> {
    return this.#t.request({ method: 'POST', path: '/images/load', query: { quiet: options.quiet || undefined }, body: tar });
  }

  /** POST /images/create?fromSrc=-: a root filesystem tarball becomes a one-layer image. */
  import(tar: Readable, o: ImportOptions = {}): Promise<IncomingMessage> {
    return this.#t.request({
      method: 'POST',
      path: '/images/create',
      query: { fromSrc: '-', repo: o.repo, tag: o.tag, message: o.message, changes: o.changes },
      body: tar,
    });
  }

  /** POST /images/create?fromImage=…: pull from a registry. */
  pull(repo: string, tag?: string): Promise<IncomingMessage> {
    return this.#t.request({ method: 'POST', path: '/images/create', query: { fromImage: repo, tag } });
  }

  /** Berth extension: build `name:tag` from the host's busybox-static. */
  bootstrap(imageName: string, tag: string): Promise<IncomingMessage> {
    return this.#t.request({
      method: 'POST',
      path: '/berth/images/bootstrap',
      query: { name: imageName, tag },
      versioned: false,
    });
  }

  /**
   * POST /images/create?fromImage=…: pull from a registry with credentials.
   * Query keys in docker's (sorted) order: fromImage, platform, tag.
   */
  pullFromRegistry(repo: string, o: RegistryPullOptions): Promise<IncomingMessage> {
    return requestWithRegistryAuth(this.#t, {
      method: 'POST',
      path: '/images/create',
      query: { fromImage: repo, platform: o.platform?.toLowerCase() || undefined, tag: o.tag },
    }, o.registryAuth);
  }

  /** POST /images/{name}/push[?tag=…]: the JSON message stream of the upload. */
  push(repo: string, o: RegistryPushOptions): Promise<IncomingMessage> {
    return requestWithRegistryAuth(this.#t, { method: 'POST', path: `/images/${repo}/push`, query: { platform: o.platform, tag: o.tag } }, o.registryAuth);
  }

  /** GET /images/search?filters=…&limit=…&term=…: the registry's matches. */
  async search(term: string, o: ImageSearchOptions): Promise<ImageSearchResult[]> {
    const res = await requestWithRegistryAuth(this.#t, {
      method: 'GET',
      path: '/images/search',
      query: { filters: encodeFilterSets(o.filters), limit: o.limit !== undefined && o.limit > 0 ? o.limit : undefined, term },
    }, o.registryAuth);
    const text = (await readBody(res)).toString('utf8');
    return ((text.trim() === '' ? null : JSON.parse(text)) as ImageSearchResult[] | null) ?? [];
  }
}

/**
 * Transport.request plus the X-Registry-Auth header, which a RequestSpec
 * cannot carry. A fresh connection each time (these calls are one per
 * command); the version prefix, error decoding and the "cannot connect"
 * wording are the transport's.
 */
async function requestWithRegistryAuth(t: Transport, spec: RequestSpec, registryAuth: string): Promise<IncomingMessage> {
  const path = `/v${await t.apiVersion()}${spec.path}${encodeQuery(spec.query)}`;
  const a = t.address;
  const target = a.socketPath !== undefined ? { socketPath: a.socketPath } : { host: a.hostname, port: a.port };
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const headers: Record<string, string> = { 'X-Registry-Auth': registryAuth };
    if (spec.method === 'POST') headers['Content-Length'] = '0';
    const req = http.request({ ...target, agent: false, method: spec.method, path, headers });
    req.on('response', resolve);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const codes = ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'ENOTSOCK', 'EHOSTUNREACH'];
      reject(err.code !== undefined && codes.includes(err.code) ? unreachable(a.url, err) : err);
    });
    req.end();
  });
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 400) return res;
  throw decodeErrorBody(status, res.statusMessage ?? '', (await readBody(res)).toString('utf8'));
}
