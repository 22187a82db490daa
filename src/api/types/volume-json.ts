/**
 * Volume records → Engine API JSON (api/types/volume: Volume, ListResponse,
 * PruneReport), and the shape of POST /volumes/create's body.
 */
import type { VolumeRecord } from '../../volumes/volume.js';

/** Body of POST /volumes/create (CreateOptions). */
export interface VolumeCreateBody {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** Docker's Volume, keys in its order; UsageData only where Docker computes it (system df). */
export function volumeJson(v: VolumeRecord, mountpoint: string, usage?: { size: number; refCount: number }): Record<string, unknown> {
  return {
    CreatedAt: v.createdAt,
    Driver: v.driver,
    Labels: v.labels,
    Mountpoint: mountpoint,
    Name: v.name,
    Options: v.options,
    Scope: 'local',
    ...(usage ? { UsageData: { Size: usage.size, RefCount: usage.refCount } } : {}),
  };
}
