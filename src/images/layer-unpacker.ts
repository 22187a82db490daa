/**
 * Unpacks an image's layers into committed snapshots named by chain ID, so a
 * layer shared by many images is unpacked once and stored once.
 *
 * For each layer: prepare an active snapshot on the parent chain, stream the
 * blob (gunzipped if needed) through a sha256 meter into the snapshot's own
 * directory, check the diff ID, and commit under the chain ID. A crash
 * midway leaves an uncommitted "extract-…" snapshot that the daemon's start-up
 * sweep (daemon/startup-sweep.ts) removes.
 */
import { randomBytes } from 'node:crypto';
import { decompressed } from '../archive/compression.js';
import { DigestStream } from '../archive/digest-stream.js';
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
      // The diff ID is the digest of the uncompressed tar: meter it between gunzip and extraction.
      const meter = new DigestStream();
      const tar = await decompressed(blob);
      tar.on('error', (err) => meter.destroy(err));
      await extractTar(tar.pipe(meter), upper, { whiteouts: 'overlay', symlinks: 'reject-parents' });
      const actual = meter.digest;
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
