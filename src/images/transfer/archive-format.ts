/**
 * The on-disk shapes of an image archive, as `docker save` (25+) writes it:
 * one tar that is both a docker-archive and an OCI image layout.
 *
 *   blobs/sha256/<hex>   config, manifest and layer blobs, by digest
 *   oci-layout           {"imageLayoutVersion":"1.0.0"}
 *   index.json           OCI index: one manifest descriptor per tag, named by
 *                        io.containerd.image.name (full reference) and
 *                        org.opencontainers.image.ref.name (the tag)
 *   manifest.json        docker-archive: [{Config, RepoTags, Layers}] with
 *                        paths into blobs/
 *   repositories         legacy {"repo": {"tag": "<top layer hex>"}}
 *
 * Older docker-archives use "<id>.json" configs and "<id>/layer.tar" layers
 * (possibly symlinks to another layer); the reader accepts those too.
 */
import type { Digest } from '../../content/digest.js';
import { InvalidArgumentError } from '../../errors.js';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const OCI_INDEX_FILE = 'index.json';
export const DOCKER_MANIFEST_FILE = 'manifest.json';
export const LEGACY_REPOSITORIES_FILE = 'repositories';
export const OCI_LAYOUT_CONTENT = '{"imageLayoutVersion": "1.0.0"}';

export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** One item of manifest.json. */
export interface DockerManifestItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  Parent?: string;
}

export function blobPath(digest: Digest): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

/** The digest a "blobs/sha256/<hex>" name promises, or undefined for any other name. */
export function digestFromBlobPath(name: string): Digest | undefined {
  const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
  return m ? (`sha256:${m[1]}` as Digest) : undefined;
}

/** The tag of a full reference ("docker.io/library/busybox:1.36" → "1.36"). */
export function tagOf(fullReference: string): string | undefined {
  const at = fullReference.indexOf('@');
  const noDigest = at >= 0 ? fullReference.slice(0, at) : fullReference;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(colon + 1) : undefined;
}

/** The repository part of a full reference, without tag or digest. */
export function repositoryOf(fullReference: string): string {
  const at = fullReference.indexOf('@');
  const noDigest = at >= 0 ? fullReference.slice(0, at) : fullReference;
  const tag = tagOf(noDigest);
  return tag === undefined ? noDigest : noDigest.slice(0, -(tag.length + 1));
}

/** Parses a metadata file of the archive, naming it in the error. */
export function parseArchiveJson<T>(name: string, data: Buffer): T {
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch (err) {
    throw new InvalidArgumentError(`invalid archive: ${name} is not valid JSON: ${(err as Error).message}`);
  }
}
