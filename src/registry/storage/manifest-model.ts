/**
 * The manifests this registry stores, and what they point at: OCI image
 * manifest and index, Docker schema 2 manifest and manifest list. Parsing
 * decides the media type (the body's `mediaType`, else the Content-Type,
 * else the shape) and lists every descriptor the registry must check on PUT
 * and keep alive in GC: config and layers (blobs), index children
 * (manifests), and the `subject` (which need not exist yet).
 */
import { DistributionError } from './errors.js';
import { isBlobDigest, type BlobDigest } from './names.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

export const MANIFEST_TYPES: readonly string[] = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST];

/** Layers whose bytes live elsewhere (`urls`): never required to be in the registry. */
const FOREIGN_LAYER_TYPES = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

/** The spec caps nothing, but asks registries to accept at least 4 MiB; distribution stops there too. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: BlobDigest;
  size: number;
  urls?: string[];
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
}

export interface ParsedManifest {
  mediaType: string;
  isIndex: boolean;
  /** config + layers that must be in the repository (foreign layers left out). */
  blobs: Descriptor[];
  /** Index children that must be manifests of the repository. */
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
  /** For an image manifest: the config's media type (the referrers API's artifactType fallback). */
  configMediaType?: string;
}

/** Parses and checks a manifest body; MANIFEST_INVALID when it is not one we store. */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw invalid('manifest is not valid JSON', err);
  }
  if (!isObject(doc)) throw invalid('manifest is not a JSON object');
  const declared = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : undefined;
  const header = contentType === undefined ? undefined : contentType.split(';')[0]!.trim().toLowerCase();
  if (declared !== undefined && header !== undefined && MANIFEST_TYPES.includes(header) && declared !== header) {
    throw invalid(`manifest mediaType ${declared} does not match Content-Type ${header}`);
  }
  const mediaType = declared ?? (header !== undefined && MANIFEST_TYPES.includes(header) ? header : inferType(doc));
  if (!MANIFEST_TYPES.includes(mediaType)) throw invalid(`unsupported manifest media type: ${mediaType}`);
  if (doc['schemaVersion'] !== 2) throw invalid('manifest schemaVersion must be 2');

  const isIndex = mediaType === OCI_INDEX || mediaType === DOCKER_LIST;
  const out: ParsedManifest = { mediaType, isIndex, blobs: [], manifests: [] };
  if (isIndex) {
    out.manifests = descriptorList(doc['manifests'], 'manifests');
  } else {
    const config = descriptor(doc['config'], 'config');
    out.configMediaType = config.mediaType;
    const layers = descriptorList(doc['layers'], 'layers');
    out.blobs = [config, ...layers.filter((l) => !(FOREIGN_LAYER_TYPES.has(l.mediaType) && (l.urls?.length ?? 0) > 0))];
  }
  if (doc['subject'] !== undefined) out.subject = descriptor(doc['subject'], 'subject');
  if (doc['artifactType'] !== undefined) {
    if (typeof doc['artifactType'] !== 'string') throw invalid('artifactType must be a string');
    out.artifactType = doc['artifactType'];
  }
  if (doc['annotations'] !== undefined) out.annotations = annotations(doc['annotations'], 'annotations');
  return out;
}

/** Every digest a manifest keeps alive (for GC): blobs, children, subject. */
export function referencedDigests(m: ParsedManifest): BlobDigest[] {
  const all = [...m.blobs, ...m.manifests];
  if (m.subject !== undefined) all.push(m.subject);
  return all.map((d) => d.digest);
}

/** The descriptor the referrers API lists for a manifest with a subject. */
export function referrerDescriptor(m: ParsedManifest, digest: BlobDigest, size: number): Descriptor {
  const d: Descriptor = { mediaType: m.mediaType, digest, size };
  const artifactType = m.artifactType !== undefined && m.artifactType !== '' ? m.artifactType : m.isIndex ? undefined : m.configMediaType;
  if (artifactType !== undefined) d.artifactType = artifactType;
  if (m.annotations !== undefined) d.annotations = m.annotations;
  return d;
}

function inferType(doc: Record<string, unknown>): string {
  if (Array.isArray(doc['manifests'])) return OCI_INDEX;
  if (isObject(doc['config'])) return OCI_MANIFEST;
  return 'unknown';
}

function descriptorList(v: unknown, field: string): Descriptor[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(`${field} must be an array`);
  return v.map((d, i) => descriptor(d, `${field}[${i}]`));
}

function descriptor(v: unknown, field: string): Descriptor {
  if (!isObject(v)) throw invalid(`${field} must be a descriptor`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(`${field}.mediaType is missing`);
  if (typeof digest !== 'string' || !isBlobDigest(digest)) throw invalid(`${field}.digest is not a sha256/sha512 digest: ${JSON.stringify(digest)}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${field}.size must be a non-negative integer`);
  const d: Descriptor = { mediaType, digest, size };
  if (Array.isArray(v['urls'])) d.urls = v['urls'].filter((u): u is string => typeof u === 'string');
  if (typeof v['artifactType'] === 'string') d.artifactType = v['artifactType'];
  if (v['annotations'] !== undefined) d.annotations = annotations(v['annotations'], `${field}.annotations`);
  if (isObject(v['platform'])) d.platform = v['platform'] as Descriptor['platform'];
  return d;
}

function annotations(v: unknown, field: string): Record<string, string> {
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === 'string')) throw invalid(`${field} must map strings to strings`);
  return v as Record<string, string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(message: string, cause?: unknown): DistributionError {
  return new DistributionError('MANIFEST_INVALID', { message, detail: message, cause });
}
