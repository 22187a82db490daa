/**
 * Which mounts a new container gets, in Docker's order of precedence
 * (daemon/volumes.go registerMountPoints, create_unix.go):
 *
 *   1. --volumes-from: every volume and bind of the other container (":ro"
 *      makes them read-only; their data is never copied again)
 *   2. HostConfig.Binds (-v), replacing a volumes-from mount at the same path
 *   3. HostConfig.Mounts (--mount)
 *   4. Config.Volumes (image VOLUME, -v /path): an anonymous volume for each
 *      path nothing above (nor a --tmpfs) already mounts
 *
 * The same destination twice among Binds, Mounts and --tmpfs is Docker's
 * "Duplicate mount point" error. Pure: the other containers come from
 * `lookup`; volumes are created later, by ContainerMounts.
 */
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import type { MountWire } from '../api/types/container-wire.js';
import { cleanPath, parseBind, parseMount, parseVolumesFrom, type MountRequest } from './mount-spec.js';
import { LOCAL_DRIVER, type MountPoint } from './volume.js';

export interface PlanInput {
  binds?: readonly string[] | null;
  mounts?: readonly MountWire[] | null;
  volumesFrom?: readonly string[] | null;
  /** Config.Volumes keys (image VOLUME merged with the request's). */
  configVolumes?: readonly string[];
  /** HostConfig.Tmpfs destinations. */
  tmpfs?: readonly string[];
  /** HostConfig.VolumeDriver: the driver of volumes made for Binds and Config.Volumes ("" = local). */
  volumeDriver?: string;
  /** Another container's ID and mounts, by name or ID; throws NotFoundError when there is none. */
  lookup: (ref: string) => { id: string; mounts: readonly MountPoint[] };
}

/** A planned mount; `shared` marks one taken from another container (its volume must already exist). */
export interface PlannedMount extends MountRequest {
  shared?: boolean;
}

function duplicate(dest: string): InvalidArgumentError {
  return new InvalidArgumentError(`Duplicate mount point: ${dest}`);
}

export function planMounts(input: PlanInput): PlannedMount[] {
  const byDest = new Map<string, PlannedMount>();
  const tmpfs = new Set((input.tmpfs ?? []).map(cleanPath));

  for (const spec of input.volumesFrom ?? []) {
    const { container, readOnly } = parseVolumesFrom(spec);
    let other: { id: string; mounts: readonly MountPoint[] };
    try {
      other = input.lookup(container);
    } catch (err) {
      if (err instanceof NotFoundError) throw new InvalidArgumentError(err.message, { cause: err });
      throw err;
    }
    for (const m of other.mounts) {
      if (m.type === 'tmpfs') continue; // a tmpfs belongs to its container alone
      const point: MountPoint = { ...m, rw: m.rw && !readOnly, copyData: false, mode: '' };
      delete point.createSource;
      byDest.set(point.destination, { point, shared: true });
    }
  }

  const explicit = new Set<string>();
  for (const raw of input.binds ?? []) {
    if (typeof raw !== 'string') throw new InvalidArgumentError('HostConfig.Binds must be an array of strings');
    const req = parseBind(raw);
    if (req.volume && input.volumeDriver) {
      req.volume.driver = input.volumeDriver;
      req.point.driver = input.volumeDriver;
    }
    const dest = req.point.destination;
    if (explicit.has(dest) || tmpfs.has(dest)) throw duplicate(dest);
    explicit.add(dest);
    byDest.set(dest, req);
  }
  for (const m of input.mounts ?? []) {
    const req = parseMount(m);
    const dest = req.point.destination;
    if (explicit.has(dest) || tmpfs.has(dest)) throw duplicate(dest);
    explicit.add(dest);
    byDest.set(dest, req);
  }

  for (const spec of input.configVolumes ?? []) {
    if (!spec.startsWith('/')) {
      throw new InvalidArgumentError(`invalid mount config for type "volume": invalid mount path: '${spec}' mount path must be absolute`);
    }
    const dest = cleanPath(spec);
    if (dest === '/') throw new InvalidArgumentError(`invalid mount config for type "volume": invalid specification: destination can't be '/'`);
    if (byDest.has(dest) || tmpfs.has(dest)) continue; // not an error: the image's VOLUME may meet a -v
    byDest.set(dest, {
      point: { type: 'volume', name: '', source: '', destination: dest, driver: input.volumeDriver || LOCAL_DRIVER, mode: '', rw: true, propagation: '', copyData: true },
      volume: { driver: input.volumeDriver || LOCAL_DRIVER },
    });
  }
  return [...byDest.values()];
}
