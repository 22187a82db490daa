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
import { lstatSync, promises as fs, readdirSync, type Stats } from 'node:fs';
import * as path from 'node:path';
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

const MOUNT_FILES = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf']);
const MOUNT_DIRS = new Set(['proc', 'sys', 'dev']);

/**
 * What runc creates in a container's upper dir only so it can mount over it
 * when the image lacks it: empty /etc/hosts, /etc/hostname, /etc/resolv.conf
 * (berthd bind-mounts its own) and empty /proc, /sys, /dev. Docker keeps
 * these in a separate init layer; they never belong in a committed or built
 * layer. (A RUN cannot have written them: they are mounted over.)
 */
export function runtimeMountPoints(upper: string): (name: string, st: Stats) => boolean {
  return (name, st) => {
    if (st.isFile()) return st.size === 0 && MOUNT_FILES.has(name);
    if (st.isDirectory() && MOUNT_DIRS.has(name)) return readdirSync(path.join(upper, name)).length === 0;
    return false;
  };
}

/** Whether the upper dir holds nothing but runtime mount points (and the /etc holding them). */
function onlyMountPoints(upper: string, skip: (name: string, st: Stats) => boolean): boolean {
  return readdirSync(upper).every((e) => {
    const st = lstatSync(path.join(upper, e));
    if (skip(e, st)) return true;
    if (e !== 'etc' || !st.isDirectory()) return false;
    return readdirSync(path.join(upper, 'etc')).every((f) => skip(`etc/${f}`, lstatSync(path.join(upper, 'etc', f))));
  });
}

/**
 * Writes `changesDir` as a layer on top of `baseDiffIds`; undefined when it
 * holds no changes. `container`: the dir is a container's upper dir, whose
 * runtime mount points are left out.
 */
export async function writeLayer(
  deps: LayerWriterDeps,
  changesDir: string,
  baseDiffIds: readonly Digest[],
  opts: { container?: boolean } = {},
): Promise<WrittenLayer | undefined> {
  const skip = opts.container ? runtimeMountPoints(changesDir) : undefined;
  if ((await fs.readdir(changesDir)).length === 0) return undefined;
  if (skip && onlyMountPoints(changesDir, skip)) return undefined;
  // "extract-" like the unpacker's keys: an interrupted write leaves the same kind of debris, swept at start.
  const key = `extract-commit-${randomBytes(8).toString('hex')}`;
  await deps.snapshotter.prepare(key, chainIds(baseDiffIds).at(-1));
  try {
    const source = packDirectory(changesDir, { whiteouts: 'overlay-to-oci', ...(skip ? { skip } : {}) });
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
    return await commitAsLayer(deps, key, baseDiffIds, info);
  } catch (err) {
    await deps.snapshotter.remove(key).catch(() => undefined);
    throw err;
  }
}

/**
 * Makes an active snapshot (unmounted, whose upper dir holds a step's
 * changes in overlay form) the new layer itself: its dir is packed once into
 * the content store and the snapshot is committed under the layer's chain
 * ID, with no copy of the files. Used by build steps that own their
 * snapshot (COPY, ADD, WORKDIR); undefined, with the snapshot removed, when
 * it holds no changes.
 */
export async function commitSnapshotAsLayer(deps: LayerWriterDeps, key: string, baseDiffIds: readonly Digest[]): Promise<WrittenLayer | undefined> {
  const dir = await deps.snapshotter.upperDir(key);
  if ((await fs.readdir(dir)).length === 0) {
    await deps.snapshotter.remove(key);
    return undefined;
  }
  try {
    const info = await deps.content.ingest(packDirectory(dir, { whiteouts: 'overlay-to-oci' }));
    return await commitAsLayer(deps, key, baseDiffIds, info);
  } catch (err) {
    await deps.snapshotter.remove(key).catch(() => undefined);
    throw err;
  }
}

/** Commits the snapshot holding a layer's files under the layer's chain ID (or keeps an identical one made before). */
async function commitAsLayer(deps: LayerWriterDeps, key: string, baseDiffIds: readonly Digest[], blob: { digest: Digest; size: number }): Promise<WrittenLayer> {
  const chainId = chainIds([...baseDiffIds, blob.digest]).at(-1)!;
  const desc: Descriptor = { mediaType: MediaTypes.ociLayer, digest: blob.digest, size: blob.size };
  try {
    await deps.snapshotter.commit(chainId, key);
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    await deps.snapshotter.remove(key); // the same layer was committed before: keep that one
    return { desc };
  }
  return { desc, madeSnapshot: chainId };
}

/** Undoes writeLayer when the image that was to use the layer could not be made. */
export async function discardLayer(deps: LayerWriterDeps, layer: WrittenLayer): Promise<void> {
  if (layer.madeSnapshot) await deps.snapshotter.remove(layer.madeSnapshot).catch(() => undefined);
  if (!(await liveBlobs(deps.images)).has(layer.desc.digest)) await deps.content.delete(layer.desc.digest).catch(() => undefined);
}
