/**
 * `docker save`: images → one tar that is both a docker-archive and an OCI
 * image layout (archive-format.ts), streamed from the content store.
 *
 * Everything that can fail for a reason the user should hear about — an
 * unknown name, a missing blob — is checked before the first byte, so the
 * API edge can still answer with a proper error status. Blob files are
 * opened up front as well: an `rmi` racing the save cannot pull a layer out
 * from under the stream. Bytes are never buffered beyond one read chunk.
 *
 * Config and manifest blobs are written byte for byte, so the image ID (the
 * config digest) and the manifest digest survive a save/load round trip.
 */
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ContentStore } from '../../content/content-store.js';
import type { Digest } from '../../content/digest.js';
import { DataLossError, InvalidArgumentError } from '../../errors.js';
import { familiarName, familiarString, formatReference, normalizeReference, parseNormalizedNamed, referenceName } from '../../reference/reference.js';
import type { ImageRecord } from '../image-store.js';
import type { ImageService } from '../image-service.js';
import { MediaTypes, type Descriptor, type ImageIndex } from '../oci-types.js';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  DOCKER_MANIFEST_FILE,
  LEGACY_REPOSITORIES_FILE,
  OCI_INDEX_FILE,
  OCI_LAYOUT_CONTENT,
  OCI_LAYOUT_FILE,
  blobPath,
  repositoryOf,
  tagOf,
  type DockerManifestItem,
} from './archive-format.js';
import { tarStream, type TarSource } from './tar-writer.js';

/** An image to save and the full references to save it under (none: by ID). */
interface Selection {
  record: ImageRecord;
  refs: string[];
}

/** Resolves the names and opens every blob; the returned stream is the archive. */
export async function saveImages(images: ImageService, content: ContentStore, names: readonly string[]): Promise<Readable> {
  if (names.length === 0) throw new InvalidArgumentError('no images specified');
  const selections = select(images, names);
  const blobs = new Map<Digest, { size: number; mtime: number }>();
  const index: Descriptor[] = [];
  const manifestJson: DockerManifestItem[] = [];
  const repositories: Record<string, Record<string, string>> = {};

  for (const { record, refs } of selections) {
    const { manifest, config } = await images.load(record);
    const created = config.created ? Math.floor(Date.parse(config.created) / 1000) || 0 : 0;
    const manifestSize = (await content.info(record.manifestDigest)).size;
    for (const d of [manifest.config, ...manifest.layers]) blobs.set(d.digest, { size: d.size, mtime: created });
    blobs.set(record.manifestDigest, { size: manifestSize, mtime: 0 });

    const desc: Descriptor = { mediaType: manifest.mediaType ?? MediaTypes.ociManifest, digest: record.manifestDigest, size: manifestSize };
    if (refs.length === 0) index.push(desc);
    for (const ref of refs) {
      index.push({ ...desc, annotations: { [ANNOTATION_IMAGE_NAME]: ref, [ANNOTATION_REF_NAME]: tagOf(ref) ?? 'latest' } });
      const top = manifest.layers.at(-1);
      if (top) (repositories[familiarName(parseNormalizedNamed(repositoryOf(ref)))] ??= {})[tagOf(ref) ?? 'latest'] = top.digest.slice(7);
    }
    manifestJson.push({
      Config: blobPath(manifest.config.digest),
      RepoTags: refs.length > 0 ? refs.map((r) => familiarString(normalizeReference(r))) : null,
      Layers: manifest.layers.map((l) => blobPath(l.digest)),
      ...(record.parent && selections.some((s) => s.record.id === record.parent) ? { Parent: record.parent } : {}),
    });
    await images.logEvent('save', record.id, record.id);
  }

  const entries: TarSource[] = [{ name: 'blobs/', type: 'dir' }, { name: 'blobs/sha256/', type: 'dir' }];
  try {
    for (const [digest, { size, mtime }] of [...blobs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const handle = await fs.open(await content.blobPath(digest), 'r');
      entries.push({ name: blobPath(digest), type: 'blob', handle, size, mtime });
      const st = await handle.stat();
      if (st.size !== size) throw new DataLossError(`content ${digest}: size ${st.size} does not match its descriptor (${size})`);
    }
  } catch (err) {
    for (const e of entries) if (e.type === 'blob') await e.handle.close().catch(() => undefined);
    throw err;
  }
  const idx: ImageIndex = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: index };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  entries.push(
    { name: OCI_INDEX_FILE, type: 'file', data: json(idx) },
    { name: DOCKER_MANIFEST_FILE, type: 'file', data: Buffer.from(JSON.stringify(manifestJson) + '\n') },
    { name: OCI_LAYOUT_FILE, type: 'file', data: Buffer.from(OCI_LAYOUT_CONTENT) },
  );
  if (Object.keys(repositories).length > 0) {
    entries.push({ name: LEGACY_REPOSITORIES_FILE, type: 'file', data: Buffer.from(JSON.stringify(repositories) + '\n') });
  }
  return tarStream(entries);
}

/**
 * Docker's rules for what a name saves: "repo:tag" saves that tag, a bare
 * "repo" saves every tag of the repository, an ID saves the image untagged.
 */
function select(images: ImageService, names: readonly string[]): Selection[] {
  const byId = new Map<Digest, Selection>();
  const add = (record: ImageRecord, refs: string[]) => {
    const s = byId.get(record.id) ?? { record, refs: [] };
    for (const r of refs) if (!s.refs.includes(r)) s.refs.push(r);
    byId.set(record.id, s);
  };
  for (const name of names) {
    const full = fullReference(name);
    const all = images.store.allReferences();
    if (full && all.has(full)) {
      add(images.store.get(all.get(full)!), [full]);
      continue;
    }
    const repo = nameOnly(name);
    if (repo) {
      const tagged = [...all].filter(([ref]) => !ref.includes('@') && repositoryOf(ref) === repo);
      if (tagged.length > 0) {
        for (const [ref, id] of tagged.sort(([a], [b]) => a.localeCompare(b))) add(images.store.get(id), [ref]);
        continue;
      }
    }
    add(images.resolve(name), []);
  }
  return [...byId.values()];
}

function fullReference(name: string): string | undefined {
  try {
    return formatReference(normalizeReference(name));
  } catch {
    return undefined;
  }
}

/** The repository ("docker.io/library/busybox") when the user wrote neither tag nor digest. */
function nameOnly(name: string): string | undefined {
  try {
    const ref = parseNormalizedNamed(name);
    return ref.tag === undefined && ref.digest === undefined ? referenceName(ref) : undefined;
  } catch {
    return undefined;
  }
}
