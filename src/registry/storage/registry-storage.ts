/**
 * The registry's storage, composed: one root directory, its layout, and the
 * stores built on it in dependency order (blobs → uploads, tags, referrers →
 * manifests; catalog). The server and the garbage collector both open it.
 *
 * Lifecycle: RegistryStorage.open(root) creates the folders, sweeps uploads
 * and temp files older than the upload timeout (leftovers of a crash or of
 * clients that went away) → the stores are used → close() closes open
 * upload files (uploads stay resumable on disk).
 */
import { promises as fs } from 'node:fs';
import { BlobStore } from './blob-store.js';
import { DistributionError } from './errors.js';
import { RegistryLayout } from './layout.js';
import { exists } from './link-file.js';
import { ManifestStore } from './manifest-store.js';
import type { RepoName, Tag } from './names.js';
import { ReferrerIndex } from './referrer-index.js';
import { RepositoryCatalog } from './repository-catalog.js';
import { TagIndex } from './tag-index.js';
import { UploadStore } from './upload-store.js';

export interface StorageOptions {
  /** Uploads idle this long are removed (default one hour). */
  uploadTimeoutMs?: number;
}

export const DEFAULT_UPLOAD_TIMEOUT_MS = 60 * 60 * 1000;

export class RegistryStorage {
  readonly layout: RegistryLayout;
  readonly blobs: BlobStore;
  readonly uploads: UploadStore;
  readonly tags: TagIndex;
  readonly referrers: ReferrerIndex;
  readonly manifests: ManifestStore;
  readonly catalog: RepositoryCatalog;
  readonly uploadTimeoutMs: number;

  private constructor(root: string, opts: StorageOptions) {
    this.layout = new RegistryLayout(root);
    this.blobs = new BlobStore(this.layout);
    this.uploads = new UploadStore(this.layout, this.blobs);
    this.tags = new TagIndex(this.layout);
    this.referrers = new ReferrerIndex(this.layout);
    this.manifests = new ManifestStore(this.layout, this.blobs, this.tags, this.referrers);
    this.catalog = new RepositoryCatalog(this.layout);
    this.uploadTimeoutMs = opts.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
  }

  static async open(root: string, opts: StorageOptions = {}): Promise<RegistryStorage> {
    const s = new RegistryStorage(root, opts);
    for (const dir of [s.layout.blobsDir, s.layout.repositoriesDir, s.layout.uploadsDir, s.layout.tmpDir]) {
      await fs.mkdir(dir, { recursive: true });
    }
    await s.uploads.sweep(s.uploadTimeoutMs);
    return s;
  }

  /** True when the repository exists (it has received a blob or a manifest). */
  repositoryExists(repo: RepoName): Promise<boolean> {
    return exists(this.layout.repoDir(repo));
  }

  /** Tags of repo, sorted; NAME_UNKNOWN for an unknown repository. */
  async listTags(repo: RepoName): Promise<Tag[]> {
    if (!(await this.repositoryExists(repo))) {
      throw new DistributionError('NAME_UNKNOWN', { message: `repository name not known to registry: ${repo}`, detail: { name: repo } });
    }
    return this.tags.list(repo);
  }

  async close(): Promise<void> {
    await this.uploads.close();
  }
}
