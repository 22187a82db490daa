/**
 * A pass-through that measures what flows through it: sha256 digest and
 * size. Put it behind packDirectory to get a layer's diff ID (the digest of
 * the uncompressed tar) while the tar is being written elsewhere.
 *
 * `digest` and `size` are final once the stream has finished ('finish' /
 * 'end'); reading `digest` earlier throws rather than return a partial hash.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { Digest } from '../content/digest.js';

export class DigestStream extends Transform {
  readonly #hash: Hash = createHash('sha256');
  #size = 0;
  #digest: Digest | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.#digest = `sha256:${this.#hash.digest('hex')}` as Digest;
    cb();
  }

  get size(): number {
    return this.#size;
  }

  get digest(): Digest {
    if (this.#digest === undefined) throw new Error('digest read before the stream finished');
    return this.#digest;
  }
}
