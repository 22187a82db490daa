/**
 * A streaming tar writer for image archives: entries whose bodies are files
 * on disk (content-store blobs) or small buffers, written straight through
 * with no temp copy of the whole archive.
 *
 * src/archive/tar-pack.ts packs directory trees; an image archive is a list
 * of virtual entries (blobs/sha256/<hex>, index.json, …), so it gets this
 * small ustar writer instead. Headers are plain ustar (names here are always
 * under 100 bytes); sizes past the 8 GiB octal limit use GNU base-256, as Go
 * writes them. Output is deterministic: same entries, same bytes.
 */
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DataLossError } from '../../errors.js';

const BLOCK = 512;
const ZERO = Buffer.alloc(BLOCK * 2);
const READ_CHUNK = 1024 * 1024;

export type TarSource =
  | { name: string; type: 'dir'; mtime?: number }
  | { name: string; type: 'file'; data: Uint8Array; mtime?: number }
  /** A file opened up front, so a blob removed meanwhile (rmi + gc) still reads whole; closed by the writer. */
  | { name: string; type: 'blob'; handle: FileHandle; size: number; mtime?: number };

/** One 512-byte ustar header. mtime in seconds since the epoch. */
export function tarHeader(h: { name: string; size: number; mode: number; type: '0' | '5'; mtime: number }): Buffer {
  const name = Buffer.from(h.name, 'utf8');
  if (name.length > 100) throw new Error(`tar name too long for ustar: ${h.name}`);
  const b = Buffer.alloc(BLOCK);
  name.copy(b, 0);
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0); // uid
  octal(b, 116, 8, 0); // gid
  if (h.size < 8 ** 11) octal(b, 124, 12, h.size);
  else base256(b, 124, 12, h.size);
  octal(b, 136, 12, Math.max(0, Math.floor(h.mtime)));
  b.fill(0x20, 148, 156); // checksum is computed with its own field as blanks
  b.write(h.type, 156, 'latin1');
  b.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
  return b;
}

function octal(b: Buffer, off: number, len: number, v: number): void {
  b.write(v.toString(8).padStart(len - 1, '0') + '\u0000', off, 'latin1');
}

function base256(b: Buffer, off: number, len: number, v: number): void {
  let n = BigInt(v);
  for (let i = off + len - 1; i > off; i--) {
    b[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  b[off] = 0x80;
}

function padding(size: number): Buffer {
  const rem = size % BLOCK;
  return rem === 0 ? Buffer.alloc(0) : ZERO.subarray(0, BLOCK - rem);
}

/**
 * The tar stream of the entries, produced lazily as the consumer reads.
 * Every blob handle is closed when the stream ends, fails or is destroyed.
 */
export function tarStream(entries: readonly TarSource[]): Readable {
  return Readable.from(generate(entries), { objectMode: false, highWaterMark: READ_CHUNK });
}

async function* generate(entries: readonly TarSource[]): AsyncGenerator<Buffer> {
  try {
    yield* generateEntries(entries);
  } finally {
    for (const e of entries) if (e.type === 'blob') await e.handle.close().catch(() => undefined);
  }
}

async function* generateEntries(entries: readonly TarSource[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    const mtime = e.mtime ?? 0;
    if (e.type === 'dir') {
      yield tarHeader({ name: e.name.endsWith('/') ? e.name : `${e.name}/`, size: 0, mode: 0o755, type: '5', mtime });
    } else if (e.type === 'file') {
      yield tarHeader({ name: e.name, size: e.data.length, mode: 0o644, type: '0', mtime });
      yield Buffer.from(e.data);
      yield padding(e.data.length);
    } else {
      yield tarHeader({ name: e.name, size: e.size, mode: 0o644, type: '0', mtime });
      let seen = 0;
      for await (const chunk of e.handle.createReadStream({ start: 0, autoClose: false, highWaterMark: READ_CHUNK })) {
        seen += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      // A blob is immutable once committed; a size change means the store is damaged.
      if (seen !== e.size) throw new DataLossError(`tar entry ${e.name}: blob size changed while archiving: expected ${e.size}, read ${seen}`);
      yield padding(e.size);
    }
  }
  yield ZERO;
}
