/**
 * Blob upload sessions (POST → PATCH… → PUT ?digest=, or one POST/PUT).
 *
 * Lifecycle: start() makes uploads/<uuid>/ (info.json + an empty data file)
 * → append() streams a chunk onto data, hashing as it writes → finish()
 * appends the last chunk if any, compares the digest, fsyncs, stamps, and
 * renames data into blobs/ (BlobStore.publish), then links it into the
 * repository and removes the session. cancel() removes it; sweep() removes
 * sessions idle longer than the timeout. Until finish() succeeds nothing of
 * the upload is visible: it lives only under uploads/.
 *
 * Each chunk is all-or-nothing: when a PATCH fails half-way (client gone,
 * short body) the data file is truncated back and the hash restored from a
 * copy taken before the chunk, so the upload stays at its last good offset
 * and the client may resume from there (GET status → PATCH from offset).
 *
 * The running hash lives in memory (node cannot serialise a hash state);
 * a session found only on disk (the server restarted) is re-hashed from its
 * data file on first use, so uploads survive restarts.
 *
 * Requests on one session run one at a time (a mutex per session); chunks
 * stream through a FileSink (one writev in flight, later chunks batched), so
 * a 64 KiB socket chunk costs no thread-pool round trip of its own.
 */
import { randomUUID, type Hash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { FileSink } from '../../content/file-sink.js';
import { isErrno } from '../../errors.js';
import { Mutex } from '../../storage/mutex.js';
import { NATIVE_MIN_BYTES, nativeSinkPath, SinkError, sinkBody, stopAllSinks, type DirectBody } from './native-sink.js';
import type { BlobStore } from './blob-store.js';
import { DistributionError } from './errors.js';
import type { RegistryLayout } from './layout.js';
import { listDir } from './link-file.js';
import { digestAlgorithm, isUploadId, newHash, type BlobDigest, type DigestAlgorithm, type RepoName, type UploadId } from './names.js';

/** An inclusive byte range from a Content-Range header. */
export interface ChunkRange {
  start: number;
  end: number;
}

export interface Chunk {
  body: AsyncIterable<Buffer>;
  range?: ChunkRange;
  /** Content-Length, when the client sent one. */
  length?: number;
  /** The socket itself, for the native fast path (native-sink.ts); body is used when it is not taken. */
  direct?: DirectBody;
}

interface UploadInfo {
  repo: RepoName;
  algorithm: DigestAlgorithm;
  startedAt: string;
}

interface Session {
  readonly id: UploadId;
  readonly info: UploadInfo;
  readonly mutex: Mutex;
  /** Bytes written, including a chunk still streaming in. */
  size: number;
  /** Bytes of whole chunks: the offset status() reports and the next chunk must start at. */
  committed: number;
  /**
   * The running hash of the bytes so far; undefined after a chunk the native
   * sink wrote (node cannot take over its hash state), rebuilt from the file
   * if another chunk follows.
   */
  hash: Hash | undefined;
  /** Digest (hex) of the whole file when the native sink wrote all of it. */
  nativeDigest: string | undefined;
  handle: FileHandle;
  lastActive: number;
  active: number;
  /** Bytes written since the last background flush was started. */
  unflushed: number;
  /** A background fdatasync in flight (see EARLY_FLUSH_BYTES). */
  flushing: Promise<void> | undefined;
}

/**
 * While a chunk streams in, every this many bytes an fdatasync is started in
 * the background (not awaited): the disk writes the blob while the rest is
 * still arriving, so the fsync that completing the upload must wait for
 * finds little left to do. One in flight at a time.
 */
const EARLY_FLUSH_BYTES = 16 * 1024 * 1024;

export interface UploadStatus {
  id: UploadId;
  size: number;
}

export class UploadStore {
  readonly #layout: RegistryLayout;
  readonly #blobs: BlobStore;
  readonly #sessions = new Map<UploadId, Session>();
  /** Sessions being loaded from disk, so two requests do not open one twice. */
  readonly #loading = new Map<UploadId, Promise<Session | undefined>>();

  constructor(layout: RegistryLayout, blobs: BlobStore) {
    this.#layout = layout;
    this.#blobs = blobs;
  }

  async start(repo: RepoName, algorithm: DigestAlgorithm = 'sha256'): Promise<UploadStatus> {
    const id = randomUUID() as UploadId;
    const dir = this.#layout.uploadDir(id);
    await fs.mkdir(dir, { recursive: true });
    const info: UploadInfo = { repo, algorithm, startedAt: new Date().toISOString() };
    await fs.writeFile(path.join(dir, 'info.json'), JSON.stringify(info));
    const handle = await fs.open(path.join(dir, 'data'), 'a');
    this.#sessions.set(id, { id, info, mutex: new Mutex(), size: 0, committed: 0, hash: newHash(algorithm), nativeDigest: undefined, handle, lastActive: Date.now(), active: 0, unflushed: 0, flushing: undefined });
    return { id, size: 0 };
  }

  async status(repo: RepoName, id: string): Promise<UploadStatus> {
    const s = await this.#session(repo, id);
    return { id: s.id, size: s.committed };
  }

  /** Appends one chunk; 416 BLOB_UPLOAD_INVALID when it does not start at the current offset. */
  async append(repo: RepoName, id: string, chunk: Chunk): Promise<UploadStatus> {
    const s = await this.#session(repo, id);
    return this.#exclusive(s, async () => {
      await this.#write(s, chunk);
      return { id: s.id, size: s.size };
    });
  }

  /**
   * Completes the upload: the final chunk (if any), then verification against
   * digest and publication. On a digest mismatch the upload is cancelled and
   * DIGEST_INVALID thrown: nothing becomes visible.
   */
  async finish(repo: RepoName, id: string, digest: BlobDigest, finalChunk?: Chunk): Promise<{ size: number }> {
    const s = await this.#session(repo, id);
    return this.#exclusive(s, async () => {
      if (finalChunk !== undefined) await this.#write(s, finalChunk);
      const actual = digestAlgorithm(digest) !== s.info.algorithm ? await this.#rehash(s, digestAlgorithm(digest))
        : s.hash !== undefined ? `${s.info.algorithm}:${s.hash.digest('hex')}`
        : s.nativeDigest !== undefined ? `${s.info.algorithm}:${s.nativeDigest}`
        : await this.#rehash(s, s.info.algorithm);
      if (actual !== digest) {
        await this.#remove(s);
        throw new DistributionError('DIGEST_INVALID', { message: `digest mismatch: expected ${digest}, got ${actual}`, detail: { digest, actual } });
      }
      const data = path.join(this.#layout.uploadDir(s.id), 'data');
      try {
        await s.flushing;
        await s.handle.sync();
        // The stamp the collector trusts (link-file.ts): set explicitly, not left to the kernel's coarse clock.
        const now = new Date();
        await s.handle.utimes(now, now);
        await s.handle.close();
        this.#sessions.delete(s.id);
        await this.#blobs.publish(data, digest);
        await this.#blobs.link(repo, digest);
      } finally {
        this.#sessions.delete(s.id);
        await fs.rm(this.#layout.uploadDir(s.id), { recursive: true, force: true });
      }
      return { size: s.size };
    });
  }

  async cancel(repo: RepoName, id: string): Promise<void> {
    const s = await this.#session(repo, id);
    await this.#exclusive(s, () => this.#remove(s));
  }

  /**
   * Removes sessions idle for longer than maxIdleMs (in memory and on disk:
   * leftovers of a previous run count by their data file's mtime), and temp
   * files older than that. Returns how many uploads were removed.
   */
  async sweep(maxIdleMs: number): Promise<number> {
    const cutoff = Date.now() - maxIdleMs;
    let removed = 0;
    for (const s of [...this.#sessions.values()]) {
      if (s.active === 0 && s.lastActive < cutoff) {
        await this.#remove(s);
        removed++;
      }
    }
    for (const name of await listDir(this.#layout.uploadsDir)) {
      if (this.#sessions.has(name as UploadId) || this.#loading.has(name as UploadId)) continue;
      const dir = path.join(this.#layout.uploadsDir, name);
      const mtime = await newestMtime(dir);
      if (mtime !== undefined && mtime >= cutoff) continue;
      await fs.rm(dir, { recursive: true, force: true });
      removed++;
    }
    for (const name of await listDir(this.#layout.tmpDir)) {
      const file = path.join(this.#layout.tmpDir, name);
      const mtime = await newestMtime(file);
      if (mtime === undefined || mtime < cutoff) await fs.rm(file, { recursive: true, force: true });
    }
    return removed;
  }

  /** Closes every open session file (the uploads stay on disk, resumable after a restart). */
  async close(): Promise<void> {
    stopAllSinks();
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((s) => s.handle.close().catch(() => undefined)));
  }

  async #exclusive<T>(s: Session, fn: () => Promise<T>): Promise<T> {
    s.active++;
    try {
      return await s.mutex.run(async () => {
        // A request queued behind finish()/cancel() finds the session gone.
        if (this.#sessions.get(s.id) !== s) throw uploadUnknown(s.id);
        return await fn();
      });
    } finally {
      s.active--;
      s.lastActive = Date.now();
    }
  }

  async #write(s: Session, chunk: Chunk): Promise<void> {
    const { range, length } = chunk;
    if (range !== undefined) {
      if (range.start !== s.size || range.end < range.start) {
        throw new DistributionError('BLOB_UPLOAD_INVALID', {
          status: 416,
          message: `chunk out of order: upload ${s.id} is at offset ${s.size}, chunk starts at ${range.start}`,
          detail: { offset: s.size, start: range.start },
        });
      }
      if (length !== undefined && length !== range.end - range.start + 1) {
        throw new DistributionError('SIZE_INVALID', { message: `content-length ${length} does not match content-range ${range.start}-${range.end}` });
      }
    }
    const expected = range !== undefined ? range.end - range.start + 1 : length;
    const sinkBin = nativeSinkPath();
    if (chunk.direct !== undefined && sinkBin !== undefined && s.size === 0 && expected !== undefined && expected >= NATIVE_MIN_BYTES) {
      return this.#writeNative(s, sinkBin, chunk.direct, expected);
    }
    // After a native chunk the hash is rebuilt from what the file holds.
    s.hash ??= await this.#hashOfFile(s, s.info.algorithm);
    s.nativeDigest = undefined;
    const savedHash = s.hash.copy();
    const savedSize = s.size;
    const sink = new FileSink(s.handle.fd);
    try {
      const hash = s.hash;
      for await (const piece of chunk.body) {
        hash.update(piece);
        s.size += piece.length;
        await sink.write(piece);
        s.unflushed += piece.length;
        if (s.unflushed >= EARLY_FLUSH_BYTES && s.flushing === undefined) this.#flushInBackground(s);
      }
      await sink.flush();
      if (expected !== undefined && s.size - savedSize !== expected) {
        throw new DistributionError('SIZE_INVALID', { message: `chunk of ${s.size - savedSize} bytes, expected ${expected}` });
      }
      s.committed = s.size;
    } catch (err) {
      // Back to the last good offset: the chunk is all or nothing.
      await sink.flush().catch(() => undefined);
      await s.handle.truncate(savedSize);
      s.hash = savedHash;
      s.size = savedSize;
      throw err;
    }
  }

  #flushInBackground(s: Session): void {
    s.unflushed = 0;
    // A failure here is not lost: the final sync() reports it again (or the upload is dropped anyway).
    s.flushing = s.handle.datasync().then(
      () => {
        s.flushing = undefined;
      },
      () => {
        s.flushing = undefined;
      },
    );
  }

  /**
   * The first chunk of a session, moved by berth-blob-sink straight from the
   * socket (native-sink.ts). All or nothing like any chunk: on failure the
   * file is truncated back to empty and the session stays at offset 0.
   */
  async #writeNative(s: Session, sink: string, direct: DirectBody, expected: number): Promise<void> {
    const taken = direct.takeOver();
    try {
      const hex = await sinkBody(sink, taken, s.handle.fd, expected, s.info.algorithm, direct.idleMs, () => {
        // The disk writes the blob while the rest still arrives (as #write's early flushes).
        if (s.flushing === undefined) this.#flushInBackground(s);
      });
      s.size = s.committed = expected;
      s.hash = undefined;
      s.nativeDigest = hex;
    } catch (err) {
      await s.flushing;
      await s.handle.truncate(0);
      s.size = s.committed = 0;
      if (err instanceof SinkError && !err.clientGone) throw new DistributionError('BLOB_UPLOAD_INVALID', { status: 500, message: err.message });
      throw err;
    }
  }

  async #hashOfFile(s: Session, algorithm: DigestAlgorithm): Promise<Hash> {
    const hash = newHash(algorithm);
    for await (const piece of createReadStream(path.join(this.#layout.uploadDir(s.id), 'data'), { highWaterMark: 1 << 20 })) {
      hash.update(piece as Buffer);
    }
    return hash;
  }

  async #rehash(s: Session, algorithm: DigestAlgorithm): Promise<string> {
    return `${algorithm}:${(await this.#hashOfFile(s, algorithm)).digest('hex')}`;
  }

  async #remove(s: Session): Promise<void> {
    this.#sessions.delete(s.id);
    await s.flushing;
    await s.handle.close().catch(() => undefined);
    await fs.rm(this.#layout.uploadDir(s.id), { recursive: true, force: true });
  }

  async #session(repo: RepoName, id: string): Promise<Session> {
    if (!isUploadId(id)) throw uploadUnknown(id);
    let s = this.#sessions.get(id);
    if (s === undefined) {
      let loading = this.#loading.get(id);
      if (loading === undefined) {
        loading = this.#load(id).finally(() => this.#loading.delete(id));
        this.#loading.set(id, loading);
      }
      s = await loading;
    }
    if (s === undefined || s.info.repo !== repo) throw uploadUnknown(id);
    return s;
  }

  /** Picks up a session a previous run left on disk, re-hashing what it holds. */
  async #load(id: UploadId): Promise<Session | undefined> {
    const dir = this.#layout.uploadDir(id);
    let info: UploadInfo;
    try {
      info = JSON.parse(await fs.readFile(path.join(dir, 'info.json'), 'utf8')) as UploadInfo;
    } catch (err) {
      if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return undefined;
      throw err;
    }
    let handle: FileHandle;
    try {
      handle = await fs.open(path.join(dir, 'data'), 'a');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
    const hash = newHash(info.algorithm);
    let size = 0;
    for await (const piece of createReadStream(path.join(dir, 'data'), { highWaterMark: 1 << 20 })) {
      hash.update(piece as Buffer);
      size += (piece as Buffer).length;
    }
    const s: Session = { id, info, mutex: new Mutex(), size, committed: size, hash, nativeDigest: undefined, handle, lastActive: Date.now(), active: 0, unflushed: 0, flushing: undefined };
    this.#sessions.set(id, s);
    return s;
  }
}

export function uploadUnknown(id: string): DistributionError {
  return new DistributionError('BLOB_UPLOAD_UNKNOWN', { message: `blob upload unknown to registry: ${id}`, detail: { uuid: id } });
}

/** Newest mtime of a file or of a directory's direct entries (ms), undefined when gone. */
async function newestMtime(p: string): Promise<number | undefined> {
  let st;
  try {
    st = await fs.stat(p);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  let newest = st.mtimeMs;
  if (st.isDirectory()) {
    for (const name of await listDir(p)) {
      const child = await fs.stat(path.join(p, name)).catch(() => undefined);
      if (child !== undefined) newest = Math.max(newest, child.mtimeMs);
    }
  }
  return newest;
}
