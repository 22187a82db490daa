/**
 * Container paths on the host: resolving "/etc/hosts" under a container's
 * root the way the container itself would, and describing what is there the
 * way Docker's archive API does (PathStat, Go file modes).
 *
 * Resolution follows symlinks as if the root were "/" (Docker's
 * FollowSymlinkInScope): an absolute target restarts at the root and ".."
 * stops at it, so no path, however crafted, resolves outside the root.
 */
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';

/** The JSON in Docker's X-Docker-Container-Path-Stat header. */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode bits (type bits high, permissions low), as the docker CLI reads them. */
  mode: number;
  /** RFC 3339. */
  mtime: string;
  /** For a symlink: where it leads inside the container, fully resolved. */
  linkTarget: string;
}

const MAX_SYMLINKS = 255;

/**
 * The host path of a container path, every symlink on the way followed
 * inside root (the last one only when followLast). A missing final component
 * is fine (the returned path does not exist); a missing or non-directory
 * parent fails with ENOENT / ENOTDIR, as the kernel would.
 */
export async function resolveInRoot(root: string, containerPath: string, followLast: boolean): Promise<string> {
  const queue = containerPath.split('/');
  let cur = root;
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (cur !== root) cur = path.dirname(cur);
      continue;
    }
    const next = path.join(cur, part);
    const last = queue.every((p) => p === '' || p === '.');
    if (last && !followLast) return next;
    let st: Stats;
    try {
      st = await fs.lstat(next);
    } catch (err) {
      if (last && (err as NodeJS.ErrnoException).code === 'ENOENT') return next;
      throw err;
    }
    if (st.isSymbolicLink()) {
      if (++hops > MAX_SYMLINKS) throw Object.assign(new Error(`too many levels of symbolic links: ${containerPath}`), { code: 'ELOOP' });
      const target = await fs.readlink(next);
      if (target.startsWith('/')) cur = root;
      queue.unshift(...target.split('/'));
      continue;
    }
    if (!last && !st.isDirectory()) throw Object.assign(new Error(`not a directory: ${containerPath}`), { code: 'ENOTDIR' });
    cur = next;
  }
  return cur;
}

/** "/"-rooted container path of a host path under root. */
export function containerPathOf(root: string, host: string): string {
  const rel = path.relative(root, host);
  return rel === '' ? '/' : `/${rel}`;
}

// Go's os.FileMode type and special bits.
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
const MODE_DEVICE = 2 ** 26;
const MODE_NAMED_PIPE = 2 ** 25;
const MODE_SOCKET = 2 ** 24;
const MODE_SETUID = 2 ** 23;
const MODE_SETGID = 2 ** 22;
const MODE_CHAR_DEVICE = 2 ** 21;
const MODE_STICKY = 2 ** 20;

/** Go's os.FileMode for a stat result (what fs.FileInfo.Mode() returns). */
export function goFileMode(st: Stats): number {
  let m = st.mode & 0o777;
  if (st.isDirectory()) m += MODE_DIR;
  else if (st.isSymbolicLink()) m += MODE_SYMLINK;
  else if (st.isBlockDevice()) m += MODE_DEVICE;
  else if (st.isCharacterDevice()) m += MODE_DEVICE + MODE_CHAR_DEVICE;
  else if (st.isFIFO()) m += MODE_NAMED_PIPE;
  else if (st.isSocket()) m += MODE_SOCKET;
  if (st.mode & 0o4000) m += MODE_SETUID;
  if (st.mode & 0o2000) m += MODE_SETGID;
  if (st.mode & 0o1000) m += MODE_STICKY;
  return m;
}

/** Base64 of the PathStat JSON, the X-Docker-Container-Path-Stat header value. */
export function pathStatHeader(stat: PathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}
