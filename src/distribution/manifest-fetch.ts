/**
 * Resolving a tag or digest to an image manifest: the GET with the Accept
 * headers Docker sends (OCI manifest and index, Docker schema 2 manifest and
 * manifest list), the digest check of what came back, and the choice of one
 * platform's manifest from an index (moby's filterManifests: the wanted
 * os/architecture, linux/amd64 unless `platform=` says otherwise).
 *
 * Manifests are small (the spec allows a registry to refuse more than 4 MiB),
 * so they are read whole, and kept as the exact bytes their digest covers.
 */
import { digestOf, isDigestString, type Digest } from '../content/digest.js';
import { DataLossError, InvalidArgumentError, NotFoundError, NotImplementedError } from '../errors.js';
import { MediaTypes, type Descriptor, type ImageIndex, type Manifest } from '../images/oci-types.js';
import { headerOf, RegistryClient } from './registry-client.js';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** What Docker's puller accepts (distribution's registered manifest types), most wanted first. */
export const MANIFEST_ACCEPT = [MediaTypes.dockerManifest, MediaTypes.dockerManifestList, MediaTypes.ociManifest, MediaTypes.ociIndex].join(', ');

const SCHEMA1 = ['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws'];

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** A manifest or index as fetched: its bytes, their digest, and what kind it is. */
export interface FetchedManifest {
  digest: Digest;
  mediaType: string;
  bytes: Buffer;
  /** Parsed: an image manifest, or an index / manifest list. */
  kind: 'manifest' | 'index';
  manifest?: Manifest;
  index?: ImageIndex;
}

export function repositoryScope(path: string, actions: string): string {
  return `repository:${path}:${actions}`;
}

/** GET /v2/<name>/manifests/<tag|digest>, verified against the digest asked for or announced. */
export async function fetchManifest(client: RegistryClient, path: string, tagOrDigest: string, signal?: AbortSignal): Promise<FetchedManifest> {
  const res = await client.request({
    method: 'GET',
    url: `/v2/${path}/manifests/${tagOrDigest}`,
    scopes: [repositoryScope(path, 'pull')],
    headers: { Accept: MANIFEST_ACCEPT },
    ...(signal ? { signal } : {}),
  });
  const announced = headerOf(res, 'docker-content-digest');
  const contentType = (headerOf(res, 'content-type') ?? '').split(';')[0]!.trim();
  const bytes = await RegistryClient.readAll(res, MAX_MANIFEST_BYTES, `manifest ${path}:${tagOrDigest}`);
  const digest = digestOf(bytes);
  const expected = isDigestString(tagOrDigest) ? tagOrDigest : announced !== undefined && isDigestString(announced) ? announced : undefined;
  if (expected !== undefined && expected !== digest) throw new DataLossError(`manifest verification failed for digest ${expected}`);
  return parseManifest(bytes, digest, contentType);
}

function parseManifest(bytes: Buffer, digest: Digest, contentType: string): FetchedManifest {
  let doc: { schemaVersion?: unknown; mediaType?: unknown; manifests?: unknown; config?: unknown; layers?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    throw new InvalidArgumentError(`manifest ${digest}: not JSON`);
  }
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : contentType;
  if (SCHEMA1.includes(mediaType) || doc.schemaVersion === 1) {
    throw new NotImplementedError('support for pulling manifest v2 schema1 images has been removed; push the image with a current client to convert it');
  }
  if (doc.schemaVersion !== 2) throw new InvalidArgumentError(`manifest ${digest}: unsupported schemaVersion ${JSON.stringify(doc.schemaVersion)}`);
  if (Array.isArray(doc.manifests)) return { digest, mediaType, bytes, kind: 'index', index: doc as ImageIndex };
  const m = doc as Manifest;
  if (!isDescriptor(m.config) || !Array.isArray(m.layers) || !m.layers.every(isDescriptor)) {
    throw new InvalidArgumentError('unsupported manifest format');
  }
  return { digest, mediaType, bytes, kind: 'manifest', manifest: m };
}

function isDescriptor(d: unknown): d is Descriptor {
  const x = d as Descriptor;
  return typeof x === 'object' && x !== null && typeof x.mediaType === 'string' && isDigestString(x.digest) && Number.isSafeInteger(x.size) && x.size >= 0;
}

/** The index entry for the platform (moby's filterManifests, best match first). */
export function choosePlatform(index: ImageIndex, want: Platform): Descriptor {
  const candidates = index.manifests.filter(
    (d) => d.platform !== undefined && d.platform.os === want.os && normalizeArch(d.platform.architecture) === want.architecture && isDescriptor(d),
  );
  const wantVariant = want.variant ?? defaultVariant(want.architecture);
  const exact = candidates.find((d) => (d.platform!.variant ?? defaultVariant(want.architecture)) === wantVariant);
  const chosen = exact ?? (want.variant === undefined ? candidates[0] : undefined);
  if (!chosen) throw new NotFoundError(`no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
  return chosen;
}

function defaultVariant(arch: string): string | undefined {
  return arch === 'arm64' ? 'v8' : undefined;
}

function normalizeArch(arch: string): string {
  if (arch === 'x86_64' || arch === 'x86-64') return 'amd64';
  if (arch === 'aarch64') return 'arm64';
  return arch;
}

/** `platform=` of the API: "os/arch[/variant]" or "arch" (containerd's platforms.Parse, reduced). */
export function parsePlatform(s: string): Platform {
  const parts = s.toLowerCase().split('/');
  if (parts.some((p) => p === '') || parts.length > 3) throw new InvalidArgumentError(`"${s}": unknown operating system or architecture: invalid argument`);
  if (parts.length === 1) return { os: 'linux', architecture: normalizeArch(parts[0]!) };
  const [os, arch, variant] = parts as [string, string, string | undefined];
  return { os, architecture: normalizeArch(arch), ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}
