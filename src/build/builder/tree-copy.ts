/**
 * Copying COPY/ADD sources into a stage's mounted root filesystem (an
 * overlay mount, so the kernel copies up what is replaced). Files keep
 * their mode and mtime; ownership is root's unless --chown says otherwise;
 * --chmod replaces the mode of everything copied. Symlinks inside a copied
 * directory are copied as links. Writes stay inside the root: destination
 * parents are resolved with symlinks scoped to it (DestResolver 'scoped').
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DestResolver } from '../../archive/dest-resolver.js';
import { isErrno } from '../../errors.js';

export interface CopyOwnership {
  uid: number;
  gid: number;
  /** --chmod: the mode of every copied file and directory. */
  mode?: number;
}

/**
 * Where a file may be hard-linked instead of copied: the overlay mount the
 * copy goes through and its upper dir. A file the layer would hold exactly as
 * it is in the build context (same owner, no --chmod) is linked into the
 * upper dir: no new inode and no data copied — with tens of thousands of
 * files, creating them is what a COPY costs. The context is never written
 * after it is unpacked, and layers are read-only (containers copy up), so
 * the shared inode never changes. Anything else — a name that exists in the
 * merged view, a parent not yet in the upper dir, another filesystem — is
 * copied through the mount as usual.
 */
export interface LinkTarget {
  rootfs: string;
  upper: string;
  /** Upper-dir paths linked so far: the mount does not know them, so a second source of that name replaces the link here. */
  linked?: Set<string>;
}

/** Copies src (a host path) to the host path dest, recursing into directories; returns bytes copied. */
export async function copyTree(src: string, dest: string, own: CopyOwnership, link?: LinkTarget): Promise<number> {
  const st = fs.lstatSync(src);
  if (st.isDirectory()) {
    let bytes = 0;
    makeDir(dest, st, own);
    for (const name of fs.readdirSync(src).sort()) bytes += await copyTree(path.join(src, name), path.join(dest, name), own, link);
    fs.utimesSync(dest, st.atime, st.mtime);
    return bytes;
  }
  if (link && st.isFile() && own.mode === undefined && st.uid === own.uid && st.gid === own.gid && linkInto(src, dest, link)) return st.size;
  removeNonDir(dest);
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(src), dest);
    fs.lchownSync(dest, own.uid, own.gid);
    return 0;
  }
  if (!st.isFile()) return 0; // devices, fifos and sockets in a context are not copied (as Docker)
  await fs.promises.copyFile(src, dest);
  fs.chownSync(dest, own.uid, own.gid);
  fs.chmodSync(dest, own.mode ?? st.mode & 0o7777);
  fs.utimesSync(dest, st.atime, st.mtime);
  return st.size;
}

function linkInto(src: string, dest: string, link: LinkTarget): boolean {
  const rel = path.relative(link.rootfs, dest);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  if (!link.linked?.has(path.join(link.upper, rel)) && fs.lstatSync(dest, { throwIfNoEntry: false }) !== undefined) return false; // replaces something: copy
  const target = path.join(link.upper, rel);
  if (!fs.lstatSync(path.dirname(target), { throwIfNoEntry: false })?.isDirectory()) return false;
  link.linked ??= new Set();
  try {
    if (link.linked.has(target)) fs.rmSync(target, { force: true });
    fs.linkSync(src, target);
    link.linked.add(target);
    return true;
  } catch {
    return false; // EXDEV, EMLINK, …: copy instead
  }
}

function makeDir(dest: string, st: fs.Stats, own: CopyOwnership): void {
  let existing: fs.Stats | undefined;
  try {
    existing = fs.lstatSync(dest);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  if (existing && !existing.isDirectory()) fs.rmSync(dest, { force: true });
  if (!existing || !existing.isDirectory()) fs.mkdirSync(dest);
  fs.chownSync(dest, own.uid, own.gid);
  fs.chmodSync(dest, own.mode ?? st.mode & 0o7777);
}

function removeNonDir(dest: string): void {
  try {
    const st = fs.lstatSync(dest);
    fs.rmSync(dest, { recursive: st.isDirectory(), force: true });
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
}

/** The host path of a destination inside the root, missing parents created (0755, root). */
export function destPath(resolver: DestResolver, containerPath: string): string {
  const name = path.posix.normalize(containerPath).replace(/^\/+/, '').replace(/\/+$/, '');
  return resolver.hostPath(name, containerPath)!;
}

/** Whether the container path is an existing directory in the root (symlinks followed inside it). */
export function isDirIn(resolver: DestResolver, containerPath: string): boolean {
  const name = path.posix.normalize(containerPath).replace(/^\/+/, '').replace(/\/+$/, '');
  const dir = resolver.resolveDir(name, containerPath, false);
  if (dir === undefined) return false;
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
