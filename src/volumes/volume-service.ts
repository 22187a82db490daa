/**
 * VolumeService: named and anonymous volumes, who uses them, and which are
 * mounted. One instance per daemon, built by the composition root.
 *
 * Two kinds of holder, both keyed by container ID:
 *   references  every container whose mount points name the volume, from its
 *               create to its removal. A referenced volume is "in use": `volume
 *               rm` refuses it, prune and `dangling=true` skip it.
 *   activations every running container using it. A volume whose driver
 *               options need a mount (tmpfs, bind, …) is mounted at its _data
 *               when the first activation comes, unmounted after the last.
 *
 * Neither is stored: both are rebuilt at daemon start from the container
 * records (restore), which are the truth. Volume records themselves are in
 * LocalVolumeStore. Operations on one volume run one at a time (per-name lock),
 * so a container can never reference a volume that is being removed.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { BerthError, ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { isMountPoint, mount, unmount } from '../host/mount.js';
import { diskUsage } from '../snapshots/disk-usage.js';
import { KeyedMutex } from '../storage/mutex.js';
import { localMountSpec, validateLocalOptions } from './local-driver-options.js';
import { selectPrunable, selectVolumes, type Filters } from './volume-filters.js';
import { LocalVolumeStore } from './volume-store.js';
import { ANONYMOUS_LABEL, LOCAL_DRIVER, needsMount, validateVolumeName, type VolumeRecord } from './volume.js';

export interface CreateVolumeOptions {
  /** "" or absent: an anonymous volume with a 64-hex name. */
  name?: string;
  /** "" or absent: local. */
  driver?: string;
  driverOpts?: Record<string, string> | null;
  labels?: Record<string, string> | null;
  /** Label the volume anonymous even though a name was chosen for it (a container's unnamed mount). */
  anonymous?: boolean;
  /** A holder (container ID) referenced in the same step, so no prune or rm can slip in between. */
  ref?: string;
}

export interface VolumeUsage {
  volume: VolumeRecord;
  /** Bytes under _data (-1 when it could not be measured, as Docker). */
  size: number;
  refCount: number;
}

/** A container as restore() needs it. */
export interface VolumeHolder {
  ref: string;
  volumes: string[];
  running: boolean;
}

export class VolumeService {
  readonly events = new EventEmitter();
  readonly #store: LocalVolumeStore;
  readonly #refs = new Map<string, Set<string>>();
  readonly #active = new Map<string, Set<string>>();
  readonly #mounted = new Set<string>();
  readonly #locks = new KeyedMutex();
  #pruning = false;

  /** `root` is <data-root>/volumes. */
  constructor(root: string) {
    this.#store = new LocalVolumeStore(root);
    this.events.setMaxListeners(0);
  }

  get root(): string {
    return this.#store.root;
  }

  async init(): Promise<void> {
    await this.#store.init();
    for (const v of this.#store.list()) {
      if (needsMount(v) && (await isMountPoint(this.#store.dataPath(v.name)))) this.#mounted.add(v.name);
    }
  }

  /**
   * Rebuilds references and activations from the container records. A volume
   * left mounted with no running user (a crash between mount and start) is
   * unmounted.
   */
  async restore(holders: readonly VolumeHolder[]): Promise<void> {
    for (const h of holders) {
      for (const name of h.volumes) {
        if (!this.#store.get(name)) continue;
        add(this.#refs, name, h.ref);
        if (h.running) add(this.#active, name, h.ref);
      }
    }
    for (const name of [...this.#mounted]) {
      if (!this.#active.get(name)?.size) await this.#locks.run(name, () => this.#unmountData(name)).catch(() => undefined);
    }
  }

  /** GET /volumes/{name}; Docker's "get NAME: no such volume" when absent. */
  get(name: string): VolumeRecord {
    const v = this.#store.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return v;
  }

  tryGet(name: string): VolumeRecord | undefined {
    return this.#store.get(name);
  }

  /** The host path containers mount. */
  mountpoint(name: string): string {
    return this.#store.dataPath(name);
  }

  list(filters: Filters = new Map()): VolumeRecord[] {
    return selectVolumes(this.#store.list(), filters, (n) => this.isReferenced(n));
  }

  /** IDs of the containers referencing the volume. */
  refs(name: string): string[] {
    return [...(this.#refs.get(name) ?? [])];
  }

  isReferenced(name: string): boolean {
    return (this.#refs.get(name)?.size ?? 0) > 0;
  }

  /**
   * POST /volumes/create. A name that exists returns that volume unchanged
   * (labels and options of the request are ignored, as Docker does).
   */
  async create(o: CreateVolumeOptions = {}): Promise<{ volume: VolumeRecord; created: boolean }> {
    const anonymous = !o.name || o.anonymous === true;
    const name = o.name || randomBytes(32).toString('hex');
    validateVolumeName(name);
    const driver = o.driver || LOCAL_DRIVER;
    if (driver !== LOCAL_DRIVER) {
      throw new NotFoundError(`create ${name}: error looking up volume plugin ${driver}: plugin ${JSON.stringify(driver)} not found`);
    }
    return this.#locks.run(name, async () => {
      const existing = this.#store.get(name);
      if (existing) {
        if (o.ref) add(this.#refs, name, o.ref);
        return { volume: existing, created: false };
      }
      try {
        validateLocalOptions(o.driverOpts);
      } catch (err) {
        throw new InvalidArgumentError(`create ${name}: ${(err as Error).message}`, { cause: err });
      }
      const labels = anonymous ? { ...(o.labels ?? {}), [ANONYMOUS_LABEL]: '' } : (o.labels ?? null);
      const volume = await this.#store.create({ name, driver, labels, options: o.driverOpts ?? null });
      if (o.ref) add(this.#refs, name, o.ref);
      this.events.emit('event', { type: 'volume', action: 'create', id: name, attributes: { driver: volume.driver } });
      return { volume, created: true };
    });
  }

  /** Adds a holder to an existing volume (a container created with --volumes-from). */
  async reference(name: string, ref: string): Promise<VolumeRecord> {
    return this.#locks.run(name, async () => {
      const v = this.get(name);
      add(this.#refs, name, ref);
      return v;
    });
  }

  release(name: string, ref: string): void {
    drop(this.#refs, name, ref);
  }

  /** DELETE /volumes/{name}. force only forgives a missing volume; a volume in use is never removed. */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.#locks.run(name, async () => {
      if (!this.#store.get(name)) {
        if (opts.force) return;
        throw new NotFoundError(`get ${name}: no such volume`);
      }
      const refs = this.refs(name);
      if (refs.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${refs.join(', ')}]`);
      const driver = this.#store.get(name)!.driver;
      await this.#unmountData(name);
      await this.#store.remove(name);
      this.#refs.delete(name);
      this.events.emit('event', { type: 'volume', action: 'destroy', id: name, attributes: { driver } });
    });
  }

  /** POST /volumes/prune: removes unused local volumes (anonymous ones unless all=true). */
  async prune(filters: Filters = new Map(), apiVersion?: string): Promise<{ deleted: string[]; reclaimed: number }> {
    if (this.#pruning) throw new ConflictError('a prune operation is already running');
    this.#pruning = true;
    try {
      const candidates = selectPrunable(this.#store.list(), filters, (n) => this.isReferenced(n), apiVersion);
      const deleted: string[] = [];
      let reclaimed = 0;
      for (const v of candidates) {
        const size = await this.size(v.name);
        try {
          await this.remove(v.name);
        } catch {
          continue; // taken meanwhile: not an error for a prune
        }
        deleted.push(v.name);
        reclaimed += Math.max(0, size);
      }
      this.events.emit('event', { type: 'volume', action: 'prune', id: '', reclaimed });
      return { deleted, reclaimed };
    } finally {
      this.#pruning = false;
    }
  }

  /** Bytes under the volume's _data (Docker's directory.Size); -1 when unreadable. */
  async size(name: string): Promise<number> {
    try {
      return (await diskUsage(this.#store.dataPath(name))).size;
    } catch {
      return -1;
    }
  }

  /** For `system df`: local volumes without driver options, each with its size and reference count. */
  async diskUsage(): Promise<VolumeUsage[]> {
    const out: VolumeUsage[] = [];
    for (const v of this.#store.list()) {
      if (v.driver !== LOCAL_DRIVER || (v.options && Object.keys(v.options).length > 0)) continue;
      out.push({ volume: v, size: await this.size(v.name), refCount: this.refs(v.name).length });
    }
    return out;
  }

  /**
   * A running container starts using the volume: mounts it if its driver
   * options ask for a mount and it is not mounted yet. Returns the host path.
   */
  async activate(name: string, ref: string): Promise<string> {
    return this.#locks.run(name, async () => {
      const v = this.get(name);
      const data = this.#store.dataPath(name);
      if (needsMount(v) && !this.#mounted.has(name)) {
        const spec = localMountSpec(v.options!, this.#store.dir(name));
        try {
          await mount(spec, data);
        } catch (err) {
          throw new BerthError(`error while mounting volume '${data}': failed to mount local volume: ${(err as Error).message}`, { cause: err });
        }
        this.#mounted.add(name);
      }
      add(this.#active, name, ref);
      return data;
    });
  }

  /** The container stopped: after the last user, a mounted volume is unmounted. */
  async deactivate(name: string, ref: string): Promise<void> {
    await this.#locks.run(name, async () => {
      drop(this.#active, name, ref);
      if (!this.#active.get(name)?.size) await this.#unmountData(name);
    });
  }

  /** Runs fn under the volume's lock (seeding an empty volume must not race another seeding). */
  withVolumeLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(name, fn);
  }

  async #unmountData(name: string): Promise<void> {
    if (!this.#mounted.has(name)) return;
    const data = this.#store.dataPath(name);
    while (await isMountPoint(data)) await unmount(data);
    this.#mounted.delete(name);
  }
}

function add(m: Map<string, Set<string>>, key: string, value: string): void {
  let s = m.get(key);
  if (!s) m.set(key, (s = new Set()));
  s.add(value);
}

function drop(m: Map<string, Set<string>>, key: string, value: string): void {
  const s = m.get(key);
  if (!s) return;
  s.delete(value);
  if (s.size === 0) m.delete(key);
}
