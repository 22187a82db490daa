/**
 * System endpoints: /_ping, /version, /info, /events (client/events.ts).
 * Disk use: /system/df and /build/prune. Registry login: /auth.
 */
import { goJsonStringify } from '../../units/go-json.js';
import { requestEvents, type EventMessage, type EventsQuery } from './events.js';
import { encodeFilters } from './networks.js';
import { readBody, type Transport } from './transport.js';
import type { AuthenticateResponse, ContainerSummary, Filters, ImageSummary, InfoResponse, RegistryAuthConfig, VersionResponse } from './types.js';
import type { Volume } from './volumes.js';

export interface PingResult {
  apiVersion?: string;
  osType?: string;
  body: string;
}

/** The kinds GET /system/df can be asked about (`?type=`); none asked means all. */
export type DiskUsageObject = 'container' | 'image' | 'volume' | 'build-cache';

/** One build cache record of GET /system/df (moby's build.CacheRecord). */
export interface BuildCacheRecord {
  ID: string;
  /** Deprecated in API 1.42 for Parents, still read when Parents is empty. */
  Parent?: string;
  Parents?: string[] | null;
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  /** RFC 3339, as Go's time.Time marshals. */
  CreatedAt: string;
  LastUsedAt?: string | null;
  UsageCount: number;
}

/**
 * GET /system/df, with the kinds not asked about (or sent as null) as empty
 * lists. Containers come with SizeRw, volumes with UsageData.
 */
export interface DiskUsage {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: ContainerSummary[];
  Volumes: Volume[];
  BuildCache: BuildCacheRecord[];
}

/** `builder prune`'s choices (moby's build.CachePruneOptions, the fields API 1.45 knows). */
export interface BuildCachePruneOptions {
  /** Also the cache that is not dangling. */
  all?: boolean;
  /** Bytes of cache to keep. 0: no limit. */
  keepStorage?: number;
  filters?: Filters;
}

export interface BuildCachePruneReport {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}

export class SystemApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** GET /_ping: "OK" and the daemon's API-Version / OSType headers. */
  async ping(): Promise<PingResult> {
    const res = await this.#t.request({ method: 'GET', path: '/_ping', versioned: false });
    const body = (await readBody(res)).toString('utf8');
    const header = (k: string): string | undefined => {
      const v = res.headers[k];
      return Array.isArray(v) ? v[0] : v;
    };
    return { apiVersion: header('api-version'), osType: header('ostype'), body };
  }

  version(): Promise<VersionResponse> {
    return this.#t.json({ method: 'GET', path: '/version' });
  }

  info(): Promise<InfoResponse> {
    return this.#t.json({ method: 'GET', path: '/info' });
  }

  /** GET /system/df: disk use by kind (all kinds unless `types` names some). */
  async df(types: readonly DiskUsageObject[] = []): Promise<DiskUsage> {
    const r = await this.#t.json<Partial<Record<keyof DiskUsage, unknown>> | null>({
      method: 'GET',
      path: '/system/df',
      query: { type: types.length > 0 ? types : undefined },
    });
    const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
    return {
      LayersSize: typeof r?.LayersSize === 'number' ? r.LayersSize : 0,
      Images: list(r?.Images),
      Containers: list(r?.Containers),
      Volumes: list(r?.Volumes),
      BuildCache: list(r?.BuildCache),
    };
  }

  /**
   * POST /build/prune, with the query docker's client builds: all=1 and
   * keep-storage only when set, filters always (empty when there are none).
   */
  buildPrune(options: BuildCachePruneOptions = {}): Promise<BuildCachePruneReport> {
    const keep = options.keepStorage ?? 0;
    return this.#t.json({
      method: 'POST',
      path: '/build/prune',
      query: { all: options.all === true ? '1' : undefined, 'keep-storage': keep !== 0 ? String(Math.trunc(keep)) : undefined, filters: encodeFilters(options.filters) ?? '' },
    });
  }

  /** GET /events: the events of [since, until] and, unless until is past, live ones as they happen. */
  events(query: EventsQuery = {}): Promise<AsyncGenerator<EventMessage>> {
    return requestEvents(this.#t, query);
  }

  /**
   * POST /auth: the daemon checks the credentials against the registry.
   * A wrong password is a DaemonError with status 401.
   */
  login(auth: RegistryAuthConfig): Promise<AuthenticateResponse> {
    // As docker's json.Encoder writes it: Go field order, empty fields left out, a final newline.
    const body: RegistryAuthConfig = {};
    for (const key of ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
      if ((auth[key] ?? '') !== '') body[key] = auth[key];
    }
    return this.#t.json({ method: 'POST', path: '/auth', body: Buffer.from(`${goJsonStringify(body)}\n`), contentType: 'application/json' });
  }
}
