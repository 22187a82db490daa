/**
 * Volume endpoints of the Engine API (/volumes/…), one method per call,
 * named as docker's Go client names them (VolumeCreate, VolumeList, …).
 */
import type { Transport } from './transport.js';
import type { Filters } from './types.js';

/** A volume as GET /volumes/{name} answers (printed whole by `volume inspect`). */
export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: string;
  UsageData?: { Size: number; RefCount: number } | null;
  [k: string]: unknown;
}

/** Body of POST /volumes/create. */
export interface VolumeCreateOptions {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

export interface VolumeListResponse {
  Volumes: Volume[] | null;
  Warnings: string[] | null;
}

export interface VolumePruneResponse {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
}

const name = (s: string): string => encodeURIComponent(s);
const encodeFilters = (f: Filters | undefined): string | undefined =>
  f !== undefined && Object.keys(f).length > 0 ? JSON.stringify(f) : undefined;

export class VolumesApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  create(options: VolumeCreateOptions): Promise<Volume> {
    return this.#t.json({ method: 'POST', path: '/volumes/create', json: options });
  }

  async list(filters?: Filters): Promise<VolumeListResponse> {
    const r = await this.#t.json<VolumeListResponse>({ method: 'GET', path: '/volumes', query: { filters: encodeFilters(filters) } });
    return { Volumes: r.Volumes ?? [], Warnings: r.Warnings ?? [] };
  }

  inspect(volume: string): Promise<Volume> {
    return this.#t.json({ method: 'GET', path: `/volumes/${name(volume)}` });
  }

  async remove(volume: string, options: { force?: boolean } = {}): Promise<void> {
    await this.#t.empty({ method: 'DELETE', path: `/volumes/${name(volume)}`, query: { force: options.force || undefined } });
  }

  prune(filters: Filters = {}): Promise<VolumePruneResponse> {
    return this.#t.json({ method: 'POST', path: '/volumes/prune', query: { filters: encodeFilters(filters) } });
  }
}
