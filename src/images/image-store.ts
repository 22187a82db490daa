/**
 * Image records and references (name → image ID), the metadata half of the
 * image store; the bytes live in the content store and the unpacked layers
 * in the snapshotter.
 *
 * An image's ID is the digest of its config blob, as in Docker. Each image
 * has one record file (images/<hex>.json); all references live in one
 * references.json, rewritten atomically under a mutex so a crash leaves
 * either the old or the new set of tags.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type Digest, isDigestString } from '../content/digest.js';
import { InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import { DEFAULT_TAG, familiarString, formatReference, normalizeReference, parseNormalizedNamed, referenceName } from '../reference/reference.js';
import { readJsonIfExists, sweepTempFiles, writeJsonAtomic } from '../storage/atomic-write.js';
import { Mutex } from '../storage/mutex.js';

export interface ImageRecord {
  id: Digest;
  manifestDigest: Digest;
  /** Sum of the uncompressed layer sizes. */
  size: number;
  /** Local parent image (set by commit and build), for `docker history` and the build cache. */
  parent?: Digest;
  /** When the image was added to this store. */
  added: string;
  /** Digests the image was pulled or loaded by ("name@sha256:…"). */
  repoDigests?: string[];
  /** The build cache key of the Dockerfile step that made this image from its parent (src/build/builder/build-cache.ts). */
  buildKey?: string;
}

export class ImageStore {
  readonly #dir: string;
  readonly #refsFile: string;
  readonly #mutex = new Mutex();
  #records = new Map<Digest, ImageRecord>();
  #refs = new Map<string, Digest>();

  constructor(root: string) {
    this.#dir = path.join(root, 'images');
    this.#refsFile = path.join(root, 'references.json');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.#dir, { recursive: true });
    await sweepTempFiles(this.#dir);
    await sweepTempFiles(path.dirname(this.#refsFile));
    for (const name of await fs.readdir(this.#dir)) {
      if (!name.endsWith('.json')) continue;
      const rec = await readJsonIfExists<ImageRecord>(path.join(this.#dir, name));
      if (rec) this.#records.set(rec.id, rec);
    }
    const refs = (await readJsonIfExists<Record<string, Digest>>(this.#refsFile)) ?? {};
    for (const [ref, id] of Object.entries(refs)) {
      // A reference to an image whose record never landed is dropped, not trusted.
      if (this.#records.has(id)) this.#refs.set(ref, id);
    }
  }

  list(): ImageRecord[] {
    return [...this.#records.values()];
  }

  get(id: Digest): ImageRecord {
    const rec = this.#records.get(id);
    if (!rec) throw new NotFoundError(`No such image: ${id}`);
    return rec;
  }

  /** Every full reference ("docker.io/library/busybox:latest") that points at id. */
  referencesOf(id: Digest): string[] {
    return [...this.#refs.entries()].filter(([, v]) => v === id).map(([k]) => k).sort();
  }

  allReferences(): ReadonlyMap<string, Digest> {
    return this.#refs;
  }

  /**
   * Finds an image the way moby's GetImage does: a 64-hex ID or "sha256:…"
   * digest is an ID; anything else must parse as a reference
   * (InvalidArgumentError with distribution's wording otherwise) and is
   * looked up as a tag (default "latest") or name@digest, then as an ID
   * prefix ("ab12…", "sha256:ab12…"). NotFoundError reads as Docker's
   * "No such image: busybox:latest".
   */
  resolve(nameOrId: string): ImageRecord {
    if (/^[a-f0-9]{64}$/.test(nameOrId) || isDigestString(nameOrId)) {
      const id = (nameOrId.startsWith('sha256:') ? nameOrId : `sha256:${nameOrId}`) as Digest;
      const rec = this.#records.get(id);
      if (!rec) throw new NotFoundError(`No such image: ${id}`);
      return rec;
    }
    const ref = parseNormalizedNamed(nameOrId);
    if (ref.tag === undefined && ref.digest === undefined) ref.tag = DEFAULT_TAG;
    const full = formatReference(ref);
    const id = this.#refs.get(full) ?? (ref.digest !== undefined && ref.tag !== undefined ? this.#refs.get(formatReference({ ...ref, tag: undefined })) : undefined);
    if (id) return this.get(id);
    if (ref.digest !== undefined) {
      // name@digest of a pulled or loaded image: its manifest digest, or the index it was pulled by.
      const pulledBy = `${referenceName(ref)}@${ref.digest}`;
      for (const rec of this.#records.values()) {
        if (rec.manifestDigest === ref.digest || rec.id === ref.digest || rec.repoDigests?.includes(pulledBy)) return rec;
      }
    }
    const byId = this.#byIdPrefix(nameOrId);
    if (byId) return byId;
    throw new NotFoundError(`No such image: ${familiarString(ref)}`);
  }

  /** The images whose parent is id (commit and build record it): they keep id from being deleted. */
  children(id: Digest): ImageRecord[] {
    return [...this.#records.values()].filter((r) => r.parent === id);
  }

  /** An ID prefix, bare or after "sha256:", that names exactly one image (moby's digest-set lookup). */
  #byIdPrefix(s: string): ImageRecord | undefined {
    const hex = s.startsWith('sha256:') ? s.slice(7) : s;
    if (!/^[a-f0-9]{1,64}$/.test(hex)) return undefined;
    const matches = [...this.#records.keys()].filter((id) => id.slice(7).startsWith(hex));
    return matches.length === 1 ? this.#records.get(matches[0]!) : undefined;
  }

  async add(rec: ImageRecord): Promise<void> {
    await this.#mutex.run(async () => {
      await writeJsonAtomic(path.join(this.#dir, `${rec.id.slice(7)}.json`), rec);
      this.#records.set(rec.id, rec);
    });
  }

  async update(id: Digest, patch: Partial<Omit<ImageRecord, 'id'>>): Promise<void> {
    await this.#mutex.run(async () => {
      const rec = { ...this.get(id), ...patch };
      await writeJsonAtomic(path.join(this.#dir, `${id.slice(7)}.json`), rec);
      this.#records.set(id, rec);
    });
  }

  /** Points reference at id; returns the image it pointed at before, if any. */
  async tag(id: Digest, reference: string): Promise<Digest | undefined> {
    this.get(id);
    const ref = normalizeReference(reference);
    if (ref.digest && !ref.tag) throw new InvalidArgumentError(`refusing to create a tag with a digest reference`);
    const full = formatReference(ref);
    return this.#mutex.run(async () => {
      const previous = this.#refs.get(full);
      this.#refs.set(full, id);
      await this.#saveRefs();
      return previous === id ? undefined : previous;
    });
  }

  async untag(fullReference: string): Promise<void> {
    await this.#mutex.run(async () => {
      if (!this.#refs.delete(fullReference)) throw new NotFoundError(`No such image: ${fullReference}`);
      await this.#saveRefs();
    });
  }

  readonly #deleteListeners: Array<(id: Digest) => void> = [];

  /** Called after an image record is deleted (the build cache drops what it kept beside it). */
  onDelete(listener: (id: Digest) => void): void {
    this.#deleteListeners.push(listener);
  }

  async delete(id: Digest): Promise<void> {
    await this.#deleteRecord(id);
    for (const l of this.#deleteListeners) l(id);
  }

  async #deleteRecord(id: Digest): Promise<void> {
    await this.#mutex.run(async () => {
      for (const [ref, v] of [...this.#refs]) if (v === id) this.#refs.delete(ref);
      await this.#saveRefs();
      this.#records.delete(id);
      try {
        await fs.unlink(path.join(this.#dir, `${id.slice(7)}.json`));
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    });
  }

  async #saveRefs(): Promise<void> {
    const sorted = Object.fromEntries([...this.#refs.entries()].sort(([a], [b]) => a.localeCompare(b)));
    await writeJsonAtomic(this.#refsFile, sorted);
  }
}
