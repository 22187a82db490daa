/**
 * Seeding: a new volume mounted where the image has content starts with a
 * copy of that content, as Docker's copyExistingContents does — but only
 * when the volume is empty, so a volume's data is never overwritten.
 *
 * The copy keeps what the image says about each file: owner, mode
 * (setuid/setgid/sticky included), times, symlinks as symlinks, hard links
 * as links, fifos and device nodes, and file capabilities
 * (security.capability). The volume's top directory takes the owner and mode
 * of the image's directory (a database image's data dir owned by its user).
 *
 * Safety: the image path is resolved inside the container's root (symlinks
 * followed as the container would, never out of it), and the walk itself
 * never follows a symlink.
 */
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { BerthError, isErrno } from '../errors.js';
import { mknod } from '../host/mknod.js';
import { dumpXattrs, setXattrs, type XattrWrite } from '../host/xattr.js';
import { resolveInRoot } from '../containers/container-path.js';

/**
 * Copies `destination` of the mounted root filesystem `rootfs` into the
 * volume directory `dataDir` if the image has a directory there and the
 * volume is empty. Returns whether it copied.
 */
export async function seedVolume(rootfs: string, destination: string, dataDir: string): Promise<boolean> {
  let src: string;
  try {
    src = await resolveInRoot(rootfs, destination, true);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
  const st = await fs.lstat(src).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
  if (!st) return false;
  if (!st.isDirectory()) throw new BerthError(`cannot mount volume over existing file, file exists ${src}`);
  if ((await fs.readdir(dataDir)).length > 0) return false;
  const links = new Map<string, string>();
  await copyChildren(src, dataDir, links);
  await applyMetadata(dataDir, st);
  await copyCapabilities(src, dataDir);
  return true;
}

async function copyChildren(srcDir: string, dstDir: string, links: Map<string, string>): Promise<void> {
  for (const name of await fs.readdir(srcDir)) {
    const s = path.join(srcDir, name);
    const d = path.join(dstDir, name);
    const st = await fs.lstat(s);
    if (st.isDirectory()) {
      await fs.mkdir(d);
      await copyChildren(s, d, links);
      await applyMetadata(d, st);
      continue;
    }
    const inode = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? links.get(inode) : undefined;
    if (first !== undefined) {
      await fs.link(first, d);
      continue;
    }
    if (st.isSymbolicLink()) {
      await fs.symlink(await fs.readlink(s), d);
      await fs.lchown(d, st.uid, st.gid);
      await fs.lutimes(d, st.atime, st.mtime);
      continue;
    }
    if (st.isFile()) await fs.copyFile(s, d);
    else if (st.isFIFO()) await mknod(d, 'fifo', st.mode);
    else if (st.isCharacterDevice() || st.isBlockDevice()) {
      await mknod(d, st.isCharacterDevice() ? 'char' : 'block', st.mode, major(st.rdev), minor(st.rdev));
    } else continue; // sockets are not copied (as Docker)
    await applyMetadata(d, st);
    if (st.nlink > 1) links.set(inode, d);
  }
}

/** Owner first: chown clears setuid/setgid bits, so the mode is applied after it. */
async function applyMetadata(p: string, st: Stats): Promise<void> {
  await fs.lchown(p, st.uid, st.gid);
  await fs.chmod(p, st.mode & 0o7777);
  await fs.utimes(p, st.atime, st.mtime);
}

async function copyCapabilities(srcRoot: string, dstRoot: string): Promise<void> {
  let caps: Map<string, Map<string, Buffer>>;
  try {
    caps = await dumpXattrs(srcRoot, '^security\\.capability$');
  } catch {
    return; // no xattr support on the image's filesystem: nothing to copy
  }
  const writes: XattrWrite[] = [];
  for (const [p, attrs] of caps) {
    const rel = path.relative(srcRoot, p);
    if (rel.startsWith('..')) continue;
    for (const [name, value] of attrs) writes.push({ path: path.join(dstRoot, rel), name, value });
  }
  await setXattrs(writes);
}

/** Linux's dev_t split (glibc gnu_dev_major/minor). */
function major(dev: number): number {
  const d = BigInt(dev);
  return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
}

function minor(dev: number): number {
  const d = BigInt(dev);
  return Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
}
