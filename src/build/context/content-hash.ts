/**
 * Content hashes of build-context paths, for the build cache: COPY/ADD reuse
 * a layer when what they copy is unchanged, whatever the timestamps say.
 *
 * Lifecycle: the builder extracts the context, expands a COPY's sources to
 * paths relative to the context root, and calls hashTree(root, paths). The
 * answer's `digest` goes into the cache key (with the instruction's own
 * text, which carries source order and destination); `files` is kept with
 * the cached layer so a later miss can name the paths whose hash changed.
 *
 * What is hashed, per entry (every given path, and everything beneath a
 * given directory), in path order: one record
 *   path \0 type \0 mode(octal, incl. setuid/setgid/sticky) \0 uid \0 gid \0 size \0 link \0 sha256(content) \n
 * where `link` is a symlink's target or a device's rdev number, and the
 * content hash is the empty string for anything but a regular file. Never
 * mtime, atime or ctime. An entry's own digest is sha256 of its record; the
 * tree digest is sha256 of all records in order. Paths cannot hold "\0", so
 * records cannot be confused with one another.
 *
 * Containment: a given path may not climb out of root ("../x"), and
 * symlinks in its parent directories are followed only while they stay
 * inside root (an absolute target, or one climbing out, is refused). A given
 * path that is itself a symlink is followed, as COPY copies what it points
 * at (moby's FollowSymlinkInScope); its record keeps the link text besides
 * the target's type and content, and a dangling one is hashed as a link.
 * Symlinks met while walking a directory are recorded, never followed.
 *
 * Speed (the benchmark context is 20,000 files, 290 MiB): the walk and small
 * files use synchronous calls (lstat, readdir, then open+read+close into one
 * reused buffer: no per-file promise or allocation); files over
 * STREAM_THRESHOLD are read in 1 MiB chunks on the thread pool, a few at a
 * time, while the main thread hashes (SHA-256 here runs at ~1.6 GB/s).
 */
import { createHash, hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';

export interface TreeHash {
  /** "sha256:<hex>" over every record in path order. */
  digest: string;
  /** Each entry's path (relative to root) → "sha256:<hex>" of its record. */
  files: Map<string, string>;
}

const STREAM_THRESHOLD = 1 << 20;
const CHUNK = 1 << 20;
const STREAMS_AT_ONCE = 4;
const SMALL_BATCH = 256;
const MAX_SYMLINKS = 40;

/** One entry found: where it is on the host, what lstat (or stat, for a followed link) said, and a followed link's text. */
interface Entry {
  rel: string;
  host: string;
  st: fs.Stats;
  /** A given path: wins over the same path met in a walk (a given symlink is followed, a walked one is not). */
  given: boolean;
  link?: string;
  /** Bytes hashed (a file may have changed size since lstat). */
  size?: number;
  content?: string;
}

export async function hashTree(root: string, relPaths: readonly string[]): Promise<TreeHash> {
  const base = path.resolve(root);
  if (!fs.statSync(base, { throwIfNoEntry: false })?.isDirectory()) throw new NotFoundError(`no such directory: ${root}`);
  const entries = new Map<string, Entry>();
  for (const given of relPaths) collect(base, cleanRelative(given), entries);

  const sorted = [...entries.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const files = sorted.filter((e) => e.st.isFile());
  // Big files start first: their reads run on the thread pool while small files are hashed here.
  const big = hashBig(files.filter((e) => e.st.size > STREAM_THRESHOLD));
  big.catch(() => undefined); // its failure is reported by `await big`, not as an unhandled rejection meanwhile
  const buf = Buffer.allocUnsafe(STREAM_THRESHOLD + 1);
  let batch = 0;
  for (const e of files) {
    if (e.st.size > STREAM_THRESHOLD) continue;
    e.content = hashSmall(e, buf);
    if (++batch % SMALL_BATCH === 0) await new Promise(setImmediate); // let big-file chunks in
  }
  await big;

  const tree = createHash('sha256');
  const digests = new Map<string, string>();
  for (const e of sorted) {
    const record = recordOf(e);
    tree.update(record);
    digests.set(e.rel, `sha256:${hash('sha256', record, 'hex')}`);
  }
  return { digest: `sha256:${tree.digest('hex')}`, files: digests };
}

/** "a//b/./c/" → "a/b/c", "" or "." or "/" → "." (the root); refuses "..", NUL. */
function cleanRelative(given: string): string {
  if (given.includes('\0')) throw new InvalidArgumentError(`path ${JSON.stringify(given)} has a NUL byte`);
  const parts: string[] = [];
  for (const part of given.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) throw new InvalidArgumentError(`path ${JSON.stringify(given)} is outside the build context`);
      continue;
    }
    parts.push(part);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

/** Adds the entry at rel (and, for a directory, everything beneath it). */
function collect(base: string, rel: string, into: Map<string, Entry>): void {
  if (rel === '.') {
    into.set('.', { rel: '.', host: base, st: fs.lstatSync(base), given: true });
    walk(base, '', into);
    return;
  }
  const host = resolveInside(base, rel, rel, false);
  const st = fs.lstatSync(host, { throwIfNoEntry: false });
  if (st === undefined) throw new NotFoundError(`no such file or directory in the build context: ${rel}`);
  if (!st.isSymbolicLink()) {
    into.set(rel, { rel, host, st, given: true });
    if (st.isDirectory()) walk(host, rel, into);
    return;
  }
  const link = fs.readlinkSync(host);
  const target = resolveInside(base, rel, rel, true);
  const tst = fs.lstatSync(target, { throwIfNoEntry: false });
  if (tst === undefined) {
    into.set(rel, { rel, host, st, given: true }); // dangling: the link itself
    return;
  }
  into.set(rel, { rel, host: target, st: tst, link, given: true });
  if (tst.isDirectory()) walk(target, rel, into);
}

/** Everything beneath a real directory, symlinks not followed. */
function walk(hostDir: string, relDir: string, into: Map<string, Entry>): void {
  for (const name of fs.readdirSync(hostDir)) {
    const host = path.join(hostDir, name);
    const st = fs.lstatSync(host, { throwIfNoEntry: false });
    if (st === undefined) continue; // removed while we walk
    const rel = relDir === '' ? name : `${relDir}/${name}`;
    if (into.get(rel)?.given !== true) into.set(rel, { rel, host, st, given: false });
    if (st.isDirectory()) walk(host, rel, into);
  }
}

/**
 * The host path of rel under base, following symlinks in its parents (and in
 * the last component too when followLast) only while they stay inside base.
 */
function resolveInside(base: string, rel: string, given: string, followLast: boolean): string {
  const done: string[] = [];
  const pending = rel.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (done.pop() === undefined) throw escapes(given);
      continue;
    }
    const host = path.join(base, ...done, part);
    if (pending.length === 0 && !followLast) return host;
    const st = fs.lstatSync(host, { throwIfNoEntry: false });
    if (st?.isSymbolicLink() !== true) {
      if (st !== undefined && pending.length > 0 && !st.isDirectory()) throw new NotFoundError(`not a directory in the build context: ${given}`);
      done.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links: ${given}`);
    const target = fs.readlinkSync(host);
    if (target.startsWith('/')) throw escapes(given);
    pending.unshift(...target.split('/'));
  }
  return path.join(base, ...done);
}

function escapes(given: string): InvalidArgumentError {
  return new InvalidArgumentError(`path ${JSON.stringify(given)} leads outside the build context through a symlink`);
}

function recordOf(e: Entry): string {
  const st = e.st;
  let type: string;
  let link = e.link ?? '';
  if (st.isFile()) type = 'file';
  else if (st.isDirectory()) type = 'dir';
  else if (st.isSymbolicLink()) {
    type = 'symlink';
    link = fs.readlinkSync(e.host);
  } else if (st.isCharacterDevice() || st.isBlockDevice()) {
    type = st.isCharacterDevice() ? 'char' : 'block';
    link = String(st.rdev);
  } else if (st.isFIFO()) type = 'fifo';
  else type = 'socket';
  const size = st.isFile() ? (e.size ?? st.size) : 0;
  return `${e.rel}\0${type}\0${(st.mode & 0o7777).toString(8)}\0${st.uid}\0${st.gid}\0${size}\0${link}\0${e.content ?? ''}\n`;
}

/**
 * open + read + close into the shared buffer, which is bigger than any
 * small file: a short read is the whole file. One that has grown past the
 * buffer since lstat is read to its end, and hashed as it is now.
 */
function hashSmall(e: Entry, buf: Buffer): string {
  const fd = fs.openSync(e.host, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n < buf.length) {
      e.size = n;
      return hash('sha256', buf.subarray(0, n), 'hex');
    }
    const h = createHash('sha256').update(buf);
    let size = n;
    for (let m: number; (m = fs.readSync(fd, buf, 0, buf.length, null)) > 0; size += m) h.update(buf.subarray(0, m));
    e.size = size;
    return h.digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}

/** Streams big files through SHA-256, STREAMS_AT_ONCE at a time. */
async function hashBig(entries: Entry[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    const buf = Buffer.allocUnsafe(CHUNK);
    while (next < entries.length) {
      const e = entries[next++]!;
      const fh = await fs.promises.open(e.host, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      const hash = createHash('sha256');
      let size = 0;
      try {
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
          if (bytesRead === 0) break;
          hash.update(buf.subarray(0, bytesRead));
          size += bytesRead;
        }
      } finally {
        await fh.close();
      }
      e.size = size;
      e.content = hash.digest('hex');
    }
  };
  await Promise.all(Array.from({ length: Math.min(STREAMS_AT_ONCE, entries.length) }, worker));
}
