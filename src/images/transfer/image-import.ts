/**
 * `docker import`: a root filesystem tar (plain or gzip) → a one-layer image.
 *
 * The layer is stored uncompressed, so its blob digest is its diff ID and the
 * upload is hashed once, while it streams into the content store. `--change`
 * instructions are checked before the first byte is read, so a typo fails
 * fast. The image config records the import in its history as Docker does
 * (comment: the message, or "Imported from -").
 */
import type { Readable } from 'node:stream';
import { decompressed } from '../../archive/compression.js';
import type { Digest } from '../../content/digest.js';
import { InvalidArgumentError } from '../../errors.js';
import { applyChanges } from '../change-instructions.js';
import { MediaTypes, type ImageConfig } from '../oci-types.js';
import { liveBlobs, type TransferDeps } from './image-loader.js';

export interface ImportOptions {
  /** Dockerfile instructions applied to an empty config (change-instructions.ts). */
  changes?: readonly string[];
  message?: string;
  /** Where the bytes came from, for the history ("-" is the request body). */
  source?: string;
  /** Full reference to tag the image with. */
  reference?: string;
  /** From the request's platform parameter; the host's by default. */
  platform?: Platform;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export function hostPlatform(): Platform {
  return { os: 'linux', architecture: GO_ARCH[process.arch] ?? process.arch };
}

/** Stores the layer and makes the image; returns its ID. */
export async function importImage(deps: TransferDeps, input: Readable, opts: ImportOptions = {}): Promise<Digest> {
  const runtimeConfig = applyChanges({}, opts.changes ?? []);
  const platform: Platform = opts.platform ?? hostPlatform();
  if (platform.os !== 'linux') throw new InvalidArgumentError(`operating system is not supported: ${platform.os}`);

  const layer = await deps.content.ingest(await decompressed(input));
  if (layer.size === 0) {
    await removeIfUnused(deps, layer.digest);
    throw new InvalidArgumentError('import: the archive is empty');
  }
  const created = new Date().toISOString();
  const source = opts.source ?? '-';
  const comment = opts.message || `Imported from ${source}`;
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: 'linux',
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: runtimeConfig,
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
    history: [{ created, created_by: `Imported from ${source}`, comment }],
    comment,
  };
  try {
    const record = await deps.images.create({
      config,
      layers: [{ mediaType: MediaTypes.ociLayer, digest: layer.digest, size: layer.size }],
      ...(opts.reference ? { tags: [opts.reference] } : {}),
    });
    await deps.images.logEvent('import', record.id, record.id);
    return record.id;
  } catch (err) {
    await removeIfUnused(deps, layer.digest);
    if (err instanceof InvalidArgumentError || (err instanceof Error && 'kind' in err && err.kind === 'data_loss')) {
      throw new InvalidArgumentError(`import: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

async function removeIfUnused(deps: TransferDeps, digest: Digest): Promise<void> {
  if ((await liveBlobs(deps.images)).has(digest)) return;
  await deps.content.delete(digest).catch(() => undefined);
}
