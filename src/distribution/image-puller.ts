/**
 * `docker pull`: a reference → a registered, tagged image, with moby's
 * progress lines.
 *
 * Per tag (or digest): resolve it to a manifest (an index chooses the
 * platform's entry) → "Pulling from <name>" → when the image (its config
 * digest) is already here, nothing more is fetched; otherwise fetch the
 * config, then the layers the content store lacks ("Already exists" for the
 * others), three at a time, each stored and unpacked as it streams
 * (layer-download.ts) → commit the unpacked layers under their chain IDs,
 * bottom up ("Pull complete") → store the manifest → ImageService.register
 * (unpacks whatever was not staged, checks every diff ID) → "Digest: …" →
 * tag. The whole of it holds the image service's producer lock, so garbage
 * collection never takes blobs a pull is about to claim. A failure anywhere
 * stops the other downloads and tags nothing; staged snapshots are removed.
 *
 * A name without tag or digest pulls every tag (`pull -a`). The last line is
 * "Status: Downloaded newer image for …" or "Status: Image is up to date for …".
 */
import { chainIds, digestOf, isDigestString, type Digest } from '../content/digest.js';
import type { ContentStore } from '../content/content-store.js';
import { AlreadyExistsError, DataLossError, InvalidArgumentError, NotFoundError, NotImplementedError } from '../errors.js';
import type { ImageService } from '../images/image-service.js';
import { isLayerMediaType, MediaTypes, type ImageConfig, type Manifest } from '../images/oci-types.js';
import { LayerStager } from '../images/transfer/layer-stager.js';
import { familiarString, formatReference, referenceName, type Reference } from '../reference/reference.js';
import type { Snapshotter } from '../snapshots/types.js';
import { startTrace } from '../storage/trace.js';
import type { BlobSources } from './blob-sources.js';
import { downloadLayer } from './layer-download.js';
import { choosePlatform, DEFAULT_PLATFORM, fetchManifest, formatPlatform, repositoryScope, type FetchedManifest, type Platform } from './manifest-fetch.js';
import { shortId, type ProgressOutput } from './progress.js';
import { RegistryClient } from './registry-client.js';
import { pullError } from './registry-errors.js';
import { listTags } from './tag-list.js';
import { taskLimit } from './task-limit.js';

/** moby's DefaultMaxConcurrentDownloads. */
const MAX_CONCURRENT_DOWNLOADS = 3;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const CONFIG_TYPES: readonly string[] = [MediaTypes.dockerConfig, MediaTypes.ociConfig];

export interface PullDeps {
  images: ImageService;
  content: ContentStore;
  snapshotter: Snapshotter;
  sources: BlobSources;
}

export interface PullOptions {
  /** Asked for with `platform=`: an index's entry, and a check of a single manifest's config. */
  platform?: Platform;
  signal: AbortSignal;
}

/** Pulls ref (tag, digest, or every tag of a bare name) over a connected client. */
export async function pullImage(deps: PullDeps, client: RegistryClient, ref: Reference, opts: PullOptions, out: ProgressOutput): Promise<void> {
  try {
    let updated = false;
    if (ref.tag === undefined && ref.digest === undefined) {
      for (const tag of await listTags(client, ref.path, opts.signal)) {
        updated = (await pullTag(deps, client, { ...ref, tag }, opts, out)) || updated;
      }
    } else {
      updated = await pullTag(deps, client, ref, opts, out);
    }
    out.message(`Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(ref)}`);
  } catch (err) {
    throw pullError(err, ref);
  }
}

/** One tag or digest; true when something new was downloaded or tagged. */
async function pullTag(deps: PullDeps, client: RegistryClient, ref: Reference, opts: PullOptions, out: ProgressOutput): Promise<boolean> {
  const tagOrDigest = ref.digest ?? ref.tag!;
  const trace = startTrace(`pull ${familiarString(ref)}`);
  const top = await fetchManifest(client, ref.path, tagOrDigest, opts.signal);
  let image: FetchedManifest = top;
  if (top.kind === 'index') {
    const entry = choosePlatform(top.index!, opts.platform ?? DEFAULT_PLATFORM);
    image = await fetchManifest(client, ref.path, entry.digest, opts.signal);
    if (image.kind !== 'manifest') throw new NotImplementedError(`manifest ${entry.digest}: an index inside an index is not supported`);
  }
  const manifest = image.manifest!;
  if (!CONFIG_TYPES.includes(manifest.config.mediaType)) {
    throw new InvalidArgumentError(`Encountered remote "${manifest.config.mediaType}"(unknown) when fetching`);
  }
  for (const l of manifest.layers) if (!isLayerMediaType(l.mediaType)) throw new InvalidArgumentError(`unsupported media type ${l.mediaType}`);
  // moby names the repository by its path in the registry: "Pulling from library/busybox".
  out.message(`Pulling from ${ref.path}`, tagOrDigest);
  trace.step('manifest');

  const id = manifest.config.digest;
  const repoDigest = `${referenceName(ref)}@${top.digest}`;
  return deps.images.producing(async () => {
    const existing = deps.images.store.list().find((r) => r.id === id);
    if (existing) {
      // The image is here (pulled before, or pushed from here): nothing to download.
      if (!(existing.repoDigests ?? []).includes(repoDigest)) {
        await deps.images.store.update(id, { repoDigests: [...(existing.repoDigests ?? []), repoDigest] });
      }
    } else {
      const unpackLater = await fetchImage(deps, client, ref, image, opts, out);
      trace.step('fetch');
      await deps.images.register(image.digest, manifest, await readConfig(deps.content, id), id, { repoDigest });
      trace.step('register');
      for (const layerId of unpackLater) out.update(layerId, 'Pull complete');
    }
    deps.sources.add(client.domain, ref.path, [id, ...manifest.layers.map((l) => l.digest)]);
    out.message(`Digest: ${top.digest}`);
    trace.end();
    if (ref.tag === undefined) return existing === undefined || !(existing.repoDigests ?? []).includes(repoDigest);
    const full = formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag });
    const previous = deps.images.store.allReferences().get(full);
    if (previous === id) return false;
    await deps.images.store.tag(id, full); // the store's: a pull logs `pull`, not `tag` (moby)
    return true;
  });
}

/**
 * Config and layers into the content store, layers unpacked and committed;
 * the manifest stored last. Returns the progress ids of downloaded layers
 * that were not staged: register() unpacks them.
 */
async function fetchImage(deps: PullDeps, client: RegistryClient, ref: Reference, image: FetchedManifest, opts: PullOptions, out: ProgressOutput): Promise<string[]> {
  const manifest = image.manifest!;
  const config = await fetchConfig(deps, client, ref.path, manifest, opts);
  const diffIds = config.rootfs.diff_ids;
  const chain = chainIds(diffIds);
  const layers = manifest.layers;

  const stager = new LayerStager(deps.snapshotter);
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal.reason);
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const limit = taskLimit(MAX_CONCURRENT_DOWNLOADS);
  const jobs = new Map<Digest, Promise<void>>();
  try {
    const fetched: boolean[] = [];
    for (const l of layers) {
      const id = shortId(l.digest);
      if (jobs.has(l.digest) || (await deps.content.has(l.digest))) {
        fetched.push(jobs.has(l.digest));
        if (!jobs.has(l.digest)) out.update(id, 'Already exists');
        continue;
      }
      fetched.push(true);
      out.update(id, 'Pulling fs layer');
      const job = limit(
        () => downloadLayer({ client, path: ref.path, layer: l, id, content: deps.content, stager, out, signal: stop.signal }),
        () => out.update(id, 'Waiting'),
      );
      // The first failure stops the other downloads.
      job.catch(() => stop.abort());
      jobs.set(l.digest, job);
    }

    const settled = Promise.allSettled(jobs.values());
    const unstaged: string[] = [];
    try {
      let staging = true;
      for (let i = 0; i < layers.length; i++) {
        const job = jobs.get(layers[i]!.digest);
        if (job) await job;
        // Layers commit bottom up: once one was not staged, the unpacker does it and the rest.
        if (staging) staging = await commitStaged(deps, stager, layers[i]!.digest, diffIds[i]!, chain, i);
        if (!fetched[i]) continue;
        const id = shortId(layers[i]!.digest);
        out.bytes(id, 'Extracting', layers[i]!.size, layers[i]!.size, true);
        if (staging) out.update(id, 'Pull complete');
        else unstaged.push(id);
      }
    } catch (err) {
      stop.abort();
      await settled;
      throw err;
    }
    await deps.content.writeBlob(image.bytes, image.digest);
    return unstaged;
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await stager.discard();
  }
}

/** The image config: fetched, verified, checked against the manifest and the platform, stored. */
async function fetchConfig(deps: PullDeps, client: RegistryClient, path: string, manifest: Manifest, opts: PullOptions): Promise<ImageConfig> {
  const desc = manifest.config;
  const res = await client.request({ method: 'GET', url: `/v2/${path}/blobs/${desc.digest}`, scopes: [repositoryScope(path, 'pull')], signal: opts.signal });
  const bytes = await RegistryClient.readAll(res, MAX_CONFIG_BYTES, `image config ${desc.digest}`);
  if (digestOf(bytes) !== desc.digest) throw new DataLossError(`image config verification failed for digest ${desc.digest}`);
  const config = parseConfig(bytes, desc.digest);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) throw new InvalidArgumentError(`layers from manifest don't match image configuration`);
  if (config.os && config.os !== 'linux') throw new InvalidArgumentError(`image operating system "${config.os}" cannot be used on this platform`);
  const want = opts.platform;
  if (want && (config.architecture !== want.architecture || (config.os ?? 'linux') !== want.os)) {
    const actual = formatPlatform({ os: config.os ?? 'linux', architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
    throw new NotFoundError(`image was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${actual}`);
  }
  await deps.content.writeBlob(bytes, desc.digest);
  return config;
}

function parseConfig(bytes: Buffer, digest: Digest): ImageConfig {
  let config: ImageConfig;
  try {
    config = JSON.parse(bytes.toString('utf8')) as ImageConfig;
  } catch {
    throw new InvalidArgumentError(`image config ${digest}: not JSON`);
  }
  const ids = config?.rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string' && isDigestString(d))) {
    throw new InvalidArgumentError(`image config ${digest}: rootfs.diff_ids missing or not digests`);
  }
  return config;
}

async function readConfig(content: ContentStore, digest: Digest): Promise<ImageConfig> {
  return parseConfig(await content.readBlob(digest), digest);
}

/**
 * Commits layer i's staged snapshot under its chain ID on its parent. True
 * when the layer is now committed (or already was); false when it was not
 * staged, which leaves it and the layers above it to the unpacker.
 */
async function commitStaged(deps: PullDeps, stager: LayerStager, digest: Digest, diffId: Digest, chain: Digest[], i: number): Promise<boolean> {
  if (await snapshotExists(deps.snapshotter, chain[i]!)) return true;
  const staged = stager.take(digest);
  if (staged === undefined) return false;
  if (staged.diffId !== diffId) {
    await deps.snapshotter.remove(staged.key).catch(() => undefined);
    throw new DataLossError(`layer ${digest}: diff id mismatch: config says ${diffId}, content is ${staged.diffId}`);
  }
  try {
    await deps.snapshotter.commit(chain[i]!, staged.key, i > 0 ? { parent: chain[i - 1]! } : {});
  } catch (err) {
    await deps.snapshotter.remove(staged.key).catch(() => undefined);
    if (!(err instanceof AlreadyExistsError)) throw err; // a concurrent pull committed the same layer: keep that one
  }
  return true;
}

async function snapshotExists(snapshotter: Snapshotter, key: string): Promise<boolean> {
  try {
    await snapshotter.stat(key);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}
