/**
 * Tags of a repository: one file per tag under _manifests/tags/, holding the
 * digest it points at. Written atomically (link-file.ts); listed in the
 * "ASCIIbetical" order the spec asks for.
 */
import type { RegistryLayout } from './layout.js';
import { listDir, readTextIfExists, removeIfExists, writeSmallFile } from './link-file.js';
import { isBlobDigest, isTag, type BlobDigest, type RepoName, type Tag } from './names.js';

export class TagIndex {
  readonly #layout: RegistryLayout;

  constructor(layout: RegistryLayout) {
    this.#layout = layout;
  }

  async get(repo: RepoName, tag: Tag): Promise<BlobDigest | undefined> {
    const text = (await readTextIfExists(this.#layout.tagFile(repo, tag)))?.trim();
    return text !== undefined && isBlobDigest(text) ? text : undefined;
  }

  async set(repo: RepoName, tag: Tag, digest: BlobDigest): Promise<void> {
    await writeSmallFile(this.#layout.tmpDir, this.#layout.tagFile(repo, tag), `${digest}\n`);
  }

  async remove(repo: RepoName, tag: Tag): Promise<boolean> {
    return removeIfExists(this.#layout.tagFile(repo, tag));
  }

  /** Every tag, sorted by code unit (Go's sort.Strings order). */
  async list(repo: RepoName): Promise<Tag[]> {
    const names = (await listDir(this.#layout.tagsDir(repo))).filter(isTag);
    return names.sort(compareStrings);
  }

  /** Tags pointing at digest (for manifest deletion). */
  async pointingAt(repo: RepoName, digest: BlobDigest): Promise<Tag[]> {
    const out: Tag[] = [];
    for (const tag of await this.list(repo)) {
      if ((await this.get(repo, tag)) === digest) out.push(tag);
    }
    return out;
  }

  /** Every (tag → digest) of repo, for GC reports. */
  async entries(repo: RepoName): Promise<Array<[Tag, BlobDigest]>> {
    const out: Array<[Tag, BlobDigest]> = [];
    for (const tag of await this.list(repo)) {
      const d = await this.get(repo, tag);
      if (d !== undefined) out.push([tag, d]);
    }
    return out;
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
