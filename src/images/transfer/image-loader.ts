/**
 * `docker load`: an uploaded archive (plain or gzip tar, docker-archive or
 * OCI layout) → registered, tagged images.
 *
 * Flow: read the tar once (archive-reader.ts: blobs verified and stored as
 * they stream, and layers unpacked at the same time into staged snapshots,
 * layer-stager.ts) → find the images (archive-manifest.ts) → per image:
 * check config and layers against each other, keep or make the manifest,
 * commit each staged layer under its chain ID on its parent, then
 * ImageService.register (unpacks whatever was not staged, checking every
 * diff ID) → tag → report "Loaded image: …". An image is registered only once all its
 * parts check out; when one fails, the blobs and snapshots this load added
 * for it are removed, and images loaded before it in the same archive stay
 * (as in Docker).
 */
import type { Readable } from 'node:stream';
import { decompressed, detectCompression } from '../../archive/compression.js';
import type { ContentStore } from '../../content/content-store.js';
import { chainIds, type Digest } from '../../content/digest.js';
import { AlreadyExistsError, BerthError, DataLossError, InvalidArgumentError, NotFoundError, NotImplementedError } from '../../errors.js';
import { familiarString, normalizeReference } from '../../reference/reference.js';
import type { Snapshotter } from '../../snapshots/types.js';
import { startTrace } from '../../storage/trace.js';
import type { ImageService } from '../image-service.js';
import { MediaTypes, type Descriptor, type ImageConfig, type Manifest } from '../oci-types.js';
import { parseArchiveJson } from './archive-format.js';
import { findImages, type LoadCandidate } from './archive-manifest.js';
import { ArchiveReader } from './archive-reader.js';
import { LayerStager } from './layer-stager.js';

export interface TransferDeps {
  images: ImageService;
  content: ContentStore;
  snapshotter: Snapshotter;
}

export interface LoadedImage {
  id: Digest;
  tags: string[];
}

/** Loads every image of the archive; `report` gets each line Docker prints ("Loaded image: busybox:latest"). */
export async function loadImages(deps: TransferDeps, input: Readable, report: (line: string) => void): Promise<LoadedImage[]> {
  const trace = startTrace('load');
  const stager = new LayerStager(deps.snapshotter);
  try {
    const tar = await decompressed(input);
    const archive = await ArchiveReader.read(tar, deps.content, stager);
    trace.step('read+stage');
    const loaded = await loadAll(deps, archive, stager, report);
    trace.step('register');
    return loaded;
  } finally {
    await stager.discard();
    trace.end();
  }
}

async function loadAll(deps: TransferDeps, archive: ArchiveReader, stager: LayerStager, report: (line: string) => void): Promise<LoadedImage[]> {
  const used = new Set<string>();
  const loaded: LoadedImage[] = [];
  try {
    const candidates = await findImages(archive);
    if (candidates.length === 0) throw new InvalidArgumentError('invalid archive: no image for this platform in the archive');
    for (const c of candidates) {
      const img = await loadOne(deps, archive, stager, c, used);
      for (const tag of c.tags) {
        const previous = deps.images.store.allReferences().get(tag);
        await deps.images.store.tag(img.id, tag); // the store's: a load logs `load`, not `tag` (moby)
        const familiar = familiarString(normalizeReference(tag));
        if (previous && previous !== img.id) report(`The image ${familiar} already exists, renaming the old one with ID ${previous} to empty string`);
        report(`Loaded image: ${familiar}`);
      }
      if (c.tags.length === 0) report(`Loaded image ID: ${img.id}`);
      loaded.push({ id: img.id, tags: c.tags });
      await deps.images.logEvent('load', img.id, img.id);
    }
  } catch (err) {
    await archive.discardNew(await liveBlobs(deps.images));
    throw err;
  }
  await archive.discardNew(used);
  return loaded;
}

async function loadOne(deps: TransferDeps, archive: ArchiveReader, stager: LayerStager, c: LoadCandidate, used: Set<string>): Promise<{ id: Digest }> {
  const configInfo = await archive.blob(c.config);
  const config = parseArchiveJson<ImageConfig>(c.config, await archive.bytes(c.config));
  const diffIds = config?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds)) throw new InvalidArgumentError(`invalid archive: config ${c.config} has no rootfs.diff_ids`);
  if (config.os && config.os !== 'linux') throw new InvalidArgumentError(`image operating system "${config.os}" cannot be used on this platform`);
  if (diffIds.length !== c.layers.length) {
    throw new InvalidArgumentError(`invalid archive: config ${c.config} lists ${diffIds.length} diff ids but the image has ${c.layers.length} layers`);
  }

  const layers: Descriptor[] = [];
  for (let i = 0; i < c.layers.length; i++) {
    const name = c.layers[i]!;
    const info = await archive.blob(name);
    const compression = detectCompression(await archive.head(name));
    if (compression !== 'none' && compression !== 'gzip') throw new NotImplementedError(`layer ${name}: ${compression}-compressed layers are not supported`);
    // A plain tar's digest is its diff ID: a mismatch is caught here, before anything is unpacked.
    if (compression === 'none' && info.digest !== diffIds[i]) {
      throw new InvalidArgumentError(`invalid archive: layer ${name} does not match diff id ${diffIds[i]} in the image config (its content is ${info.digest})`);
    }
    layers.push({ mediaType: compression === 'gzip' ? MediaTypes.ociLayerGzip : MediaTypes.ociLayer, digest: info.digest, size: info.size });
  }

  const { manifest, manifestDigest } = await manifestFor(deps, archive, c, configInfo.digest, configInfo.size, layers);
  used.add(configInfo.digest).add(manifestDigest);
  for (const l of layers) used.add(l.digest);

  const chain = chainIds(diffIds);
  const existed = await Promise.all(chain.map((id) => exists(deps.snapshotter, id)));
  try {
    await commitStaged(deps.snapshotter, stager, layers, diffIds, chain);
    await deps.images.register(manifestDigest, manifest, config, configInfo.digest);
  } catch (err) {
    for (let i = chain.length - 1; i >= 0; i--) if (!existed[i]) await deps.snapshotter.remove(chain[i]!).catch(() => undefined);
    if (err instanceof BerthError && (err.kind === 'data_loss' || err.kind === 'invalid_argument')) {
      throw new InvalidArgumentError(`invalid archive: ${err.message}`, { cause: err });
    }
    throw err;
  }
  return { id: configInfo.digest };
}

/**
 * Commits the layers unpacked while the archive streamed, bottom up, each on
 * its parent chain ID. Stops at the first layer that was not staged (too
 * small, or its tar did not parse): ImageService.register unpacks it and the
 * ones above it from their blobs, as for any image.
 */
async function commitStaged(snapshotter: Snapshotter, stager: LayerStager, layers: Descriptor[], diffIds: Digest[], chain: Digest[]): Promise<void> {
  for (let i = 0; i < layers.length; i++) {
    if (await exists(snapshotter, chain[i]!)) continue;
    const staged = stager.take(layers[i]!.digest);
    if (staged === undefined) return;
    if (staged.diffId !== diffIds[i]) {
      await snapshotter.remove(staged.key).catch(() => undefined);
      // Worded as the unpacker words it; loadOne adds "invalid archive: ".
      throw new DataLossError(`layer ${layers[i]!.digest}: diff id mismatch: config says ${diffIds[i]}, content is ${staged.diffId}`);
    }
    try {
      await snapshotter.commit(chain[i]!, staged.key, i > 0 ? { parent: chain[i - 1]! } : {});
    } catch (err) {
      await snapshotter.remove(staged.key).catch(() => undefined);
      if (!(err instanceof AlreadyExistsError)) throw err; // a concurrent load committed the same layer: keep that one
    }
  }
}

/** The archive's own manifest when it matches what was checked; otherwise a new OCI manifest. */
async function manifestFor(
  deps: TransferDeps,
  archive: ArchiveReader,
  c: LoadCandidate,
  configDigest: Digest,
  configSize: number,
  layers: Descriptor[],
): Promise<{ manifest: Manifest; manifestDigest: Digest }> {
  if (c.manifest) {
    const m = parseArchiveJson<Manifest>(c.manifest, await archive.bytes(c.manifest));
    const same =
      m?.config?.digest === configDigest &&
      Array.isArray(m.layers) &&
      m.layers.length === layers.length &&
      m.layers.every((l, i) => l.digest === layers[i]!.digest && l.size === layers[i]!.size);
    if (same) return { manifest: m, manifestDigest: (await archive.blob(c.manifest)).digest };
  }
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: configDigest, size: configSize },
    layers,
  };
  const info = await deps.content.writeBlob(Buffer.from(JSON.stringify(manifest)));
  return { manifest, manifestDigest: info.digest };
}

async function exists(snapshotter: Snapshotter, key: string): Promise<boolean> {
  try {
    await snapshotter.stat(key);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/** Every blob some image still needs: what a failed load must not remove, even if it added it. */
export async function liveBlobs(images: ImageService): Promise<Set<string>> {
  const live = new Set<string>();
  for (const rec of images.store.list()) {
    live.add(rec.id).add(rec.manifestDigest);
    try {
      const { manifest } = await images.load(rec);
      for (const l of manifest.layers) live.add(l.digest);
    } catch {
      // an image whose blobs are already gone protects nothing
    }
  }
  return live;
}
