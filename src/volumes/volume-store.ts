/**
 * LocalVolumeStore: the local driver's volumes on disk.
 *
 *   <data-root>/volumes/<name>/volume.json   the record (atomic write)
 *   <data-root>/volumes/<name>/_data         the data containers see
 *
 * Lifecycle of a volume directory, crash-safe at every step:
 *   create: made whole under a temp name (`.tmp-…`: record + _data), then
 *           renamed to <name> in one step and the parent fsynced; a crash
 *           leaves only a temp dir, which init() sweeps.
 *   remove: renamed to a temp name first (gone for readers at once), then
 *           deleted; only after checking nothing is mounted beneath it, so a
 *           bind-mounted host directory can never be deleted through it.
 *   init:   sweeps temp dirs, reads every record; a directory with _data but
 *           no record (made by hand or by an older layout) is adopted as a
 *           plain volume, as Docker's local driver does.
 *
 * Names are validated before any path is built (validateVolumeName), so a
 * volume directory is always a direct child of the volumes root.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BerthError, isErrno } from '../errors.js';
import { mountPointsUnder, unmount } from '../host/mount.js';
import { TEMP_PREFIX, fsyncDir, readJsonIfExists, sweepTempFiles, writeJsonAtomic } from '../storage/atomic-write.js';
import { isValidVolumeName, LOCAL_DRIVER, rfc3339Seconds, validateVolumeName, type VolumeRecord } from './volume.js';

const RECORD = 'volume.json';
export const DATA_DIR = '_data';

export class LocalVolumeStore {
  readonly root: string;
  readonly #records = new Map<string, VolumeRecord>();

  /** `root` is <data-root>/volumes. */
  constructor(root: string) {
    this.root = root;
  }

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o701 });
    for (const entry of await fs.readdir(this.root)) {
      const dir = path.join(this.root, entry);
      if (entry.startsWith(TEMP_PREFIX)) {
        await removeUnmounted(dir).catch(() => undefined); // a half-made or half-removed volume
        continue;
      }
      if (!isValidVolumeName(entry)) continue;
      await sweepTempFiles(dir);
      const rec = await readJsonIfExists<VolumeRecord>(path.join(dir, RECORD));
      if (rec) {
        this.#records.set(rec.name, rec);
        continue;
      }
      const st = await fs.stat(path.join(dir, DATA_DIR)).catch(() => undefined);
      if (st?.isDirectory()) {
        this.#records.set(entry, { name: entry, driver: LOCAL_DRIVER, createdAt: rfc3339Seconds(st.ctime), labels: null, options: null });
      }
    }
  }

  dir(name: string): string {
    return path.join(this.root, name);
  }

  /** The host path containers mount: <root>/<name>/_data. */
  dataPath(name: string): string {
    return path.join(this.root, name, DATA_DIR);
  }

  get(name: string): VolumeRecord | undefined {
    return this.#records.get(name);
  }

  list(): VolumeRecord[] {
    return [...this.#records.values()];
  }

  /** Makes a new volume; the caller checked that the name is free. */
  async create(rec: Omit<VolumeRecord, 'createdAt'>): Promise<VolumeRecord> {
    validateVolumeName(rec.name);
    const full: VolumeRecord = { ...rec, createdAt: rfc3339Seconds(new Date()) };
    const tmp = path.join(this.root, `${TEMP_PREFIX}vol-${randomBytes(6).toString('hex')}`);
    try {
      await fs.mkdir(tmp, { mode: 0o701 });
      await fs.mkdir(path.join(tmp, DATA_DIR), { mode: 0o755 });
      await fs.chmod(path.join(tmp, DATA_DIR), 0o755); // the daemon's umask must not narrow it
      await writeJsonAtomic(path.join(tmp, RECORD), full);
      await fs.rename(tmp, this.dir(rec.name));
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true });
      if (isErrno(err, 'ENOTEMPTY') || isErrno(err, 'EEXIST')) {
        throw new BerthError(`create ${rec.name}: volume already exists under ${this.dir(rec.name)}`, { cause: err });
      }
      throw err;
    }
    await fsyncDir(this.root);
    this.#records.set(full.name, full);
    return full;
  }

  /** Deletes the volume and its data. Throws if something is still mounted inside it. */
  async remove(name: string): Promise<void> {
    if (!this.#records.has(name)) return;
    const dir = this.dir(name);
    const mounted = await mountPointsUnder(dir);
    if (mounted.length > 0) throw new BerthError(`remove ${name}: volume data is still mounted at ${mounted[0]}`);
    const tmp = path.join(this.root, `${TEMP_PREFIX}rm-${randomBytes(6).toString('hex')}`);
    try {
      await fs.rename(dir, tmp);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    this.#records.delete(name);
    await fsyncDir(this.root);
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** rm -rf, but never through a mount: anything mounted beneath is unmounted first, or nothing is removed. */
async function removeUnmounted(dir: string): Promise<void> {
  for (const p of await mountPointsUnder(dir)) await unmount(p, { detach: true });
  if ((await mountPointsUnder(dir)).length > 0) return;
  await fs.rm(dir, { recursive: true, force: true });
}
