/**
 * The image service: makes images from layers and a config, looks them up,
 * removes them with Docker's untag/delete rules, and collects garbage.
 *
 * Making an image: layer blobs are already in the content store → write the
 * config blob → write the manifest blob → unpack layers into snapshots →
 * write the image record → point the tags at it. The record is written last,
 * so a crash before it leaves only unreferenced blobs for gc().
 */
import { EventEmitter } from 'node:events';
import { chainIds, type Digest } from '../content/digest.js';
import type { ContentStore } from '../content/content-store.js';
import { NotFoundError } from '../errors.js';
import { familiarString, normalizeReference } from '../reference/reference.js';
import type { Snapshotter } from '../snapshots/types.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import { deleteImage, type DeleteResponseItem, type DeleteResult } from './image-delete.js';
import type { LayerUnpacker } from './layer-unpacker.js';
import { SharedExclusiveLock } from '../storage/mutex.js';
import { MediaTypes, type Descriptor, type ImageConfig, type Manifest } from './oci-types.js';

export interface ResolvedImage {
  record: ImageRecord;
  manifest: Manifest;
  config: ImageConfig;
}

/** Who uses an image: answered by the container service, wired in the composition root. */
export type ImageUsers = (imageId: Digest) => { id: string; running: boolean }[];

export type { DeleteResponseItem, DeleteResult } from './image-delete.js';

export class ImageService {
  /** 'event' payloads `{ type: 'image', action, id, attributes }` (tag, untag, delete, pull, …), for the event bus. */
  readonly events = new EventEmitter();
  #users: ImageUsers = () => [];
  readonly #producers = new SharedExclusiveLock();

  constructor(
    readonly content: ContentStore,
    readonly store: ImageStore,
    private readonly unpacker: LayerUnpacker,
    private readonly snapshotter: Snapshotter,
  ) {}

  setImageUsers(users: ImageUsers): void {
    this.#users = users;
  }

  async create(opts: { config: ImageConfig; layers: Descriptor[]; parent?: Digest; tags?: string[]; repoDigest?: string; buildKey?: string }): Promise<ImageRecord> {
    return this.producing(() => this.#create(opts));
  }

  async #create(opts: { config: ImageConfig; layers: Descriptor[]; parent?: Digest; tags?: string[]; repoDigest?: string; buildKey?: string }): Promise<ImageRecord> {
    const configBytes = Buffer.from(JSON.stringify(opts.config));
    const configInfo = await this.content.writeBlob(configBytes);
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: configInfo.digest, size: configInfo.size },
      layers: opts.layers,
    };
    const manifestInfo = await this.content.writeBlob(Buffer.from(JSON.stringify(manifest)));
    return this.#register(manifestInfo.digest, manifest, opts.config, configInfo.digest, opts);
  }

  /** Committed layers never change, and a build registers an image per step: measure each once. */
  readonly #layerSizes = new Map<Digest, number>();

  async #layerSize(chainId: Digest): Promise<number> {
    let size = this.#layerSizes.get(chainId);
    if (size === undefined) {
      size = (await this.snapshotter.usage(chainId)).size;
      this.#layerSizes.set(chainId, size);
    }
    return size;
  }

  /** Each layer of an image (by chain ID) with its size: `system df` counts shared layers once. */
  async layerSizes(config: ImageConfig): Promise<Array<{ chainId: Digest; size: number }>> {
    const out: Array<{ chainId: Digest; size: number }> = [];
    for (const chainId of chainIds(config.rootfs.diff_ids)) out.push({ chainId, size: await this.#layerSize(chainId).catch(() => 0) });
    return out;
  }

  /** Registers an image whose manifest and config blobs are already stored (load, pull). */
  async register(
    manifestDigest: Digest,
    manifest: Manifest,
    config: ImageConfig,
    id: Digest,
    opts: { parent?: Digest; tags?: string[]; repoDigest?: string } = {},
  ): Promise<ImageRecord> {
    return this.producing(() => this.#register(manifestDigest, manifest, config, id, opts));
  }

  async #register(
    manifestDigest: Digest,
    manifest: Manifest,
    config: ImageConfig,
    id: Digest,
    opts: { parent?: Digest; tags?: string[]; repoDigest?: string; buildKey?: string },
  ): Promise<ImageRecord> {
    await this.unpacker.unpack(manifest.layers, config.rootfs.diff_ids);
    let size = 0;
    for (const chainId of chainIds(config.rootfs.diff_ids)) size += await this.#layerSize(chainId);
    const existing = this.store.list().find((r) => r.id === id);
    const record: ImageRecord = {
      id,
      manifestDigest,
      size,
      added: existing?.added ?? new Date().toISOString(),
      ...(opts.parent ? { parent: opts.parent } : existing?.parent ? { parent: existing.parent } : {}),
      ...(opts.buildKey ? { buildKey: opts.buildKey } : existing?.buildKey ? { buildKey: existing.buildKey } : {}),
      ...(existing?.repoDigests || opts.repoDigest
        ? { repoDigests: [...new Set([...(existing?.repoDigests ?? []), ...(opts.repoDigest ? [opts.repoDigest] : [])])] }
        : {}),
    };
    await this.store.add(record);
    for (const tag of opts.tags ?? []) await this.tag(id, tag);
    return record;
  }

  resolve(nameOrId: string): ImageRecord {
    return this.store.resolve(nameOrId);
  }

  async inspect(nameOrId: string): Promise<ResolvedImage> {
    const record = this.store.resolve(nameOrId);
    return this.load(record);
  }

  async load(record: ImageRecord): Promise<ResolvedImage> {
    const manifest = JSON.parse((await this.content.readBlob(record.manifestDigest)).toString()) as Manifest;
    const config = JSON.parse((await this.content.readBlob(record.id)).toString()) as ImageConfig;
    return { record, manifest, config };
  }

  /** Chain ID of the image's top layer: the parent snapshot of its containers. */
  topChainId(config: ImageConfig): Digest | undefined {
    return chainIds(config.rootfs.diff_ids).at(-1);
  }

  /** `docker tag` (also build -t, commit and import with a name); pull and load tag through the store, silently, as moby. */
  async tag(id: Digest, reference: string): Promise<void> {
    // An image that loses its last tag to this one stays, dangling, as in Docker.
    await this.store.tag(id, reference);
    await this.logEvent('tag', id, familiarString(normalizeReference(reference)));
  }

  /**
   * moby's LogImageEvent: an image event whose attributes are the image's
   * labels (when `imageId` still resolves) and `name` (refName). Never throws.
   */
  async logEvent(action: string, imageId: string, refName: string): Promise<void> {
    let labels: Record<string, string> = {};
    try {
      labels = (await this.inspect(imageId)).config.config?.Labels ?? {};
    } catch {
      // gone (delete) or not an image reference: no labels
    }
    this.events.emit('event', { type: 'image', action, id: imageId, attributes: { ...labels, ...(refName ? { name: refName } : {}) } });
  }

  /** `docker rmi`: Docker's untag/delete rules (image-delete.ts); noPrune keeps untagged parents. */
  async remove(nameOrId: string, opts: { force?: boolean; noPrune?: boolean } = {}): Promise<DeleteResponseItem[]> {
    return (await this.delete(nameOrId, { force: opts.force === true, prune: opts.noPrune !== true })).items;
  }

  /** remove(), also telling how many bytes of layers went (for prune). Emits untag and delete events as moby. */
  async delete(nameOrId: string, opts: { force: boolean; prune: boolean }): Promise<DeleteResult> {
    const record = this.store.resolve(nameOrId);
    const labels = (await this.load(record).catch(() => undefined))?.config.config?.Labels ?? {};
    const images = new Set<string>(this.store.list().map((r) => r.id));
    const result = await this.#deleteImage(nameOrId, opts);
    for (const item of result.items) {
      // Untagged names belong to the image asked for (its parents are deleted only when untagged).
      if ('Untagged' in item) this.events.emit('event', { type: 'image', action: 'untag', id: record.id, attributes: { ...labels, name: record.id } });
      else if (images.has(item.Deleted)) this.events.emit('event', { type: 'image', action: 'delete', id: item.Deleted, attributes: { name: item.Deleted } });
    }
    return result;
  }

  #deleteImage(nameOrId: string, opts: { force: boolean; prune: boolean }): Promise<DeleteResult> {
    return deleteImage(
      {
        store: this.store,
        users: (id) => this.#users(id),
        config: async (record) => (await this.load(record)).config,
        layerSize: async (chainId) => (await this.snapshotter.usage(chainId).catch(() => ({ size: 0 }))).size,
        collect: async () => (await this.gc()).removedSnapshots,
      },
      nameOrId,
      opts,
    );
  }

  /**
   * Removes blobs and snapshots that no image references. Snapshots still used
   * as a parent (by a container's layer) are kept: the snapshotter refuses them.
   */
  async gc(): Promise<{ blobs: number; snapshots: number; bytes: number; removedSnapshots: Set<string> }> {
    return this.#producers.exclusive(() => this.#collect());
  }

  /**
   * Runs an image producer (load, commit, import) so that garbage collection
   * waits until it has registered what it staged (see SharedExclusiveLock).
   */
  producing<T>(fn: () => Promise<T>): Promise<T> {
    return this.#producers.shared(fn);
  }

  async #collect(): Promise<{ blobs: number; snapshots: number; bytes: number; removedSnapshots: Set<string> }> {
    const liveBlobs = new Set<string>();
    const liveChains = new Set<string>();
    for (const rec of this.store.list()) {
      try {
        const { manifest, config } = await this.load(rec);
        liveBlobs.add(rec.manifestDigest).add(rec.id);
        for (const l of manifest.layers) liveBlobs.add(l.digest);
        for (const c of chainIds(config.rootfs.diff_ids)) liveChains.add(c);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    let blobs = 0;
    let bytes = 0;
    for (const b of await this.content.list()) {
      if (liveBlobs.has(b.digest)) continue;
      await this.content.delete(b.digest).catch(() => undefined);
      blobs++;
      bytes += b.size;
    }
    let snapshots = 0;
    const removedSnapshots = new Set<string>();
    // Children before parents: keep removing until a pass removes nothing.
    for (let progress = true; progress; ) {
      progress = false;
      for (const s of await this.snapshotter.walk()) {
        if (s.kind !== 'committed' || liveChains.has(s.name) || !s.name.startsWith('sha256:')) continue;
        try {
          await this.snapshotter.remove(s.name);
          snapshots++;
          removedSnapshots.add(s.name);
          progress = true;
        } catch {
          // still a parent of something: kept
        }
      }
    }
    return { blobs, snapshots, bytes, removedSnapshots };
  }
}
