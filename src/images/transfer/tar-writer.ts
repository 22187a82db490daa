/**
 * A streaming tar writer for image archives: entries whose bodies are files
 * on disk (content-store blobs) or small buffers, written straight through
 * with no temp copy of the whole archive.
 *
 * src/archive/tar-pack.ts packs directory trees; an image archive is a list
 * of virtual entries (blobs/sha256/<hex>, index.json, …), so it is written
 * here, with the archive module's header encoder (ustar, PAX where a field
 * does not fit). Owners are root, modes 0644/0755: output is deterministic,
 * same entries, same bytes.
 */
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { encodeHeader, END_OF_ARCHIVE, padding } from '../../archive/tar-header.js';
import { DataLossError } from '../../errors.js';

const READ_CHUNK = 1024 * 1024;

export type TarSource =
  | { name: string; type: 'dir'; mtime?: number }
  | { name: string; type: 'file'; data: Uint8Array; mtime?: number }
  /** A file opened up front, so a blob removed meanwhile (rmi + gc) still reads whole; closed by the writer. */
  | { name: string; type: 'blob'; handle: FileHandle; size: number; mtime?: number };

function header(name: string, type: 'file' | 'directory', size: number, mtime: number): Buffer {
  return encodeHeader({ name, type, mode: type === 'directory' ? 0o755 : 0o644, uid: 0, gid: 0, size, mtime: Math.max(0, Math.floor(mtime)) });
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
      yield header(e.name.endsWith('/') ? e.name : `${e.name}/`, 'directory', 0, mtime);
    } else if (e.type === 'file') {
      yield header(e.name, 'file', e.data.length, mtime);
      yield Buffer.from(e.data);
      yield padding(e.data.length);
    } else {
      yield header(e.name, 'file', e.size, mtime);
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
  yield END_OF_ARCHIVE;
}
