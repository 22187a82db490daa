/**
 * Writing a layer from a directory of changes in overlay form (a
 * container's upper dir): `docker commit` and every RUN/COPY/ADD step of a
 * Dockerfile build go through here.
 *
 * The directory is packed once, overlay whiteouts turned into OCI ones, and
 * the tar is teed: one copy streams into the content store (hashed on the
 * way; uncompressed, so the blob digest is the diff ID), the other is
 * unpacked into the new layer's snapshot, committed under its chain ID, so
 * ImageService.create finds the layer already unpacked instead of reading
 * the blob back. An empty directory makes no layer.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { PassThrough } from 'node:stream';
import { extractTar } from '../archive/tar-extract.js';
import { packDirectory } from '../archive/tar-pack.js';
import type { ContentStore } from '../content/content-store.js';
import { chainIds, type Digest } from '../content/digest.js';
import { AlreadyExistsError } from '../errors.js';
import type { Snapshotter } from '../snapshots/types.js';
import type { ImageService } from './image-service.js';
import { MediaTypes, type Descriptor } from './oci-types.js';
import { liveBlobs } from './transfer/image-loader.js';

/** Each side of the tee may run this far ahead of the slower one. */
const TEE_BUFFER = 4 * 1024 * 1024;

export interface LayerWriterDeps {
  content: ContentStore;
  snapshotter: Snapshotter;
  images: ImageService;
}

export interface WrittenLayer {
  desc: Descriptor;
  /** The layer's snapshot, made here (undefined when an identical one already existed). */
  madeSnapshot?: string;
}

/** Writes `changesDir` as a layer on top of `baseDiffIds`; undefined when it holds no changes. */
export async function writeLayer(deps: LayerWriterDeps, changesDir: string, baseDiffIds: readonly Digest[]): Promise<WrittenLayer | undefined> {
  if ((await fs.readdir(changesDir)).length === 0) return undefined;
  // "extract-" like the unpacker's keys: an interrupted write leaves the same kind of debris, swept at start.
  const key = `extract-commit-${randomBytes(8).toString('hex')}`;
  await deps.snapshotter.prepare(key, chainIds(baseDiffIds).at(-1));
  try {
    const source = packDirectory(changesDir, { whiteouts: 'overlay-to-oci' });
    const toStore = new PassThrough({ highWaterMark: TEE_BUFFER });
    const toSnapshot = new PassThrough({ highWaterMark: TEE_BUFFER });
    source.on('error', (err) => {
      toStore.destroy(err);
      toSnapshot.destroy(err);
    });
    source.pipe(toStore);
    source.pipe(toSnapshot);
    const [info] = await Promise.all([
      deps.content.ingest(toStore),
      extractTar(toSnapshot, await deps.snapshotter.upperDir(key), { whiteouts: 'overlay', symlinks: 'reject-parents' }),
    ]);
    const chainId = chainIds([...baseDiffIds, info.digest]).at(-1)!;
    const desc: Descriptor = { mediaType: MediaTypes.ociLayer, digest: info.digest, size: info.size };
    try {
      await deps.snapshotter.commit(chainId, key);
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      await deps.snapshotter.remove(key); // the same layer was committed before: keep that one
      return { desc };
    }
    return { desc, madeSnapshot: chainId };
  } catch (err) {
    await deps.snapshotter.remove(key).catch(() => undefined);
    throw err;
  }
}

/** Undoes writeLayer when the image that was to use the layer could not be made. */
export async function discardLayer(deps: LayerWriterDeps, layer: WrittenLayer): Promise<void> {
  if (layer.madeSnapshot) await deps.snapshotter.remove(layer.madeSnapshot).catch(() => undefined);
  if (!(await liveBlobs(deps.images)).has(layer.desc.digest)) await deps.content.delete(layer.desc.digest).catch(() => undefined);
}
