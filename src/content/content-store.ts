/**
 * Content-addressed blob store (containerd's core/content).
 *
 * Lifecycle of a blob: ingest (bytes stream into a temp file under ingest/
 * while being hashed) → verify size and digest → fsync → rename into
 * blobs/sha256/<hex> → fsync the directory. A blob is visible only once it is
 * whole and verified; a crash leaves at most a temp file, swept by init().
 * Blobs never change after commit, so readers need no locks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { DataLossError, InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import { fsyncDir } from '../storage/atomic-write.js';
import { type Digest, parseDigest, digestOf } from './digest.js';

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
    const tmp = this.#tempPath();
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const out = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
    try {
      await pipeline(input, meter, out);
      const digest = `sha256:${hash.digest('hex')}` as Digest;
      if (expected.size !== undefined && expected.size !== size) {
        throw new InvalidArgumentError(`size mismatch for ${expected.digest ?? digest}: expected ${expected.size}, got ${size}`);
      }
      if (expected.digest && expected.digest !== digest) {
        throw new InvalidArgumentError(`digest mismatch: expected ${expected.digest}, got ${digest}`);
      }
      const handle = await fs.open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.#commit(tmp, digest);
      return { digest, size };
    } finally {
      await fs.rm(tmp, { force: true });
    }
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
