/**
 * Persistent network namespaces bound at files under berthd's exec root
 * (`<exec-root>/netns/<id12>`), the way `ip netns add` binds them under
 * /run/netns, but without host-global names.
 *
 * Lifecycle: createNetns(file) before the container starts (runc joins it by
 * path) → attachVeth(...) per network → the container runs, and may outlive
 * berthd: the bind mount keeps the namespace alive without any process →
 * removeNetns(file) after the container is gone. Removing the namespace also
 * deletes the veth pairs whose container end is inside it, but the kernel
 * does that asynchronously (cleanup_net); see veth.ts for when to prefer
 * detachVeth.
 *
 * The directory holding the files is made a mount point of its own with
 * shared propagation, as iproute2 does for /run/netns: mount namespaces
 * copied from the host later (runc's, before it pivots) then get the
 * unmount of a namespace file too, instead of keeping a private copy of the
 * mount that would hold the namespace alive after removeNetns.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AlreadyExistsError, InvalidArgumentError, isErrno } from '../../errors.js';
import { ipInNewNetns, runInNetns } from '../../host/ip-tool.js';
import { mount, unmount, unmountTree } from '../../host/mount.js';

export { runInNetns };

const NSFS_MAGIC = 0x6e736673;

/** True when `file` is a bound network namespace (its filesystem is nsfs). */
export async function isNetnsFile(file: string): Promise<boolean> {
  try {
    return (await fs.statfs(file)).type === NSFS_MAGIC;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/**
 * Creates a new network namespace with loopback up and binds it at `file`.
 * One process (unshare → ip). Parent directories are created. A file that is
 * already a namespace is an AlreadyExistsError; a plain leftover file is reused.
 */
export async function createNetns(file: string): Promise<void> {
  const target = checkPath(file);
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  await ensureNetnsDir(dir);
  if (await isNetnsFile(target)) throw new AlreadyExistsError(`network namespace already exists: ${target}`);
  await (await fs.open(target, 'a', 0o444)).close();
  try {
    await ipInNewNetns(target, ['link', 'set', 'lo', 'up']);
  } catch (err) {
    // unshare may have bound the namespace before ip failed: leave nothing behind.
    await removeNetns(target).catch(() => {});
    throw new Error(`create network namespace ${target}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Unbinds the namespace at `file` (lazily: a process still inside keeps it
 * alive until it leaves) and deletes the file. Absent or unbound is fine.
 */
export async function removeNetns(file: string): Promise<void> {
  const target = checkPath(file);
  // A file can hold stacked binds if someone bound it twice; unbind them all.
  for (let i = 0; i < 8 && (await isNetnsFile(target)); i++) {
    await unmount(target, { detach: true }).catch((err: unknown) => {
      if (!isErrno(err, 'EINVAL') && !isErrno(err, 'ENOENT')) throw err;
    });
  }
  await fs.unlink(target).catch((err: unknown) => {
    if (!isErrno(err, 'ENOENT')) throw err;
  });
}

const readyDirs = new Map<string, Promise<void>>();

/**
 * Makes `dir` a mount point with shared propagation (bind it onto itself
 * first if it is not one), once per process; cheap to call every time.
 */
export function ensureNetnsDir(dir: string): Promise<void> {
  const key = path.resolve(dir);
  let ready = readyDirs.get(key);
  if (!ready) {
    ready = makeSharedMountPoint(key);
    readyDirs.set(key, ready);
    ready.catch(() => readyDirs.delete(key));
  }
  return ready;
}

async function makeSharedMountPoint(dir: string): Promise<void> {
  const real = await fs.realpath(dir);
  const top = (await mountinfoAt(real)).at(-1);
  if (!top) {
    await mount({ type: 'bind', source: real, options: ['rbind', 'rshared'] }, real);
  } else if (!top.shared) {
    await mount({ type: 'none', source: 'none', options: ['rshared'] }, real);
  }
}

/**
 * Unmounts every namespace file left under `dir` and the directory's own
 * bind mount (lazily). For tests and for tearing down an exec root; berthd
 * itself never does this while containers may run.
 */
export async function unmountNetnsDir(dir: string): Promise<void> {
  const key = path.resolve(dir);
  readyDirs.delete(key);
  await unmountTree(key, { detach: true });
}

/** The mounts whose mount point is exactly `real`, bottom first, with their propagation. */
async function mountinfoAt(real: string): Promise<Array<{ shared: boolean }>> {
  const text = await fs.readFile('/proc/self/mountinfo', 'utf8');
  const out: Array<{ shared: boolean }> = [];
  for (const line of text.split('\n')) {
    // id parent maj:min root mount-point options [optional fields…] - fstype source super-options
    const f = line.split(' ');
    if (f.length < 7 || unescapeOctal(f[4]!) !== real) continue;
    const sep = f.indexOf('-', 6);
    const optional = f.slice(6, sep < 0 ? undefined : sep);
    out.push({ shared: optional.some((o) => o.startsWith('shared:')) });
  }
  return out;
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function checkPath(file: string): string {
  if (!path.isAbsolute(file)) throw new InvalidArgumentError(`network namespace path must be absolute: ${file}`);
  return path.normalize(file);
}
