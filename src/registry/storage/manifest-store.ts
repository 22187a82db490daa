/**
 * Manifests of a repository: PUT (verify, store, link, tag, index its
 * subject), GET by tag or digest, DELETE by digest (with its tags and
 * referrer entry) or by tag.
 *
 * A manifest's bytes are a blob like any other (blobs/<alg>/…), stored
 * exactly as pushed; the repository holds it through a revision link
 * (_manifests/revisions/<alg>/<hex>) that also records the media type, so a
 * GET answers with the Content-Type it was pushed with.
 *
 * PUT verifies before anything is visible: the digest (when pushed by
 * digest), the body (manifest-model.ts), and that every referenced blob is
 * linked into this repository and every child manifest is one of its
 * revisions (MANIFEST_BLOB_UNKNOWN otherwise). Each reference it confirms is
 * claimed (mtime stamped) so a garbage collection running meanwhile keeps it.
 * Mutations of one repository's manifests and tags run one at a time.
 */
import { KeyedMutex } from '../../storage/mutex.js';
import type { BlobStore } from './blob-store.js';
import { DistributionError } from './errors.js';
import type { RegistryLayout } from './layout.js';
import { claim, exists, readTextIfExists, removeIfExists, writeSmallFile } from './link-file.js';
import { parseManifest, referrerDescriptor, type Descriptor, type ParsedManifest } from './manifest-model.js';
import { digestAlgorithm, digestOfBytes, isBlobDigest, type BlobDigest, type RepoName, type Tag } from './names.js';
import type { ReferrerIndex } from './referrer-index.js';
import type { TagIndex } from './tag-index.js';

export interface StoredManifest {
  digest: BlobDigest;
  mediaType: string;
  bytes: Buffer;
}

export interface PutManifestRequest {
  /** The tag or digest in the URL. */
  reference: { tag: Tag } | { digest: BlobDigest };
  bytes: Buffer;
  contentType: string | undefined;
  /** `?tag=` values (only when pushing by digest). */
  extraTags?: Tag[];
}

export interface PutManifestResult {
  digest: BlobDigest;
  mediaType: string;
  subject?: BlobDigest;
  tags: Tag[];
}

interface RevisionLink {
  mediaType: string;
  size: number;
}

export class ManifestStore {
  readonly #layout: RegistryLayout;
  readonly #blobs: BlobStore;
  readonly #tags: TagIndex;
  readonly #referrers: ReferrerIndex;
  readonly #locks = new KeyedMutex();

  constructor(layout: RegistryLayout, blobs: BlobStore, tags: TagIndex, referrers: ReferrerIndex) {
    this.#layout = layout;
    this.#blobs = blobs;
    this.#tags = tags;
    this.#referrers = referrers;
  }

  /** The manifest a tag or digest names; MANIFEST_UNKNOWN (NAME_UNKNOWN for an unknown repository) otherwise. */
  async get(repo: RepoName, reference: { tag: Tag } | { digest: BlobDigest }): Promise<StoredManifest> {
    const digest = 'digest' in reference ? reference.digest : await this.#tags.get(repo, reference.tag);
    if (digest === undefined) throw await this.#unknown(repo, 'tag' in reference ? reference.tag : '');
    const link = await this.#revision(repo, digest);
    const bytes = link === undefined ? undefined : await this.#blobs.readBytes(digest);
    if (link === undefined || bytes === undefined) throw await this.#unknown(repo, digest);
    return { digest, mediaType: link.mediaType, bytes };
  }

  /** True when digest is one of repo's manifests. */
  async has(repo: RepoName, digest: BlobDigest): Promise<boolean> {
    return (await this.#revision(repo, digest)) !== undefined;
  }

  async put(repo: RepoName, req: PutManifestRequest): Promise<PutManifestResult> {
    const parsed = parseManifest(req.bytes, req.contentType);
    const algorithm = 'digest' in req.reference ? digestAlgorithm(req.reference.digest) : 'sha256';
    const digest = digestOfBytes(req.bytes, algorithm);
    if ('digest' in req.reference && req.reference.digest !== digest) {
      throw new DistributionError('DIGEST_INVALID', {
        message: `manifest digest mismatch: expected ${req.reference.digest}, got ${digest}`,
        detail: { digest: req.reference.digest, actual: digest },
      });
    }
    return this.#locks.run(repo, async () => {
      await this.#verifyReferences(repo, parsed);
      await this.#blobs.putBytes(req.bytes, digest);
      const link: RevisionLink = { mediaType: parsed.mediaType, size: req.bytes.length };
      await writeSmallFile(this.#layout.tmpDir, this.#layout.revisionLink(repo, digest), JSON.stringify(link));
      if (parsed.subject !== undefined) {
        await this.#referrers.add(repo, parsed.subject.digest, referrerDescriptor(parsed, digest, req.bytes.length));
      }
      const tags = 'tag' in req.reference ? [req.reference.tag] : (req.extraTags ?? []);
      for (const tag of tags) await this.#tags.set(repo, tag, digest);
      const result: PutManifestResult = { digest, mediaType: parsed.mediaType, tags };
      if (parsed.subject !== undefined) result.subject = parsed.subject.digest;
      return result;
    });
  }

  /** DELETE by digest: the revision, every tag pointing at it and its referrer entry go; bytes stay for GC. */
  async delete(repo: RepoName, digest: BlobDigest): Promise<void> {
    await this.#locks.run(repo, async () => {
      if ((await this.#revision(repo, digest)) === undefined) throw await this.#unknown(repo, digest);
      const bytes = await this.#blobs.readBytes(digest);
      if (bytes !== undefined) {
        let parsed: ParsedManifest | undefined;
        try {
          parsed = parseManifest(bytes, undefined);
        } catch {
          parsed = undefined;
        }
        if (parsed?.subject !== undefined) await this.#referrers.remove(repo, parsed.subject.digest, digest);
      }
      for (const tag of await this.#tags.pointingAt(repo, digest)) await this.#tags.remove(repo, tag);
      await removeIfExists(this.#layout.revisionLink(repo, digest));
    });
  }

  /** DELETE by tag: only the tag goes. */
  async deleteTag(repo: RepoName, tag: Tag): Promise<void> {
    await this.#locks.run(repo, async () => {
      if (!(await this.#tags.remove(repo, tag))) throw await this.#unknown(repo, tag);
    });
  }

  async #verifyReferences(repo: RepoName, m: ParsedManifest): Promise<void> {
    const missing: Descriptor[] = [];
    for (const d of m.blobs) {
      if (!(await this.#blobs.claimInRepo(repo, d.digest))) {
        missing.push(d);
        continue;
      }
      const size = await this.#blobs.stat(d.digest);
      if (size === undefined) missing.push(d);
      else if (size !== d.size) {
        throw new DistributionError('MANIFEST_INVALID', { message: `size of ${d.digest} is ${size}, the manifest says ${d.size}`, detail: { digest: d.digest } });
      }
    }
    for (const d of m.manifests) {
      const link = this.#layout.revisionLink(repo, d.digest);
      if (!(await claim(link)) || !(await this.#blobs.claim(d.digest))) missing.push(d);
    }
    if (missing.length === 0) return;
    const errors = missing.map(
      (d) => new DistributionError('MANIFEST_BLOB_UNKNOWN', { message: `manifest references ${d.digest}, unknown to repository ${repo}`, detail: { digest: d.digest } }),
    );
    throw new DistributionError('MANIFEST_BLOB_UNKNOWN', { message: errors[0]!.message, detail: errors[0]!.detail, more: errors.slice(1) });
  }

  async #revision(repo: RepoName, digest: BlobDigest): Promise<RevisionLink | undefined> {
    const text = await readTextIfExists(this.#layout.revisionLink(repo, digest));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as RevisionLink;
    } catch {
      return undefined;
    }
  }

  async #unknown(repo: RepoName, reference: string): Promise<DistributionError> {
    if (!(await exists(this.#layout.repoDir(repo)))) {
      return new DistributionError('NAME_UNKNOWN', { message: `repository name not known to registry: ${repo}`, detail: { name: repo } });
    }
    const what = isBlobDigest(reference) ? reference : `${repo}:${reference}`;
    return new DistributionError('MANIFEST_UNKNOWN', { message: `manifest unknown: ${what}`, detail: { name: repo, reference } });
  }
}
