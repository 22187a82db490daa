/**
 * Test support for archive and snapshot tests (not used by the daemon):
 * temp directories that clean themselves up, tars built with tar-stream's
 * packer (an implementation independent of ours, so the extractor is not
 * only tested against its own writer), and a comparable description of a
 * directory tree.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { unmountTree } from '../host/mount.js';

/**
 * A fresh directory under /tmp, removed after the test (even on failure).
 * Anything still mounted inside is unmounted first, so rm never reaches
 * through a mount whatever order the test's other cleanups run in.
 */
export async function tempDir(t: TestContext, prefix = 'berth-archive-'): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(tmpdir(), prefix));
  t.after(async () => {
    await unmountTree(dir);
    await fs.promises.rm(dir, { recursive: true, force: true });
  });
  return dir;
}

export interface FixtureEntry {
  name: string;
  type?: tarStream.Header['type'];
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
}

/** A tar of these entries, written by tar-stream. */
export async function makeTar(entries: FixtureEntry[], opts: { gzip?: boolean } = {}): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  })();
  for (const e of entries) {
    const type = e.type ?? (e.name.endsWith('/') ? 'directory' : 'file');
    const header = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: e.mtime ?? new Date(1_600_000_000_000),
      linkname: e.linkname,
      devmajor: e.devmajor,
      devminor: e.devminor,
    };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (type === 'file') pack.entry(header, e.content ?? '', cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  const tar = Buffer.concat(chunks);
  return opts.gzip ? gzipSync(tar) : tar;
}

/** A Readable over a buffer in small chunks, so parsers see entries split across chunk boundaries. */
export function streamOf(buf: Buffer, chunk = 7000): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return Readable.from(parts, { objectMode: false });
}

/**
 * One line per path under root describing everything extraction should
 * preserve: type, mode, owner, whole-second mtime, size + content hash,
 * link target, device number, and which paths share an inode.
 */
export function describeTree(root: string): string[] {
  const lines: string[] = [];
  const inodes = new Map<string, string>();
  const walk = (rel: string) => {
    const p = path.join(root, rel);
    const st = fs.lstatSync(p);
    let what: string;
    if (st.isDirectory()) what = 'dir';
    else if (st.isSymbolicLink()) what = `symlink->${fs.readlinkSync(p)}`;
    else if (st.isFile()) what = `file:${st.size}:${createHash('sha256').update(fs.readFileSync(p)).digest('hex').slice(0, 16)}`;
    else if (st.isCharacterDevice()) what = `char:${st.rdev}`;
    else if (st.isBlockDevice()) what = `block:${st.rdev}`;
    else if (st.isFIFO()) what = 'fifo';
    else what = 'other';
    let link = '';
    if (!st.isDirectory() && st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      link = inodes.has(key) ? ` =${inodes.get(key)}` : '';
      if (!inodes.has(key)) inodes.set(key, rel);
    }
    const mtime = st.isSymbolicLink() || st.isDirectory() || st.isFile() ? Math.floor(st.mtimeMs / 1000) : '-';
    if (rel !== '') lines.push(`${rel} ${what} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${mtime}${link}`);
    if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) walk(rel === '' ? n : `${rel}/${n}`);
  };
  walk('');
  return lines;
}

/** Names and types in a tar, read with tar-stream's own parser. */
export async function listTar(tar: Buffer): Promise<Array<{ name: string; type: string; size: number; mode: number; pax: Record<string, string> }>> {
  const ex = tarStream.extract();
  const out: Array<{ name: string; type: string; size: number; mode: number; pax: Record<string, string> }> = [];
  const done = (async () => {
    for await (const entry of ex as unknown as AsyncIterable<Readable & { header: tarStream.Header }>) {
      const h = entry.header;
      out.push({ name: h.name, type: h.type, size: h.size, mode: h.mode, pax: (h.pax as Record<string, string> | null) ?? {} });
      for await (const _ of entry) void _;
    }
  })();
  ex.end(tar);
  await done;
  return out;
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
