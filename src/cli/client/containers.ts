/**
 * Container endpoints of the Engine API (/containers/…, /commit).
 *
 * Thin and typed: each method is one HTTP call, names follow docker's Go
 * client (create, inspect, list, …). Streaming answers (logs, export,
 * archives) are returned as readable streams for the caller to consume.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { ContainerStatsOptions } from './stats.js';
import { readBody, type HijackedConnection, type Transport } from './transport.js';
import type {
  ContainerCreateBody,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPruneResponse,
  ContainerSummary,
  ContainerUpdateConfig,
  ContainerUpdateResponse,
  FilesystemChange,
  Filters,
  PathStat,
  TopResponse,
  WaitResponse,
} from './types.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/**
 * A pending POST /containers/{id}/wait. `accepted` settles when the daemon
 * has sent the response headers (moby flushes them once the waiter is
 * registered, so it is safe to start the container after it); `result`
 * settles with the exit status.
 */
export interface WaitHandle {
  readonly accepted: Promise<void>;
  readonly result: Promise<WaitResponse>;
}

export interface ListOptions {
  all?: boolean;
  limit?: number;
  size?: boolean;
  filters?: Filters;
}

export interface LogsOptions {
  follow?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  tail?: string;
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys?: string;
}

export interface CommitOptions {
  container: string;
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  pause?: boolean;
  changes?: string[];
}

const id = (s: string): string => encodeURIComponent(s);

export class ContainersApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  create(body: ContainerCreateBody, name?: string): Promise<ContainerCreateResponse> {
    return this.#t.json({ method: 'POST', path: '/containers/create', query: { name }, json: body });
  }

  inspect(ref: string, options: { size?: boolean } = {}): Promise<ContainerInspect> {
    return this.#t.json({ method: 'GET', path: `/containers/${id(ref)}/json`, query: { size: options.size || undefined } });
  }

  list(options: ListOptions = {}): Promise<ContainerSummary[]> {
    return this.#t.json({
      method: 'GET',
      path: '/containers/json',
      query: {
        all: options.all || undefined,
        limit: options.limit !== undefined && options.limit > 0 ? options.limit : undefined,
        size: options.size || undefined,
        filters: options.filters && Object.keys(options.filters).length > 0 ? JSON.stringify(options.filters) : undefined,
      },
    });
  }

  async start(ref: string): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/containers/${id(ref)}/start` });
  }

  async stop(ref: string, options: { timeout?: number; signal?: string } = {}): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/containers/${id(ref)}/stop`, query: { t: options.timeout, signal: options.signal } });
  }

  async restart(ref: string, options: { timeout?: number; signal?: string } = {}): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/containers/${id(ref)}/restart`, query: { t: options.timeout, signal: options.signal } });
  }

  async kill(ref: string, signal?: string): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/containers/${id(ref)}/kill`, query: { signal } });
  }

  async pause(ref: string): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/containers/${id(ref)}/pause` });
  }

  async unpause(ref: string): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/containers/${id(ref)}/unpause` });
  }

  async remove(ref: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    await this.#t.empty({
      method: 'DELETE',
      path: `/containers/${id(ref)}`,
      query: { force: options.force || undefined, v: options.volumes || undefined },
    });
  }

  wait(ref: string, condition?: WaitCondition): WaitHandle {
    const response = this.#t.request({ method: 'POST', path: `/containers/${id(ref)}/wait`, query: { condition } });
    const accepted = response.then(() => undefined);
    const result = response.then(async (res) => JSON.parse((await readBody(res)).toString('utf8')) as WaitResponse);
    // Callers may await only one of the two; keep the other from being reported as unhandled.
    accepted.catch(() => undefined);
    result.catch(() => undefined);
    return { accepted, result };
  }

  update(ref: string, config: ContainerUpdateConfig): Promise<ContainerUpdateResponse> {
    return this.#t.json({ method: 'POST', path: `/containers/${id(ref)}/update`, json: config });
  }

  async rename(ref: string, name: string): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/containers/${id(ref)}/rename`, query: { name } });
  }

  /** GET /containers/{id}/stats: newline-separated records (read them with readStatsRecords). */
  stats(ref: string, o: ContainerStatsOptions): Promise<IncomingMessage> {
    return this.#t.request({ method: 'GET', path: `/containers/${id(ref)}/stats`, query: { stream: o.stream, 'one-shot': o.oneShot || undefined } });
  }

  top(ref: string, psArgs?: string): Promise<TopResponse> {
    return this.#t.json({ method: 'GET', path: `/containers/${id(ref)}/top`, query: { ps_args: psArgs } });
  }

  logs(ref: string, o: LogsOptions): Promise<IncomingMessage> {
    return this.#t.request({
      method: 'GET',
      path: `/containers/${id(ref)}/logs`,
      query: {
        follow: o.follow || undefined,
        stdout: o.stdout ?? true,
        stderr: o.stderr ?? true,
        since: o.since,
        until: o.until,
        timestamps: o.timestamps || undefined,
        tail: o.tail,
      },
    });
  }

  attach(ref: string, o: AttachOptions): Promise<HijackedConnection> {
    return this.#t.hijack({
      method: 'POST',
      path: `/containers/${id(ref)}/attach`,
      query: { stream: true, stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, detachKeys: o.detachKeys },
    });
  }

  async resize(ref: string, height: number, width: number): Promise<void> {
    await this.#t.empty({ method: 'POST', path: `/containers/${id(ref)}/resize`, query: { h: height, w: width } });
  }

  export(ref: string): Promise<IncomingMessage> {
    return this.#t.request({ method: 'GET', path: `/containers/${id(ref)}/export` });
  }

  async changes(ref: string): Promise<FilesystemChange[]> {
    return (await this.#t.json<FilesystemChange[] | null>({ method: 'GET', path: `/containers/${id(ref)}/changes` })) ?? [];
  }

  async statPath(ref: string, path: string): Promise<PathStat> {
    const headers = await this.#t.empty({ method: 'HEAD', path: `/containers/${id(ref)}/archive`, query: { path } });
    return decodePathStat(headers['x-docker-container-path-stat']);
  }

  async getArchive(ref: string, path: string): Promise<{ stat: PathStat; stream: IncomingMessage }> {
    const res = await this.#t.request({ method: 'GET', path: `/containers/${id(ref)}/archive`, query: { path } });
    return { stat: decodePathStat(res.headers['x-docker-container-path-stat']), stream: res };
  }

  async putArchive(ref: string, path: string, tar: Readable, options: { copyUIDGID?: boolean } = {}): Promise<void> {
    await this.#t.empty({
      method: 'PUT',
      path: `/containers/${id(ref)}/archive`,
      query: { path, noOverwriteDirNonDir: 'true', copyUIDGID: options.copyUIDGID ? 'true' : undefined },
      body: tar,
    });
  }

  commit(o: CommitOptions): Promise<{ Id: string }> {
    return this.#t.json({
      method: 'POST',
      path: '/commit',
      query: {
        container: o.container,
        repo: o.repo,
        tag: o.tag,
        comment: o.comment,
        author: o.author,
        pause: o.pause ?? true,
        changes: o.changes,
      },
    });
  }

  prune(filters: Filters = {}): Promise<ContainerPruneResponse> {
    return this.#t.json({
      method: 'POST',
      path: '/containers/prune',
      query: { filters: Object.keys(filters).length > 0 ? JSON.stringify(filters) : undefined },
    });
  }
}

/** Decodes the base64 JSON stat header (absent → an empty stat). */
export function decodePathStat(header: string | string[] | undefined): PathStat {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw === '') return { name: '', size: 0, mode: 0, mtime: '', linkTarget: '' };
  return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as PathStat;
}
