/**
 * Where everything lives under the registry root. Only validated names
 * (names.ts) are joined into paths here.
 *
 *   blobs/<alg>/<2 hex>/<hex>                        content, stored once per registry (layers, configs, manifests)
 *   repositories/<name>/_layers/<alg>/<hex>          link: the repository holds this blob
 *   repositories/<name>/_manifests/revisions/<alg>/<hex>   link: the repository holds this manifest ({mediaType, size})
 *   repositories/<name>/_manifests/tags/<tag>        the digest a tag points at
 *   repositories/<name>/_referrers/<alg>/<subject hex>/<alg>-<hex>   a referrer's descriptor
 *   uploads/<uuid>/{data,info.json}                  blob uploads in progress (invisible until verified)
 *   tmp/                                             temp files renamed into place (same filesystem)
 *   gc/                                              the collector's lock and its trash (see garbage-collector.ts)
 *
 * Names cannot collide with the `_layers`/`_manifests`/`_referrers` folders:
 * a name component always starts with [a-z0-9].
 */
import * as path from 'node:path';
import { digestAlgorithm, digestHex, type BlobDigest, type DigestAlgorithm, type RepoName, type Tag, type UploadId } from './names.js';

export class RegistryLayout {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get blobsDir(): string {
    return path.join(this.root, 'blobs');
  }

  get repositoriesDir(): string {
    return path.join(this.root, 'repositories');
  }

  get uploadsDir(): string {
    return path.join(this.root, 'uploads');
  }

  get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  get gcDir(): string {
    return path.join(this.root, 'gc');
  }

  blobAlgorithmDir(algorithm: DigestAlgorithm): string {
    return path.join(this.blobsDir, algorithm);
  }

  blobPath(d: BlobDigest): string {
    const hex = digestHex(d);
    return path.join(this.blobsDir, digestAlgorithm(d), hex.slice(0, 2), hex);
  }

  repoDir(name: RepoName): string {
    return path.join(this.repositoriesDir, ...name.split('/'));
  }

  layersDir(name: RepoName): string {
    return path.join(this.repoDir(name), '_layers');
  }

  layerLink(name: RepoName, d: BlobDigest): string {
    return path.join(this.layersDir(name), digestAlgorithm(d), digestHex(d));
  }

  manifestsDir(name: RepoName): string {
    return path.join(this.repoDir(name), '_manifests');
  }

  revisionsDir(name: RepoName): string {
    return path.join(this.manifestsDir(name), 'revisions');
  }

  revisionLink(name: RepoName, d: BlobDigest): string {
    return path.join(this.revisionsDir(name), digestAlgorithm(d), digestHex(d));
  }

  tagsDir(name: RepoName): string {
    return path.join(this.manifestsDir(name), 'tags');
  }

  tagFile(name: RepoName, tag: Tag): string {
    return path.join(this.tagsDir(name), tag);
  }

  referrersDir(name: RepoName, subject: BlobDigest): string {
    return path.join(this.repoDir(name), '_referrers', digestAlgorithm(subject), digestHex(subject));
  }

  referrerLink(name: RepoName, subject: BlobDigest, referrer: BlobDigest): string {
    return path.join(this.referrersDir(name, subject), `${digestAlgorithm(referrer)}-${digestHex(referrer)}`);
  }

  uploadDir(id: UploadId): string {
    return path.join(this.uploadsDir, id);
  }
}
