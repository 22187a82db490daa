/**
 * The `_catalog`: every repository that holds manifests, found by walking
 * repositories/ (a directory with a `_manifests` folder is a repository;
 * folders starting with `_` are a repository's own data, never names), in
 * sorted order.
 */
import type { Dirent } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrno } from '../../errors.js';
import type { RegistryLayout } from './layout.js';
import { isRepoName, type RepoName } from './names.js';
import { compareStrings } from './tag-index.js';

export class RepositoryCatalog {
  readonly #layout: RegistryLayout;

  constructor(layout: RegistryLayout) {
    this.#layout = layout;
  }

  /** Every repository name, sorted. */
  async list(): Promise<RepoName[]> {
    const out: RepoName[] = [];
    await this.#walk(this.#layout.repositoriesDir, [], out, { manifestsOnly: true });
    return out.sort(compareStrings);
  }

  /** Every repository directory, including those holding only blobs (for GC). */
  async listAll(): Promise<RepoName[]> {
    const out: RepoName[] = [];
    await this.#walk(this.#layout.repositoriesDir, [], out, { manifestsOnly: false });
    return out.sort(compareStrings);
  }

  async #walk(dir: string, parts: string[], out: RepoName[], opts: { manifestsOnly: boolean }): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return;
      throw err;
    }
    const isRepo = entries.some((e) => e.isDirectory() && (e.name === '_manifests' || (!opts.manifestsOnly && (e.name === '_layers' || e.name === '_referrers'))));
    const name = parts.join('/');
    if (isRepo && isRepoName(name)) out.push(name);
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('_')) continue;
      await this.#walk(path.join(dir, e.name), [...parts, e.name], out, opts);
    }
  }
}
