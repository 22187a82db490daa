/**
 * ContainerMounts: the container lifecycle's one collaborator for mounts.
 * ContainerService calls it at four points and keeps the returned mount
 * points in the container record:
 *
 *   create   plan the mounts (mount-plan.ts), check --mount bind sources,
 *            create or reference each volume → MountPoint[] for the record.
 *            On any failure, what it created or referenced is undone.
 *   start    create missing -v bind sources, activate volumes (mounting
 *            tmpfs/bind-typed ones), seed empty volumes from the image once
 *            → bind and tmpfs inputs for the OCI spec.
 *   stop     (exit path) deactivate: the last user unmounts a mounted volume.
 *   remove   drop the references; with -v (or --rm) remove the container's
 *            anonymous volumes unless another container still uses them.
 *
 * At daemon start, restore() rebuilds references and activations from the
 * records of all containers, before any of them is recovered.
 */
import { promises as fs } from 'node:fs';
import { BerthError, ConflictError, InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import type { BindInput } from '../runtime/spec/types.js';
import { planMounts, type PlanInput } from './mount-plan.js';
import { seedVolume } from './volume-seed.js';
import type { VolumeService } from './volume-service.js';
import type { MountPoint } from './volume.js';

/** What the mounts code needs of a container record. */
export interface MountHolder {
  id: string;
  mounts?: MountPoint[];
}

/** The spec inputs a start produces. */
export interface StartedMounts {
  binds: BindInput[];
  /** Destination → tmpfs mount data. */
  tmpfs: Record<string, string>;
}

export class ContainerMounts {
  constructor(readonly volumes: VolumeService) {}

  /** Resolves a new container's mounts; volumes it needs exist and are referenced by `id` afterwards. */
  async create(id: string, input: PlanInput): Promise<MountPoint[]> {
    const plan = planMounts(input);
    for (const req of plan) {
      if (req.sourceMustExist && !(await exists(req.point.source))) {
        throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${req.point.source}`);
      }
    }
    const created: string[] = [];
    const referenced: string[] = [];
    const out: MountPoint[] = [];
    try {
      for (const req of plan) {
        const point: MountPoint = { ...req.point };
        if (point.type === 'volume') {
          if (req.shared) {
            await this.volumes.reference(point.name!, id);
          } else {
            const anonymous = !point.name;
            const { volume, created: isNew } = await this.volumes.create({
              ...(point.name ? { name: point.name } : {}),
              driver: req.volume?.driver ?? '',
              driverOpts: req.volume?.driverOpts ?? null,
              labels: req.volume?.labels ?? null,
              ref: id,
            });
            if (isNew) created.push(volume.name);
            point.name = volume.name;
            point.driver = volume.driver;
            if (anonymous) point.anonymous = true;
          }
          referenced.push(point.name!);
          point.source = this.volumes.mountpoint(point.name!);
        }
        out.push(point);
      }
    } catch (err) {
      for (const name of referenced) this.volumes.release(name, id);
      for (const name of created) await this.volumes.remove(name, { force: true }).catch(() => undefined);
      throw err;
    }
    return out;
  }

  /** Prepares every mount for a start of the container whose root is mounted at `rootfs`. */
  async start(c: MountHolder, rootfs: string): Promise<StartedMounts> {
    const binds: BindInput[] = [];
    const tmpfs: Record<string, string> = {};
    try {
      for (const m of c.mounts ?? []) {
        if (m.type === 'tmpfs') {
          tmpfs[m.destination] = m.tmpfsData ?? '';
          continue;
        }
        let source = m.source;
        if (m.type === 'bind') {
          await ensureBindSource(m);
        } else {
          source = await this.volumes.activate(m.name!, c.id);
          this.volumes.events.emit('event', { type: 'volume', action: 'mount', id: m.name, attributes: { driver: m.driver ?? 'local', container: c.id, destination: m.destination, 'read/write': String(m.rw), propagation: m.propagation } });
          if (m.copyData) {
            await this.volumes.withVolumeLock(m.name!, () => seedVolume(rootfs, m.destination, source));
            m.copyData = false; // once: the record is saved when the start completes
          }
        }
        binds.push({
          source,
          destination: m.destination,
          readonly: !m.rw,
          ...(m.propagation ? { propagation: m.propagation } : {}),
          ...(m.nonRecursive ? { nonRecursive: true } : {}),
        });
      }
    } catch (err) {
      await this.stop(c).catch(() => undefined);
      throw err;
    }
    return { binds, tmpfs };
  }

  /** The container's task is gone: its volumes are no longer active for it. */
  async stop(c: MountHolder): Promise<void> {
    for (const m of c.mounts ?? []) {
      if (m.type !== 'volume' || !m.name) continue;
      await this.volumes.deactivate(m.name, c.id);
      this.volumes.events.emit('event', { type: 'volume', action: 'unmount', id: m.name, attributes: { driver: m.driver ?? 'local', container: c.id } });
    }
  }

  /** The container is being removed; `removeAnonymous` for rm -v and AutoRemove. */
  async remove(c: MountHolder, removeAnonymous: boolean): Promise<void> {
    for (const m of c.mounts ?? []) {
      if (m.type !== 'volume' || !m.name) continue;
      this.volumes.release(m.name, c.id);
      if (!removeAnonymous || !m.anonymous) continue;
      try {
        await this.volumes.remove(m.name);
      } catch (err) {
        // Still used by another container (--volumes-from), or already gone: not this removal's business.
        if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
      }
    }
  }

  /** Daemon start: every container's references, and activations of those recorded as running. */
  async restore(containers: ReadonlyArray<MountHolder & { running: boolean }>): Promise<void> {
    await this.volumes.restore(
      containers.map((c) => ({
        ref: c.id,
        running: c.running,
        volumes: (c.mounts ?? []).filter((m) => m.type === 'volume' && m.name).map((m) => m.name!),
      })),
    );
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
}

/** -v creates a missing host directory (0755, as Docker); --mount requires the source to be there. */
async function ensureBindSource(m: MountPoint): Promise<void> {
  if (await exists(m.source)) return;
  if (!m.createSource) {
    throw new BerthError(`invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
  }
  try {
    await fs.mkdir(m.source, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new BerthError(`error while creating mount source path '${m.source}': ${(err as Error).message}`, { cause: err });
  }
}
