/**
 * Image endpoints of the Engine API (/images/…), plus Berth's one extension,
 * POST /berth/images/bootstrap (build a busybox image from the host's static
 * busybox, so a fresh machine without a registry can run containers).
 *
 * Calls that answer with a JSON message stream (pull, load, import,
 * bootstrap) return the raw response; src/cli/stream/json-message.ts
 * displays it and turns an `errorDetail` line into an error.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Transport } from './transport.js';
import type { Filters, HistoryItem, ImageDeleteItem, ImageInspect, ImagePruneResponse, ImageSummary } from './types.js';

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
}
