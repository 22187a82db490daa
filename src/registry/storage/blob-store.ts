/**
 * Content-addressed blobs, stored once per registry, and the per-repository
 * links that say which repositories hold them.
 *
 * A blob becomes visible only through publish()/putBytes(), which take
 * content already verified against its digest and fsynced, rename it into
 * blobs/, and fsync the directory. A repository "has" a blob when its
 * `_layers` link exists AND the blob file exists, so a link left behind by a
 * collected blob reads as unknown, never as a broken blob.
 *
 * Lifecycle of a blob: upload session (upload-store.ts) → publish → link
 * (repository can now HEAD/GET/mount it) → referenced by manifests →
 * unlinked (DELETE) / unreferenced → collected by garbage-collector.ts.
 */
import { promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { isErrno } from '../../errors.js';
import { DistributionError } from './errors.js';
import type { RegistryLayout } from './layout.js';
import { claim, exists, fsyncDir, removeIfExists, renameInto, writeSmallFile } from './link-file.js';
import type { BlobDigest, RepoName } from './names.js';

export interface OpenBlob {
  handle: FileHandle;
  size: number;
  /** Last modification, for Last-Modified-style headers and tests. */
  mtime: Date;
}

export class BlobStore {
  readonly #layout: RegistryLayout;

  constructor(layout: RegistryLayout) {
    this.#layout = layout;
  }

  /** Size of the stored blob, or undefined when the registry does not have it. */
  async stat(d: BlobDigest): Promise<number | undefined> {
    const st = await statIfExists(this.#layout.blobPath(d));
    return st?.size;
  }

  /** Size of the blob when repo holds it, else undefined. */
  async statInRepo(repo: RepoName, d: BlobDigest): Promise<number | undefined> {
    if (!(await exists(this.#layout.layerLink(repo, d)))) return undefined;
    return this.stat(d);
  }

  /** Opens a blob repo holds for reading; BLOB_UNKNOWN otherwise. The caller closes the handle. */
  async openInRepo(repo: RepoName, d: BlobDigest): Promise<OpenBlob> {
    if (!(await exists(this.#layout.layerLink(repo, d)))) throw blobUnknown(d);
    let handle: FileHandle;
    try {
      handle = await fs.open(this.#layout.blobPath(d), 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw blobUnknown(d);
      throw err;
    }
    try {
      const st = await handle.stat();
      return { handle, size: st.size, mtime: st.mtime };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /**
   * Makes a verified, fsynced file the blob d (renaming over an existing copy
   * is harmless: same digest, same bytes). The file's mtime must already be
   * fresh (the upload store stamps it), so the collector keeps it.
   */
  async publish(verifiedFile: string, d: BlobDigest): Promise<void> {
    const target = this.#layout.blobPath(d);
    await renameInto(verifiedFile, target);
    await fsyncDir(path.dirname(target));
  }

  /** Stores small content (a manifest) whose digest the caller computed from these bytes. */
  async putBytes(bytes: Uint8Array, d: BlobDigest): Promise<void> {
    // Already there: re-stamp it (so a running collection keeps it) instead of rewriting.
    if (await claim(this.#layout.blobPath(d))) return;
    await writeSmallFile(this.#layout.tmpDir, this.#layout.blobPath(d), bytes);
  }

  async readBytes(d: BlobDigest): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.#layout.blobPath(d));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /**
   * Re-stamps the blob so a collection that already started keeps it; false
   * when it is gone. Called whenever the server makes or confirms a
   * reference to an existing blob (mount, manifest PUT).
   */
  claim(d: BlobDigest): Promise<boolean> {
    return claim(this.#layout.blobPath(d));
  }

  /** Records that repo holds d (the blob must exist). */
  async link(repo: RepoName, d: BlobDigest): Promise<void> {
    const link = this.#layout.layerLink(repo, d);
    if (await claim(link)) return;
    await writeSmallFile(this.#layout.tmpDir, link, `${d}\n`);
  }

  /** Claims d in repo for a new reference: true when repo holds it and it still exists. */
  async claimInRepo(repo: RepoName, d: BlobDigest): Promise<boolean> {
    if (!(await claim(this.#layout.layerLink(repo, d)))) return false;
    return this.claim(d);
  }

  /** DELETE /v2/<name>/blobs/<digest>: repo no longer holds d; the bytes go at the next collection. */
  async unlink(repo: RepoName, d: BlobDigest): Promise<boolean> {
    return removeIfExists(this.#layout.layerLink(repo, d));
  }

  /**
   * Cross-repository mount: links d into repo when `from` holds it. Returns
   * the size, or undefined when `from` does not have it (the caller then
   * starts an ordinary upload).
   */
  async mount(repo: RepoName, from: RepoName, d: BlobDigest): Promise<number | undefined> {
    if (!(await exists(this.#layout.layerLink(from, d)))) return undefined;
    if (!(await this.claim(d))) return undefined;
    const size = await this.stat(d);
    if (size === undefined) return undefined;
    await this.link(repo, d);
    return size;
  }
}

export function blobUnknown(d: BlobDigest): DistributionError {
  return new DistributionError('BLOB_UNKNOWN', { message: `blob unknown to registry: ${d}`, detail: { digest: d } });
}

async function statIfExists(file: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(file);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}
