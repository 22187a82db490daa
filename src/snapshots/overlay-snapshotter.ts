/**
 * Snapshots as overlayfs directories (containerd's overlay snapshotter).
 *
 * Layout under root:
 *   metadata.json              snapshot-metadata.ts (kind, parent, labels, id)
 *   snapshots/<id>/fs          the snapshot's own files: upperdir while active,
 *                              one lowerdir of its children once committed
 *   snapshots/<id>/work        overlay workdir while active
 * Ids are short decimal numbers, because every lowerdir path of a chain goes
 * into one mount option string; see src/host/mount.ts for the page limit and
 * the relative-path fallback (about 400 layers; Docker allows 128).
 *
 * Mounts handed out:
 *   active, no parent     bind fs, rw
 *   active with parents   overlay lowerdir=<chain, nearest first>,upperdir=fs,workdir=work
 *   view, no parent       bind own (empty) fs, ro
 *   view, one parent      bind parent's fs, ro
 *   view, several         overlay lowerdir=<chain> (no upperdir: read-only)
 * Overlay features that change what lands in upperdir (index, metacopy,
 * redirect_dir) are switched off when the kernel enables them by default,
 * so an upper dir always holds whole files that diff and pack can read.
 *
 * Crash safety: a new snapshot's directory is made before its metadata is
 * written, and a removed one's metadata is written before its directory is
 * deleted, so a crash leaves at worst a directory no record names. init()
 * (and cleanup()) delete those, after unmounting anything left mounted in
 * them, and sweep metadata temp files. All changes run under one mutex.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  isErrno,
} from '../errors.js';
import { listMounts, mountPointsUnder, unmountTree } from '../host/mount.js';
import { sweepTempFiles } from '../storage/atomic-write.js';
import { Mutex } from '../storage/mutex.js';
import { diskUsage } from './disk-usage.js';
import { SnapshotMetadata, type SnapshotRecord } from './snapshot-metadata.js';
import type { CommitOptions, Mount, SnapshotInfo, SnapshotKind, Snapshotter } from './types.js';

const OVERLAY_FEATURES_OFF = ['index', 'metacopy', 'redirect_dir'];

export class OverlaySnapshotter implements Snapshotter {
  readonly #root: string;
  readonly #dirs: string;
  readonly #meta: SnapshotMetadata;
  readonly #lock = new Mutex();
  #overlayExtras: string[] = [];
  #ready = false;

  constructor(root: string) {
    this.#root = path.resolve(root);
    this.#dirs = path.join(this.#root, 'snapshots');
    this.#meta = new SnapshotMetadata(path.join(this.#root, 'metadata.json'));
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.#dirs, { recursive: true, mode: 0o700 });
    await this.#meta.load();
    this.#overlayExtras = await overlayExtras();
    this.#ready = true;
    await this.cleanup();
  }

  /** Deletes directories no snapshot record names (leftovers of a crash) and metadata temp files. */
  async cleanup(): Promise<number> {
    this.#check();
    return this.#lock.run(async () => {
      await sweepTempFiles(this.#root);
      const known = this.#meta.ids();
      let removed = 0;
      for (const entry of await fsp.readdir(this.#dirs)) {
        if (/^[1-9]\d*$/.test(entry) && known.has(Number(entry))) continue;
        const dir = path.join(this.#dirs, entry);
        // rm -r crosses mount points; a leftover must never take a mounted tree with it.
        await unmountTree(dir, { detach: true });
        await fsp.rm(dir, { recursive: true, force: true });
        removed++;
      }
      return removed;
    });
  }

  prepare(key: string, parent?: string, labels: Record<string, string> = {}): Promise<Mount[]> {
    return this.#create('active', key, parent, labels);
  }

  view(key: string, parent?: string): Promise<Mount[]> {
    return this.#create('view', key, parent, {});
  }

  async mounts(key: string): Promise<Mount[]> {
    this.#check();
    const rec = this.#get(key);
    if (rec.kind === 'committed') throw new FailedPreconditionError(`snapshot ${key} is committed: it has no mounts`);
    return this.#mountsFor(rec);
  }

  commit(name: string, key: string, opts: CommitOptions = {}): Promise<void> {
    this.#check();
    validKey(name);
    return this.#lock.run(async () => {
      const rec = this.#get(key);
      if (rec.kind !== 'active') throw new FailedPreconditionError(`snapshot ${key} is ${rec.kind}, not active: it cannot be committed`);
      if (this.#meta.get(name)) throw new AlreadyExistsError(`snapshot ${name} already exists`);
      const next: SnapshotRecord = { ...rec, kind: 'committed', created: new Date().toISOString() };
      if (opts.parent !== undefined && opts.parent !== rec.parent) {
        this.#committedParent(opts.parent);
        // Overlay keeps copy-up state of a mounted upper (and its workdir) relative to the lowers it was mounted on.
        if (await this.#inUse(this.#dir(rec.id))) throw new FailedPreconditionError(`cannot commit snapshot ${key} on another parent: it is mounted`);
        next.parent = opts.parent;
      }
      await this.#meta.update((s) => {
        delete s[key];
        s[name] = next;
      });
    });
  }

  remove(key: string): Promise<void> {
    this.#check();
    return this.#lock.run(async () => {
      const rec = this.#get(key);
      const children = this.#meta.children(key);
      if (children.length > 0) {
        throw new FailedPreconditionError(`cannot remove snapshot ${key}: it has ${children.length} child snapshot(s)`);
      }
      const dir = this.#dir(rec.id);
      if (await this.#inUse(dir)) throw new FailedPreconditionError(`cannot remove snapshot ${key}: it is mounted`);
      await this.#meta.update((s) => {
        delete s[key];
      });
      // The record is gone; if deleting fails the directory is an orphan that cleanup() retries.
      await fsp.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    });
  }

  async stat(key: string): Promise<SnapshotInfo> {
    this.#check();
    return info(key, this.#get(key));
  }

  async usage(key: string): Promise<{ size: number; inodes: number }> {
    this.#check();
    return diskUsage(this.#fs(this.#get(key).id));
  }

  async walk(): Promise<SnapshotInfo[]> {
    this.#check();
    return this.#meta
      .entries()
      .map(([k, r]) => info(k, r))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async upperDir(key: string): Promise<string> {
    this.#check();
    const rec = this.#get(key);
    if (rec.kind === 'view') throw new FailedPreconditionError(`snapshot ${key} is a view: it has no directory of its own to write`);
    return this.#fs(rec.id);
  }

  async lowerDirs(key: string): Promise<string[]> {
    this.#check();
    return this.#chain(this.#get(key));
  }

  async #create(kind: SnapshotKind, key: string, parent: string | undefined, labels: Record<string, string>): Promise<Mount[]> {
    this.#check();
    validKey(key);
    return this.#lock.run(async () => {
      if (this.#meta.get(key)) throw new AlreadyExistsError(`snapshot ${key} already exists`);
      if (parent !== undefined) this.#committedParent(parent);
      const id = this.#meta.nextId();
      const dir = this.#dir(id);
      await fsp.rm(dir, { recursive: true, force: true }); // an orphan that reused this id
      await fsp.mkdir(path.join(dir, 'fs'), { recursive: true, mode: 0o755 });
      if (kind === 'active') await fsp.mkdir(path.join(dir, 'work'), { mode: 0o700 });
      const rec: SnapshotRecord = { id, kind, created: new Date().toISOString(), labels: { ...labels } };
      if (parent !== undefined) rec.parent = parent;
      try {
        await this.#meta.update((s) => void (s[key] = rec), { consumeId: true });
      } catch (err) {
        await fsp.rm(dir, { recursive: true, force: true });
        throw err;
      }
      return this.#mountsFor(rec);
    });
  }

  #mountsFor(rec: SnapshotRecord): Mount[] {
    const chain = this.#chain(rec);
    const own = this.#fs(rec.id);
    if (rec.kind === 'active') {
      if (chain.length === 0) return [{ type: 'bind', source: own, options: ['rbind', 'rw'] }];
      const options = [`lowerdir=${chain.join(':')}`, `upperdir=${own}`, `workdir=${path.join(this.#dir(rec.id), 'work')}`];
      return [{ type: 'overlay', source: 'overlay', options: [...options, ...this.#overlayExtras] }];
    }
    if (chain.length <= 1) return [{ type: 'bind', source: chain[0] ?? own, options: ['rbind', 'ro'] }];
    return [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${chain.join(':')}`, ...this.#overlayExtras] }];
  }

  /** The fs dirs of rec's committed ancestors, nearest first. */
  #chain(rec: SnapshotRecord): string[] {
    const out: string[] = [];
    for (let name = rec.parent; name !== undefined; ) {
      const p = this.#meta.get(name);
      if (!p) throw new NotFoundError(`parent snapshot ${name} does not exist`);
      out.push(this.#fs(p.id));
      name = p.parent;
    }
    return out;
  }

  /** Mounted inside, or some overlay uses it as upper/work dir. */
  async #inUse(dir: string): Promise<boolean> {
    if ((await mountPointsUnder(dir)).length > 0) return true;
    const prefix = dir + '/';
    return (await listMounts()).some(
      (m) => m.fsType === 'overlay' && m.superOptions.some((o) => /^(upperdir|workdir)=/.test(o) && o.slice(o.indexOf('=') + 1).startsWith(prefix)),
    );
  }

  /** NotFoundError / InvalidArgumentError unless parent is a committed snapshot. */
  #committedParent(parent: string): void {
    const p = this.#meta.get(parent);
    if (!p) throw new NotFoundError(`parent snapshot ${parent} does not exist`);
    if (p.kind !== 'committed') throw new InvalidArgumentError(`parent snapshot ${parent} is ${p.kind}, not committed`);
  }

  #get(key: string): SnapshotRecord {
    const rec = this.#meta.get(key);
    if (!rec) throw new NotFoundError(`snapshot ${key} does not exist`);
    return rec;
  }

  #dir(id: number): string {
    return path.join(this.#dirs, String(id));
  }

  #fs(id: number): string {
    return path.join(this.#dirs, String(id), 'fs');
  }

  #check(): void {
    if (!this.#ready) throw new FailedPreconditionError('overlay snapshotter used before init()');
  }
}

function info(name: string, r: SnapshotRecord): SnapshotInfo {
  const out: SnapshotInfo = { name, kind: r.kind, created: r.created, labels: { ...r.labels } };
  if (r.parent !== undefined) out.parent = r.parent;
  return out;
}

function validKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new InvalidArgumentError('snapshot key must not be empty');
}

/** "<feature>=off" for each upper-dir-changing overlay feature the kernel turns on by default. */
async function overlayExtras(): Promise<string[]> {
  const out: string[] = [];
  for (const f of OVERLAY_FEATURES_OFF) {
    try {
      const v = (await fsp.readFile(`/sys/module/overlay/parameters/${f}`, 'utf8')).trim();
      if (v === 'Y' || v === 'on') out.push(`${f}=off`);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  return out;
}
