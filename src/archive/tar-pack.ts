/**
 * Packing a directory tree into a tar stream: image commit (a container's
 * upper dir → layer), save/export, and docker cp out of a container.
 *
 * Output is deterministic for the same tree, because layer digests are
 * computed from it: entries in depth-first order with names sorted, whole-
 * second mtimes, no atime/ctime or user names (tar-header.ts). Names are
 * relative ("etc/passwd", directories with a trailing "/"). A second name
 * for an inode already written (same dev and ino) becomes a hard-link entry.
 * Sockets are skipped, as Docker does.
 *
 * Xattrs: security.capability and user.* travel as PAX SCHILY.xattr records
 * (Docker keeps only security.capability; user.* costs nothing and survives a
 * commit). overlayfs's trusted.overlay.* never leave the host. They are read
 * in one `getfattr -R` for the whole tree, not one spawn per file.
 *
 * With whiteouts 'overlay-to-oci' the overlay spelling becomes the OCI one:
 * a char device 0:0 `x` is written as an empty file `.wh.x`, and an opaque
 * directory is followed by its `.wh..wh..opq` marker.
 *
 * Like the extractor, per-entry filesystem calls are synchronous (see
 * tree-writer.ts for the measurements); files over LARGE_FILE are read in
 * async chunks so they are never held in memory whole.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { ConflictError, NotFoundError, isErrno } from '../errors.js';
import { dumpXattrs } from '../host/xattr.js';
import { DestResolver } from './dest-resolver.js';
import { cleanEntryName } from './entry-path.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type TarHeader } from './tar-header.js';
import { isOpaqueValue, isWhiteoutDevice, OPAQUE_MARKER, OPAQUE_XATTR, OVERLAY_XATTR_PREFIX, WHITEOUT_PREFIX } from './whiteouts.js';

export interface PackOptions {
  whiteouts: 'overlay-to-oci' | 'none';
  /** Only these relative paths (files or whole subtrees); their parent directories are not emitted. */
  paths?: string[];
  /** Prefix every name with this (docker cp: the source's base name); the root itself becomes "<rebaseTo>/". */
  rebaseTo?: string;
  /** With `paths`: write exactly the listed members, in the order given, never descending into a listed directory (a build context after .dockerignore). */
  exactPaths?: boolean;
  /** Write this owner on every member instead of the file's own (docker/cli's ChownOpts 0:0 for a build context). */
  owner?: { uid: number; gid: number };
  /** Leave out a member (and what is under it) found while walking; `name` is relative ("etc/hosts"). */
  skip?: (name: string, st: fs.Stats) => boolean;
}

const LARGE_FILE = 1 << 20;
const FLUSH_AT = 64 * 1024;
const XATTR_PATTERN = '^(security\\.capability|user\\..*|trusted\\.overlay\\.opaque)$';

export function packDirectory(dir: string, opts: PackOptions): Readable {
  return Readable.from(new Packer(path.resolve(dir), opts).run(), { objectMode: false, highWaterMark: 1 << 20 });
}

/** A member still to write: its host path, tar name ("" is the unnamed root) and whether to descend. */
interface Item {
  host: string;
  name: string;
  st: fs.Stats;
  recurse: boolean;
}

class Packer {
  readonly #root: string;
  readonly #opts: PackOptions;
  readonly #prefix: string;
  readonly #links = new Map<string, string>();
  #xattrs = new Map<string, Map<string, Buffer>>();
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(root: string, opts: PackOptions) {
    this.#root = root;
    this.#opts = opts;
    this.#prefix = opts.rebaseTo === undefined ? '' : cleanEntryName(opts.rebaseTo);
  }

  /**
   * One flat loop over an explicit stack (children pushed in reverse so they
   * pop in sorted order): nested async generators would cost a promise per
   * level for every chunk yielded.
   */
  async *run(): AsyncGenerator<Buffer> {
    const stack = this.#roots().reverse();
    this.#xattrs = await dumpXattrs(this.#root, XATTR_PATTERN);
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      const bigFile = this.#emit(item);
      if (bigFile !== undefined) {
        yield* this.#bigContent(bigFile, item.name, item.st.size);
      } else if (this.#pendingBytes >= FLUSH_AT) {
        yield this.#take();
      }
      if (item.recurse && item.st.isDirectory()) {
        const names = fs.readdirSync(item.host).sort();
        for (let i = names.length - 1; i >= 0; i--) {
          const host = path.join(item.host, names[i]!);
          const st = fs.lstatSync(host, { throwIfNoEntry: false });
          if (st === undefined) continue; // removed while we walk
          const name = item.name === '' ? names[i]! : `${item.name}/${names[i]}`;
          if (this.#opts.skip?.(name, st)) continue;
          stack.push({ host, name, st, recurse: true });
        }
      }
    }
    this.#push(END_OF_ARCHIVE);
    yield this.#take();
  }

  #roots(): Item[] {
    const rootSt = lstatOrNotFound(this.#root, this.#root);
    if (!rootSt.isDirectory()) return [{ host: this.#root, name: this.#prefix || path.basename(this.#root), st: rootSt, recurse: false }];
    if (this.#opts.paths === undefined) return [{ host: this.#root, name: this.#prefix, st: rootSt, recurse: true }];
    const resolver = new DestResolver(this.#root, 'scoped');
    const exact = this.#opts.exactPaths === true;
    const rels = this.#opts.paths.map((p) => cleanEntryName(p));
    return (exact ? rels : outermost(rels)).map((rel) => {
      const host = resolver.hostPath(rel, rel, false);
      const st = host === undefined ? undefined : fs.lstatSync(host, { throwIfNoEntry: false });
      if (host === undefined || st === undefined) throw new NotFoundError(`no such file or directory: ${rel}`);
      return { host, name: rel === '' ? this.#prefix : this.#prefix === '' ? rel : `${this.#prefix}/${rel}`, st, recurse: !exact };
    });
  }

  /** Queues one member's header (and a small file's content); for a big file, returns its open fd, whose content must follow. */
  #emit({ host, name, st }: Item): number | undefined {
    const base = headerBase(st, this.#opts.owner);
    const toOci = this.#opts.whiteouts === 'overlay-to-oci';
    if (st.isDirectory()) {
      if (name !== '') this.#push(encodeHeader({ ...base, name: name + '/', type: 'directory', xattrs: this.#xattrsOf(host) }));
      if (toOci && isOpaqueValue(this.#xattrs.get(host)?.get(OPAQUE_XATTR))) {
        const marker = name === '' ? OPAQUE_MARKER : `${name}/${OPAQUE_MARKER}`;
        this.#push(encodeHeader({ ...base, name: marker, type: 'file', mode: st.mode & 0o777 }));
      }
      return undefined;
    }
    if (toOci && isWhiteoutDevice(st)) {
      const slash = name.lastIndexOf('/');
      this.#push(encodeHeader({ ...base, name: name.slice(0, slash + 1) + WHITEOUT_PREFIX + name.slice(slash + 1), type: 'file', mode: 0o600 }));
      return undefined;
    }
    if (st.isSocket()) return undefined;
    const linkKey = st.nlink > 1 ? `${st.dev}:${st.ino}` : undefined;
    const first = linkKey === undefined ? undefined : this.#links.get(linkKey);
    if (first !== undefined) {
      this.#push(encodeHeader({ ...base, name, type: 'link', linkname: first }));
      return undefined;
    }
    // Opened before its header is queued: a file deleted since the directory was read is skipped, not half-written.
    const fd = st.isFile() ? openIfPresent(host) : undefined;
    if (st.isFile() && fd === undefined) return undefined;
    if (linkKey !== undefined) this.#links.set(linkKey, name);
    const xattrs = this.#xattrsOf(host);
    if (fd !== undefined) {
      this.#push(encodeHeader({ ...base, name, type: 'file', size: st.size, xattrs }));
      if (st.size > LARGE_FILE) return fd;
      this.#push(readSmall(fd, name, st.size));
      this.#push(padding(st.size));
    } else if (st.isSymbolicLink()) {
      this.#push(encodeHeader({ ...base, name, type: 'symlink', linkname: fs.readlinkSync(host), xattrs }));
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const { major, minor } = splitDev(st.rdev);
      const type = st.isCharacterDevice() ? 'char' : 'block';
      this.#push(encodeHeader({ ...base, name, type, devmajor: major, devminor: minor, xattrs }));
    } else if (st.isFIFO()) {
      this.#push(encodeHeader({ ...base, name, type: 'fifo', xattrs }));
    }
    return undefined;
  }

  /** Streams a big file after what is queued (its header); closes fd whatever happens, early stops included. */
  async *#bigContent(fd: number, name: string, size: number): AsyncGenerator<Buffer> {
    try {
      if (this.#pendingBytes > 0) yield this.#take();
      for (let off = 0; off < size; ) {
        const buf = Buffer.allocUnsafe(Math.min(size - off, LARGE_FILE));
        for (let got = 0; got < buf.length; ) {
          const n = await readAsync(fd, buf, got, buf.length - got, off + got);
          if (n === 0) throw shrank(name);
          got += n;
        }
        off += buf.length;
        yield buf;
      }
    } finally {
      fs.closeSync(fd);
    }
    this.#push(padding(size));
  }

  #xattrsOf(host: string): Map<string, Buffer> | undefined {
    const all = this.#xattrs.get(host);
    if (all === undefined) return undefined;
    const kept = new Map([...all].filter(([n]) => !n.startsWith(OVERLAY_XATTR_PREFIX)));
    return kept.size > 0 ? kept : undefined;
  }

  #push(buf: Buffer): void {
    if (buf.length === 0) return;
    this.#pending.push(buf);
    this.#pendingBytes += buf.length;
  }

  /** Everything queued, as one chunk (~64 KiB: small pieces are batched to keep per-chunk costs down). */
  #take(): Buffer {
    const chunk = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    return chunk;
  }
}

function openIfPresent(host: string): number | undefined {
  try {
    return fs.openSync(host, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Reads a small file whole and closes it. */
function readSmall(fd: number, name: string, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  try {
    for (let got = 0; got < size; ) {
      const n = fs.readSync(fd, buf, got, size - got, got);
      if (n === 0) throw shrank(name);
      got += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

function shrank(name: string): ConflictError {
  return new ConflictError(`file ${JSON.stringify(name)} shrank while it was being packed`);
}

function headerBase(st: fs.Stats, owner: PackOptions['owner']): Omit<TarHeader, 'name' | 'type'> {
  const { uid, gid } = owner ?? st;
  return { mode: st.mode & 0o7777, uid, gid, size: 0, mtime: Math.floor(st.mtimeMs / 1000) };
}

/** Linux dev_t: major is bits 8-19 and 32-43, minor bits 0-7 and 20-31 (glibc's gnu_dev_major/minor). */
function splitDev(rdev: number): { major: number; minor: number } {
  const lo = rdev % 2 ** 32;
  const hi = Math.floor(rdev / 2 ** 32);
  return { major: ((lo >>> 8) & 0xfff) | (hi & 0xfffff000), minor: (lo & 0xff) | ((lo >>> 12) & 0xfffff00) };
}

/** Sorted, without paths inside another listed path. */
function outermost(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of [...new Set(paths)].sort()) {
    if (!out.some((q) => q === '' || p.startsWith(q + '/'))) out.push(p);
  }
  return out;
}

function lstatOrNotFound(p: string, subject: string): fs.Stats {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new NotFoundError(`no such file or directory: ${subject}`);
    throw err;
  }
}

function readAsync(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n))));
}
