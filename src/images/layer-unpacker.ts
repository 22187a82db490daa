/**
 * Unpacks an image's layers into committed snapshots named by chain ID, so a
 * layer shared by many images is unpacked once and stored once.
 *
 * For each layer: prepare an active snapshot on the parent chain, stream the
 * blob (gunzipped if needed) through a sha256 meter into the snapshot's own
 * directory, check the diff ID, and commit under the chain ID. A crash
 * midway leaves an uncommitted "extract-…" snapshot that the snapshotter's
 * init sweeps away.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extractTar } from '../archive/tar-extract.js';
import type { ContentStore } from '../content/content-store.js';
import { chainIds, type Digest } from '../content/digest.js';
import { DataLossError, NotFoundError } from '../errors.js';
import type { Snapshotter } from '../snapshots/types.js';
import type { Descriptor } from './oci-types.js';

export class LayerUnpacker {
  readonly #inflight = new Map<Digest, Promise<void>>();

  constructor(
    private readonly content: ContentStore,
    private readonly snapshotter: Snapshotter,
  ) {}

  /** Ensures every layer of the stack is a committed snapshot; returns the top chain ID. */
  async unpack(layers: readonly Descriptor[], diffIds: readonly Digest[]): Promise<Digest | undefined> {
    const chain = chainIds(diffIds);
    for (let i = 0; i < layers.length; i++) {
      const id = chain[i]!;
      // Two pulls of images sharing a layer must not unpack it twice at once.
      let job = this.#inflight.get(id);
      if (!job) {
        job = this.#unpackOne(layers[i]!, diffIds[i]!, id, chain[i - 1]).finally(() => this.#inflight.delete(id));
        this.#inflight.set(id, job);
      }
      await job;
    }
    return chain[chain.length - 1];
  }

  async #unpackOne(layer: Descriptor, diffId: Digest, chainId: Digest, parent: Digest | undefined): Promise<void> {
    if (await this.#exists(chainId)) return;
    const key = `extract-${randomBytes(8).toString('hex')}`;
    await this.snapshotter.prepare(key, parent);
    try {
      const upper = await this.snapshotter.upperDir(key);
      const blob = await this.content.readStream(layer.digest);
      const { stream, digest } = await uncompressedWithDigest(blob);
      await extractTar(stream, upper, { whiteouts: 'overlay', symlinks: 'reject-parents' });
      const actual = digest();
      if (actual !== diffId) {
        throw new DataLossError(`layer ${layer.digest}: diff id mismatch: config says ${diffId}, content is ${actual}`);
      }
      await this.snapshotter.commit(chainId, key);
    } catch (err) {
      await this.snapshotter.remove(key).catch(() => undefined);
      throw err;
    }
  }

  async #exists(key: string): Promise<boolean> {
    try {
      await this.snapshotter.stat(key);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }
}

/** Peeks at the first bytes to decide on gunzip, and meters the uncompressed tar. */
export async function uncompressedWithDigest(input: Readable): Promise<{ stream: Readable; digest: () => Digest }> {
  const first = await peek(input);
  const hash = createHash('sha256');
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const gz = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  const source = gz ? input.pipe(createGunzip()) : input;
  source.on('error', (err) => meter.destroy(err));
  input.on('error', (err) => meter.destroy(err));
  source.pipe(meter);
  let result: Digest | undefined;
  return {
    stream: meter,
    digest: () => (result ??= `sha256:${hash.digest('hex')}` as Digest),
  };
}

async function peek(input: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      const chunk = input.read() as Buffer | null;
      cleanup();
      if (chunk) input.unshift(chunk);
      resolve(chunk ?? Buffer.alloc(0));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.alloc(0));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    input.once('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}
