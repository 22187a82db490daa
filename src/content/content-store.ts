/**
 * Content-addressed blob store (containerd's core/content).
 *
 * Lifecycle of a blob: ingest (bytes stream into a temp file under ingest/
 * while being hashed: content-writer.ts) → verify size and digest → fsync →
 * rename into blobs/sha256/<hex> → fsync the directory. A blob is visible only once it is
 * whole and verified; a crash leaves at most a temp file, swept by init().
 * Blobs never change after commit, so readers need no locks.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, open as openFd, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { DataLossError, InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import { fsyncDir } from '../storage/atomic-write.js';
import { LocalContentWriter, type ContentWriter } from './content-writer.js';
import { type Digest, parseDigest, digestOf } from './digest.js';

export type { ContentWriter };

export interface BlobInfo {
  digest: Digest;
  size: number;
}

export interface ContentStore {
  info(digest: Digest): Promise<BlobInfo>;
  has(digest: Digest): Promise<boolean>;
  /** Path of the blob file, for zero-copy streaming; NotFoundError if absent. */
  blobPath(digest: Digest): Promise<string>;
  /** Whole blob in memory (manifests, configs), verified against its digest. */
  readBlob(digest: Digest): Promise<Buffer>;
  readStream(digest: Digest): Promise<Readable>;
  writeBlob(data: Uint8Array, expected?: Digest): Promise<BlobInfo>;
  ingest(input: Readable, expected?: { digest?: Digest; size?: number }): Promise<BlobInfo>;
  /** A blob written chunk by chunk (for a producer that tees its bytes elsewhere too). */
  writer(): Promise<ContentWriter>;
  delete(digest: Digest): Promise<void>;
  list(): Promise<BlobInfo[]>;
}

export class LocalContentStore implements ContentStore {
  readonly #blobs: string;
  readonly #ingest: string;

  constructor(root: string) {
    this.#blobs = path.join(root, 'blobs', 'sha256');
    this.#ingest = path.join(root, 'ingest');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.#blobs, { recursive: true });
    // Anything in ingest/ is an upload a crash interrupted: never visible, safe to drop.
    await fs.rm(this.#ingest, { recursive: true, force: true });
    await fs.mkdir(this.#ingest, { recursive: true });
  }

  #path(digest: Digest): string {
    return path.join(this.#blobs, parseDigest(digest).hex);
  }

  async info(digest: Digest): Promise<BlobInfo> {
    try {
      const st = await fs.stat(this.#path(digest));
      return { digest, size: st.size };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(`content ${digest}: not found`);
      throw err;
    }
  }

  async has(digest: Digest): Promise<boolean> {
    try {
      await fs.access(this.#path(digest));
      return true;
    } catch {
      return false;
    }
  }

  async blobPath(digest: Digest): Promise<string> {
    await this.info(digest);
    return this.#path(digest);
  }

  async readBlob(digest: Digest): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await fs.readFile(this.#path(digest));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(`content ${digest}: not found`);
      throw err;
    }
    if (digestOf(data) !== digest) throw new DataLossError(`content ${digest}: digest mismatch on read`);
    return data;
  }

  async readStream(digest: Digest): Promise<Readable> {
    return createReadStream(await this.blobPath(digest));
  }

  async writeBlob(data: Uint8Array, expected?: Digest): Promise<BlobInfo> {
    const digest = digestOf(data);
    if (expected && expected !== digest) {
      throw new InvalidArgumentError(`digest mismatch: expected ${expected}, got ${digest}`);
    }
    if (await this.has(digest)) return { digest, size: data.length };
    const tmp = this.#tempPath();
    const handle = await fs.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.#commit(tmp, digest);
    return { digest, size: data.length };
  }

  async ingest(input: Readable, expected: { digest?: Digest; size?: number } = {}): Promise<BlobInfo> {
    const w = await this.writer();
    try {
      for await (const chunk of input) await w.write(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    } catch (err) {
      await w.abort();
      throw err;
    }
    return w.commit(expected);
  }

  async writer(): Promise<ContentWriter> {
    const tmp = this.#tempPath();
    const fd = await new Promise<number>((resolve, reject) => openFd(tmp, 'wx', 0o644, (err, fd) => (err ? reject(err) : resolve(fd))));
    return new LocalContentWriter(tmp, fd, (t, digest) => this.#commit(t, digest));
  }

  async delete(digest: Digest): Promise<void> {
    try {
      await fs.unlink(this.#path(digest));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(`content ${digest}: not found`);
      throw err;
    }
  }

  async list(): Promise<BlobInfo[]> {
    const names = await fs.readdir(this.#blobs);
    const out: BlobInfo[] = [];
    for (const n of names) {
      if (!/^[a-f0-9]{64}$/.test(n)) continue;
      const st = await fs.stat(path.join(this.#blobs, n));
      out.push({ digest: `sha256:${n}` as Digest, size: st.size });
    }
    return out;
  }

  #tempPath(): string {
    return path.join(this.#ingest, randomBytes(12).toString('hex'));
  }

  async #commit(tmp: string, digest: Digest): Promise<void> {
    await fs.rename(tmp, this.#path(digest));
    await fsyncDir(this.#blobs);
  }
}
