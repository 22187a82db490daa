/**
 * What an uploaded archive contains: the images to load, each as archive
 * names of its config, layers and (OCI) manifest, plus the tags to give it.
 *
 * manifest.json (docker-archive) wins when present, since its RepoTags are
 * what `docker save` was asked for; its items are matched to index.json
 * manifests by config digest so the original manifest is kept. Without it
 * the OCI index is walked: nested indexes are followed and the entry for
 * this platform (or one without a platform) is taken; names come from the
 * io.containerd.image.name annotation, or from
 * org.opencontainers.image.ref.name when that is a full reference.
 */
import { type Digest, isDigestString } from '../../content/digest.js';
import { InvalidArgumentError } from '../../errors.js';
import { formatReference, normalizeReference } from '../../reference/reference.js';
import { MediaTypes, type Descriptor, type ImageIndex, type Manifest } from '../oci-types.js';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  DOCKER_MANIFEST_FILE,
  OCI_INDEX_FILE,
  blobPath,
  parseArchiveJson,
  type DockerManifestItem,
} from './archive-format.js';
import type { ArchiveReader } from './archive-reader.js';

export interface LoadCandidate {
  /** Archive name of the config file. */
  config: string;
  /** Archive names of the layer files, bottom first. */
  layers: string[];
  /** Archive name of the OCI manifest to keep, when the archive has one. */
  manifest?: string;
  /** Full references ("docker.io/library/busybox:latest"). */
  tags: string[];
}

const HOST_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export async function findImages(archive: ArchiveReader): Promise<LoadCandidate[]> {
  const hasDocker = archive.has(DOCKER_MANIFEST_FILE);
  const hasOci = archive.has(OCI_INDEX_FILE);
  if (!hasDocker && !hasOci) {
    throw new InvalidArgumentError(`invalid archive: neither ${DOCKER_MANIFEST_FILE} nor ${OCI_INDEX_FILE} found (not a docker save or OCI image archive)`);
  }
  const oci = hasOci ? await ociImages(archive) : [];
  if (!hasDocker) return oci.map(({ candidate }) => candidate);

  const items = parseArchiveJson<DockerManifestItem[]>(DOCKER_MANIFEST_FILE, await archive.bytes(DOCKER_MANIFEST_FILE));
  if (!Array.isArray(items)) throw new InvalidArgumentError(`invalid archive: ${DOCKER_MANIFEST_FILE} is not a list`);
  const out: LoadCandidate[] = [];
  for (const item of items) {
    if (typeof item?.Config !== 'string' || !Array.isArray(item.Layers) || item.Layers.some((l) => typeof l !== 'string')) {
      throw new InvalidArgumentError(`invalid archive: ${DOCKER_MANIFEST_FILE} has an item without Config or Layers`);
    }
    const configDigest = (await archive.blob(item.Config)).digest;
    const match = oci.find((o) => o.configDigest === configDigest);
    out.push({
      config: item.Config,
      layers: item.Layers,
      ...(match?.candidate.manifest ? { manifest: match.candidate.manifest } : {}),
      tags: (item.RepoTags ?? []).map((t) => fullReference(t, `${DOCKER_MANIFEST_FILE} RepoTags`)),
    });
  }
  return out;
}

async function ociImages(archive: ArchiveReader): Promise<Array<{ candidate: LoadCandidate; configDigest: Digest }>> {
  const index = parseArchiveJson<ImageIndex>(OCI_INDEX_FILE, await archive.bytes(OCI_INDEX_FILE));
  if (!index || !Array.isArray(index.manifests)) throw new InvalidArgumentError(`invalid archive: ${OCI_INDEX_FILE} has no manifests`);
  const byManifest = new Map<Digest, { candidate: LoadCandidate; configDigest: Digest }>();
  for (const top of index.manifests) {
    const tags = namesOf(top);
    const desc = await platformManifest(archive, top, 0);
    if (!desc) continue;
    const existing = byManifest.get(desc.digest);
    if (existing) {
      for (const t of tags) if (!existing.candidate.tags.includes(t)) existing.candidate.tags.push(t);
      continue;
    }
    const manifest = await readJson<Manifest>(archive, desc);
    if (!manifest?.config || !Array.isArray(manifest.layers)) throw new InvalidArgumentError(`invalid archive: manifest ${desc.digest} has no config or layers`);
    checkDigest(manifest.config.digest);
    for (const l of manifest.layers) checkDigest(l.digest);
    byManifest.set(desc.digest, {
      configDigest: manifest.config.digest,
      candidate: { config: blobPath(manifest.config.digest), layers: manifest.layers.map((l) => blobPath(l.digest)), manifest: blobPath(desc.digest), tags },
    });
  }
  return [...byManifest.values()];
}

/** The image manifest under a descriptor: itself, or this platform's entry of a nested index. */
async function platformManifest(archive: ArchiveReader, desc: Descriptor, depth: number): Promise<Descriptor | undefined> {
  checkDigest(desc.digest);
  if (depth > 4) throw new InvalidArgumentError('invalid archive: image indexes nested too deep');
  if (desc.mediaType !== MediaTypes.ociIndex && desc.mediaType !== MediaTypes.dockerManifestList) return desc;
  const nested = await readJson<ImageIndex>(archive, desc);
  const arch = HOST_ARCH[process.arch] ?? process.arch;
  const candidates = (nested.manifests ?? []).filter((m) => !m.platform || (m.platform.os === 'linux' && m.platform.architecture === arch));
  // Attestation manifests (buildx) carry platform unknown/unknown and are skipped by the filter above.
  for (const m of candidates) {
    if (!archive.has(blobPath(m.digest))) continue; // other platforms are often left out of an archive
    const found = await platformManifest(archive, m, depth + 1);
    if (found) return found;
  }
  return undefined;
}

async function readJson<T>(archive: ArchiveReader, desc: Descriptor): Promise<T> {
  const name = blobPath(desc.digest);
  return parseArchiveJson<T>(name, await archive.bytes(name));
}

function namesOf(desc: Descriptor): string[] {
  const a = desc.annotations ?? {};
  const image = a[ANNOTATION_IMAGE_NAME];
  if (image) return [fullReference(image, `${OCI_INDEX_FILE} annotation ${ANNOTATION_IMAGE_NAME}`)];
  const ref = a[ANNOTATION_REF_NAME];
  // A bare tag ("latest") names no repository; only a full reference can be used as a name.
  if (ref && /[/:]/.test(ref)) return [fullReference(ref, `${OCI_INDEX_FILE} annotation ${ANNOTATION_REF_NAME}`)];
  return [];
}

function fullReference(name: string, where: string): string {
  try {
    return formatReference(normalizeReference(name));
  } catch (err) {
    throw new InvalidArgumentError(`invalid archive: invalid reference ${JSON.stringify(name)} in ${where}`, { cause: err });
  }
}

function checkDigest(d: unknown): void {
  if (typeof d !== 'string' || !isDigestString(d)) throw new InvalidArgumentError(`invalid archive: unsupported digest ${JSON.stringify(d)}`);
}
