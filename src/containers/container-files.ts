/**
 * A container's files from outside: `export` (flattened root as a tar),
 * `diff` (changes vs. the image), and the archive API behind `docker cp`
 * (stat, get a tar of a path, put a tar into a directory).
 *
 * Export and the archive API run on a root view and hold the container's
 * lock while they do, so a start, stop or rm cannot mount or unmount
 * underneath them:
 *   running  the live rootfs mount (what the container sees, minus the
 *            mounts made inside its own mount namespace)
 *   stopped  read: a read-only overlay of its upper dir over the image
 *            layers at a temp mount point (fsview-…); write: its own
 *            snapshot mounts there. Unmounted when done; sweepStaleViews()
 *            undoes what a crash left mounted.
 * Streams returned to the API keep the view (and the lock) until they are
 * released or close, whether they end, fail or the client goes away.
 * Diff needs no view: it compares the snapshot's directories directly.
 *
 * Paths are container paths; container-path.ts resolves them inside the root
 * with symlinks followed but clamped to it, as if the root were "/".
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { changesFromUpper } from '../archive/changes.js';
import { extractTar } from '../archive/tar-extract.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from '../archive/tar-header.js';
import { readTar } from '../archive/tar-reader.js';
import { packDirectory } from '../archive/tar-pack.js';
import { InvalidArgumentError, NotFoundError, NotImplementedError, isErrno } from '../errors.js';
import { listMounts, mountAll, unmount } from '../host/mount.js';
import type { Mount, Snapshotter } from '../snapshots/types.js';
import { isRunning, type ContainerRecord } from './container.js';
import type { ContainerService } from './container-service.js';
import { containerPathOf, goFileMode, resolveInRoot, type PathStat } from './container-path.js';

export type { PathStat } from './container-path.js';

/** Docker's Kind numbers in GET /containers/{id}/changes. */
const KIND = { C: 0, A: 1, D: 2 } as const;

/**
 * Mount points the runtime creates in a container's root when the image
 * lacks them. Docker keeps these in a separate init layer, so they never
 * show in `docker diff`; we have no such layer and leave them out instead.
 */
const RUNTIME_MOUNT_POINTS = new Set(['/.dockerenv', '/etc/resolv.conf', '/etc/hosts', '/etc/hostname', '/etc/mtab', '/dev', '/dev/console', '/dev/pts', '/dev/shm', '/dev/mqueue', '/proc', '/sys']);

const VIEW_PREFIX = 'fsview-';

interface RootView {
  root: string;
  release(): Promise<void>;
}

/**
 * A tar being read out of a container. release() unmounts the view and drops
 * the lock; call it once the tar is consumed, before telling the client it
 * ended. It also runs by itself when the stream closes, and runs once.
 */
export interface FileStream {
  tar: Readable;
  release(): Promise<void>;
}

export class ContainerFiles {
  #sweeping: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly containers: ContainerService,
    private readonly snapshotter: Snapshotter,
  ) {}

  /** `docker export`: the flattened filesystem; the view is released when the stream closes. */
  async export(idOrName: string): Promise<FileStream> {
    const c = this.containers.store.get(idOrName);
    const view = await this.#open(c, 'read');
    return releasingOnClose(packDirectory(view.root, { whiteouts: 'none' }), view);
  }

  /** `docker diff`: the container's own changes, sorted by path. */
  async changes(idOrName: string): Promise<Array<{ Path: string; Kind: 0 | 1 | 2 }>> {
    const c = this.containers.store.get(idOrName);
    const upper = await this.snapshotter.upperDir(c.snapshotKey);
    const lowers = await this.snapshotter.lowerDirs(c.snapshotKey);
    return withoutMountPoints(await changesFromUpper(upper, lowers)).map((ch) => ({ Path: ch.path, Kind: KIND[ch.kind] }));
  }

  /** HEAD /archive: what the path is, without following a final symlink. */
  async stat(idOrName: string, containerPath: string): Promise<PathStat> {
    const c = this.containers.store.get(idOrName);
    const view = await this.#open(c, 'read');
    try {
      return (await this.#statIn(view.root, idOrName, containerPath)).stat;
    } finally {
      await view.release();
    }
  }

  /** GET /archive: a tar whose top entry is the path's base name, and the path's stat. */
  async get(idOrName: string, containerPath: string): Promise<FileStream & { stat: PathStat }> {
    const c = this.containers.store.get(idOrName);
    const view = await this.#open(c, 'read');
    try {
      const { stat, host, isDir } = await this.#statIn(view.root, idOrName, containerPath);
      // "dir/." is the directory's contents under "./"; "/" is the root's contents under "/" (what the docker CLI
      // rebases for those two); anything else is one top entry named as the user named it.
      const wantsContents = isDir && /(^|\/)\.$/.test(containerPath);
      const prefix = wantsContents ? './' : stat.name === '/' ? '/' : undefined;
      const tar = prefix
        ? Readable.from(prefixed(prefix, await fs.lstat(host), packDirectory(host, { whiteouts: 'none' })), { objectMode: false })
        : packDirectory(host, { whiteouts: 'none', rebaseTo: stat.name });
      return { stat, ...releasingOnClose(tar, view) };
    } catch (err) {
      await view.release();
      throw err;
    }
  }

  /** PUT /archive: extracts a tar (plain or gzip: extractTar detects it) into the directory at containerPath. */
  async put(idOrName: string, containerPath: string, body: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
    const c = this.containers.store.get(idOrName);
    if (c.hostConfig.ReadonlyRootfs) throw new InvalidArgumentError('container rootfs is marked read-only');
    // Without -a, and with -a for a container without a user, the tar's owners are kept (as Docker does).
    if (opts.copyUIDGID && c.config.User) {
      // TODO(archive): extractTar needs an owner override to chown everything to the container's user.
      throw new NotImplementedError(`docker cp -a into a container with a user (${c.config.User}) is not supported yet`);
    }
    const view = await this.#open(c, 'write');
    try {
      const dir = await resolveInRoot(view.root, containerPath, true).catch((err: unknown) => {
        throw isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR') ? notFound(containerPath, idOrName) : err;
      });
      const st = await fs.lstat(dir).catch((err: unknown) => {
        throw isErrno(err, 'ENOENT') ? notFound(containerPath, idOrName) : err;
      });
      if (!st.isDirectory()) throw new InvalidArgumentError('extraction point is not a directory');
      // Extract relative to the container root, so symlinks in the tar or on disk resolve inside it, never outside.
      const rel = path.relative(view.root, dir);
      await extractTar(body, view.root, {
        whiteouts: 'keep',
        symlinks: 'scoped',
        sameOwner: true,
        noOverwriteDirNonDir: !!opts.noOverwriteDirNonDir,
        ...(rel ? { rebase: { from: '', to: rel } } : {}),
      });
    } finally {
      await view.release();
    }
  }

  async #statIn(root: string, idOrName: string, containerPath: string): Promise<{ stat: PathStat; host: string; isDir: boolean }> {
    const abs = path.posix.join('/', containerPath);
    // A trailing "/" or "/." asks for the directory itself, symlink or not (as lstat("dir/") does).
    const followLast = /\/\.?$/.test(containerPath) && abs !== '/';
    let host: string;
    let st;
    try {
      host = await resolveInRoot(root, abs, followLast);
      st = await fs.lstat(host);
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) throw notFound(containerPath, idOrName);
      throw err;
    }
    if (followLast && !st.isDirectory()) throw notFound(containerPath, idOrName);
    const linkTarget = st.isSymbolicLink() ? containerPathOf(root, await resolveInRoot(root, abs, true).catch(() => host)) : '';
    const name = abs === '/' ? '/' : path.posix.basename(abs);
    return {
      host,
      isDir: st.isDirectory(),
      stat: { name, size: st.size, mode: goFileMode(st), mtime: st.mtime.toISOString(), linkTarget },
    };
  }

  /** Unmounts and removes views a crash left behind (berthd died while serving a stopped container's files). */
  sweepStaleViews(): Promise<number> {
    const work = this.#sweep();
    // New views wait for the sweep, so it cannot unmount one of them.
    this.#sweeping = work.catch(() => undefined);
    return work;
  }

  async #sweep(): Promise<number> {
    const root = await fs.realpath(this.containers.store.root).catch(() => this.containers.store.root);
    const stale = (await listMounts())
      .map((m) => m.mountPoint)
      .filter((p) => p.startsWith(root + '/') && path.basename(p).startsWith(VIEW_PREFIX));
    for (const p of stale.reverse()) {
      await unmount(p, { detach: true }).catch(() => undefined);
      await fs.rmdir(p).catch(() => undefined);
    }
    return stale.length;
  }

  /** A root view of c, with c's lock held until release(). */
  async #open(c: ContainerRecord, use: 'read' | 'write'): Promise<RootView> {
    await this.#sweeping;
    const unlock = await holdLock(this.containers, c.id);
    try {
      // unlock resolves a promise: calling it twice is harmless.
      if (isRunning(c.state)) return { root: this.containers.rootfs.rootfsPath(c), release: async () => unlock() };
      const target = path.join(this.containers.store.dir(c.id), `${VIEW_PREFIX}${randomBytes(6).toString('hex')}`);
      await fs.mkdir(target, { recursive: true });
      const mounts = await this.snapshotter.mounts(c.snapshotKey);
      try {
        await mountAll(use === 'read' ? readOnlyView(mounts) : mounts, target);
      } catch (err) {
        await fs.rmdir(target).catch(() => undefined);
        throw err;
      }
      let released = false;
      return {
        root: target,
        release: async () => {
          if (released) return;
          released = true;
          try {
            await unmount(target).catch(() => unmount(target, { detach: true }));
            await fs.rmdir(target).catch(() => undefined);
          } finally {
            unlock();
          }
        },
      };
    } catch (err) {
      unlock();
      throw err;
    }
  }
}

/**
 * The snapshot's contents, read-only, without touching its upper dir as an
 * upper: the upper becomes the topmost lower, so whiteouts in it still hide
 * what they deleted, and no workdir (or second writer) is involved.
 */
export function readOnlyView(mounts: Mount[]): Mount[] {
  return mounts.map((m) => {
    if (m.type !== 'overlay') return { ...m, options: [...m.options.filter((o) => o !== 'rw'), 'ro'] };
    const upper = m.options.find((o) => o.startsWith('upperdir='))?.slice('upperdir='.length);
    const options = m.options
      .filter((o) => !o.startsWith('upperdir=') && !o.startsWith('workdir=') && o !== 'rw')
      .map((o) => (upper && o.startsWith('lowerdir=') ? `lowerdir=${upper}:${o.slice('lowerdir='.length)}` : o));
    return { ...m, options: [...options, 'ro'] };
  });
}

/**
 * Drops added runtime mount points, and a changed directory that is listed
 * only because one of them was created in it (its copy-up carries no change
 * of the user's).
 */
export function withoutMountPoints<T extends { kind: 'A' | 'C' | 'D'; path: string }>(changes: T[]): T[] {
  const dropped = changes.filter((c) => c.kind === 'A' && RUNTIME_MOUNT_POINTS.has(c.path)).map((c) => c.path);
  if (dropped.length === 0) return changes;
  const kept = changes.filter((c) => !(c.kind === 'A' && RUNTIME_MOUNT_POINTS.has(c.path)));
  const under = (dir: string, p: string) => p.startsWith(dir === '/' ? '/' : `${dir}/`);
  return kept.filter(
    (c) => c.kind !== 'C' || !dropped.some((d) => under(c.path, d)) || kept.some((o) => o !== c && under(c.path, o.path)),
  );
}

function notFound(p: string, container: string): NotFoundError {
  return new NotFoundError(`Could not find the file ${p} in container ${container}`);
}

/** Takes c's lock and keeps it until the returned function is called. */
async function holdLock(containers: ContainerService, id: string): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await new Promise<void>((acquired, failed) => {
    containers.locks.run(id, async () => {
      acquired();
      await held;
    }).catch(failed);
  });
  return release;
}

function releasingOnClose(tar: Readable, view: RootView): FileStream {
  tar.once('close', () => void view.release());
  return { tar, release: () => view.release() };
}

/**
 * The tar of a directory's contents with every name under prefix ("./" or
 * "/") and an entry for the directory itself named prefix, as Docker serves
 * "dir/." and "/": the docker CLI renames the first "." (or prepends to the
 * "/") of each name to put the tree under the destination's name.
 * TODO(archive): this re-encodes packDirectory's output; a rebaseTo of "." or
 * "/" in tar-pack would make it unnecessary.
 */
async function* prefixed(prefix: './' | '/', dir: Stats, tar: Readable): AsyncGenerator<Buffer> {
  const mtime = Math.floor(dir.mtimeMs / 1000);
  yield encodeHeader({ name: prefix, type: 'directory', mode: dir.mode & 0o7777, uid: dir.uid, gid: dir.gid, size: 0, mtime });
  for await (const { entry, body } of readTar(tar)) {
    if (entry.type === 'unsupported') continue;
    const size = entry.type === 'file' ? entry.size : 0;
    yield encodeHeader({
      name: prefix + entry.name,
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      size,
      mtime: Math.floor(entry.mtime),
      linkname: entry.type === 'link' ? prefix + entry.linkname : entry.linkname,
      devmajor: entry.devmajor,
      devminor: entry.devminor,
      ...(entry.xattrs.size > 0 ? { xattrs: entry.xattrs } : {}),
    });
    if (size > 0) {
      for await (const chunk of body) yield chunk;
      yield padding(size);
    }
  }
  yield END_OF_ARCHIVE;
}
