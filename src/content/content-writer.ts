/**
 * One blob being written (containerd's content.Writer): bytes go to a temp
 * file under ingest/ and are hashed as they come; commit() checks size and
 * digest, fsyncs, and renames the file into blobs/ (the store's #commit);
 * abort() drops it. A blob is visible only once whole and verified.
 *
 * Lifecycle: ContentStore.writer() → write(chunk)… → commit(expected) or
 * abort(), exactly once. After a failed write or commit the temp file is
 * already gone; abort() is still safe to call.
 *
 * Writes go through a FileSink (one writev in flight, later chunks batched
 * behind it), so a producer feeding a socket's 64 KiB chunks is not held to
 * one thread-pool round trip per chunk.
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import type { BlobInfo } from './content-store.js';
import type { Digest } from './digest.js';
import { FileSink } from './file-sink.js';

export interface ContentWriter {
  /** Appends bytes; waits when the disk is behind. */
  write(chunk: Buffer): Promise<void>;
  /** Bytes written so far. */
  readonly size: number;
  /** Verifies against expected (InvalidArgumentError on a mismatch), then makes the blob visible. */
  commit(expected?: { digest?: Digest; size?: number }): Promise<BlobInfo>;
  /** Drops what was written. */
  abort(): Promise<void>;
}

export class LocalContentWriter implements ContentWriter {
  readonly #tmp: string;
  readonly #fd: number;
  readonly #sink: FileSink;
  readonly #hash: Hash = createHash('sha256');
  readonly #publish: (tmp: string, digest: Digest) => Promise<void>;
  #size = 0;
  #closed = false;

  /** fd is open for writing on tmp; publish renames tmp into place (and fsyncs the directory). */
  constructor(tmp: string, fd: number, publish: (tmp: string, digest: Digest) => Promise<void>) {
    this.#tmp = tmp;
    this.#fd = fd;
    this.#sink = new FileSink(fd);
    this.#publish = publish;
  }

  get size(): number {
    return this.#size;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.#closed) throw new Error('content writer used after commit or abort');
    this.#hash.update(chunk);
    this.#size += chunk.length;
    try {
      await this.#sink.write(chunk);
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  async commit(expected: { digest?: Digest; size?: number } = {}): Promise<BlobInfo> {
    if (this.#closed) throw new Error('content writer used after commit or abort');
    try {
      await this.#sink.flush();
      const digest = `sha256:${this.#hash.digest('hex')}` as Digest;
      const size = this.#size;
      if (expected.size !== undefined && expected.size !== size) {
        throw new InvalidArgumentError(`size mismatch for ${expected.digest ?? digest}: expected ${expected.size}, got ${size}`);
      }
      if (expected.digest && expected.digest !== digest) {
        throw new InvalidArgumentError(`digest mismatch: expected ${expected.digest}, got ${digest}`);
      }
      await fsync(this.#fd);
      this.#closed = true;
      fs.closeSync(this.#fd);
      await this.#publish(this.#tmp, digest);
      return { digest, size };
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#sink.flush().catch(() => undefined);
      fs.closeSync(this.#fd);
    }
    await fs.promises.rm(this.#tmp, { force: true });
  }
}

function fsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}
