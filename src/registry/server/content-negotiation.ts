/**
 * Which manifest a GET answers with, from the client's `Accept` list.
 *
 * No Accept header, or a wildcard, takes the manifest as stored. Otherwise
 * the stored media type must be listed. When it is not and the manifest is
 * an index or manifest list fetched by tag, the linux/amd64 entry is offered
 * instead if its type is accepted (what the distribution registry does for
 * clients that predate manifest lists). Failing both, the registry answers
 * 404 MANIFEST_UNKNOWN naming the type, as the distribution registry does
 * for an OCI manifest asked for without its media type.
 */
import type { IncomingMessage } from 'node:http';
import { DistributionError } from '../storage/errors.js';
import { DOCKER_LIST, OCI_INDEX, parseManifest } from '../storage/manifest-model.js';
import type { StoredManifest } from '../storage/manifest-store.js';
import type { BlobDigest } from '../storage/names.js';

/** Media types the client listed, lower-case and without parameters; undefined when it accepts anything. */
export function acceptedTypes(req: IncomingMessage): Set<string> | undefined {
  const raw = req.headersDistinct['accept'];
  if (raw === undefined || raw.length === 0) return undefined;
  const types = new Set<string>();
  for (const value of raw) {
    for (const part of value.split(',')) {
      const type = part.split(';')[0]!.trim().toLowerCase();
      if (type === '*/*' || type === 'application/*') return undefined;
      if (type !== '') types.add(type);
    }
  }
  return types.size === 0 ? undefined : types;
}

/**
 * The manifest to send: stored itself, or (index by tag) its linux/amd64
 * child fetched through load. Throws MANIFEST_UNKNOWN when nothing fits.
 */
export async function negotiate(
  stored: StoredManifest,
  accepted: Set<string> | undefined,
  byTag: boolean,
  load: (digest: BlobDigest) => Promise<StoredManifest | undefined>,
): Promise<StoredManifest> {
  if (accepted === undefined || accepted.has(stored.mediaType)) return stored;
  if (byTag && (stored.mediaType === OCI_INDEX || stored.mediaType === DOCKER_LIST)) {
    const parsed = parseManifest(stored.bytes, stored.mediaType);
    const entry = parsed.manifests.find((d) => d.platform?.os === 'linux' && d.platform?.architecture === 'amd64' && accepted.has(d.mediaType));
    const child = entry === undefined ? undefined : await load(entry.digest);
    if (child !== undefined && accepted.has(child.mediaType)) return child;
  }
  throw new DistributionError('MANIFEST_UNKNOWN', {
    message: `manifest ${stored.digest} is ${stored.mediaType}, which the Accept header does not allow`,
    detail: { mediaType: stored.mediaType },
  });
}
