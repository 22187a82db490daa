/**
 * The referrers API's index: for each subject digest, one file per manifest
 * of the repository whose `subject` names it, holding the descriptor the API
 * lists (mediaType, digest, size, artifactType, annotations). Written on
 * manifest PUT, removed on manifest DELETE, so a listing is one readdir.
 */
import type { Descriptor } from './manifest-model.js';
import type { RegistryLayout } from './layout.js';
import { listDir, readTextIfExists, removeIfExists, writeSmallFile } from './link-file.js';
import type { BlobDigest, RepoName } from './names.js';
import { compareStrings } from './tag-index.js';
import * as path from 'node:path';

export class ReferrerIndex {
  readonly #layout: RegistryLayout;

  constructor(layout: RegistryLayout) {
    this.#layout = layout;
  }

  async add(repo: RepoName, subject: BlobDigest, referrer: Descriptor): Promise<void> {
    await writeSmallFile(this.#layout.tmpDir, this.#layout.referrerLink(repo, subject, referrer.digest), JSON.stringify(referrer));
  }

  async remove(repo: RepoName, subject: BlobDigest, referrer: BlobDigest): Promise<void> {
    await removeIfExists(this.#layout.referrerLink(repo, subject, referrer));
  }

  /** Referrers of subject in repo, optionally only those of one artifactType, ordered by digest. */
  async list(repo: RepoName, subject: BlobDigest, artifactType?: string): Promise<Descriptor[]> {
    const dir = this.#layout.referrersDir(repo, subject);
    const out: Descriptor[] = [];
    for (const name of (await listDir(dir)).sort(compareStrings)) {
      const text = await readTextIfExists(path.join(dir, name));
      if (text === undefined) continue;
      let d: Descriptor;
      try {
        d = JSON.parse(text) as Descriptor;
      } catch {
        continue;
      }
      if (artifactType === undefined || d.artifactType === artifactType) out.push(d);
    }
    return out;
  }
}
