/**
 * `docker push`: the local images of a repository (one tag, or every tag
 * when none is given) → a registry, with moby's progress lines.
 *
 * "The push refers to repository [<name>]" → per tag: each layer, top first,
 * "Preparing", then five at a time (moby's max-concurrent-uploads) "Waiting"
 * / pushed by blob-upload.ts ("Layer already exists", "Mounted from …",
 * "Pushing", "Pushed") → the config blob → PUT the manifest → "<tag>: digest:
 * sha256:… size: N" and an aux {Tag, Digest, Size}.
 *
 * The manifest sent is the image's own stored manifest, byte for byte, with
 * the blobs it names as they are stored (Berth's own layers uncompressed,
 * `…layer.v1.tar`; pulled or loaded ones as they came): what is pushed is
 * what was checked, and the digest is the one `RepoDigests` shows.
 */
import type { ContentStore } from '../content/content-store.js';
import type { Digest } from '../content/digest.js';
import { NotFoundError } from '../errors.js';
import type { ImageService } from '../images/image-service.js';
import { MediaTypes, type Manifest } from '../images/oci-types.js';
import { familiarName, familiarString, parseReference, referenceName, type Reference } from '../reference/reference.js';
import type { BlobSources } from './blob-sources.js';
import { pushBlob } from './blob-upload.js';
import { repositoryScope } from './manifest-fetch.js';
import { shortId, type ProgressOutput } from './progress.js';
import type { RegistryClient } from './registry-client.js';
import { taskLimit } from './task-limit.js';

/** moby's DefaultMaxConcurrentUploads. */
const MAX_CONCURRENT_UPLOADS = 5;

export interface PushDeps {
  images: ImageService;
  content: ContentStore;
  sources: BlobSources;
}

/** The tags of ref's repository to push: ref's own tag, or all of them. */
export function tagsToPush(images: ImageService, ref: Reference): Array<{ tag: string; id: Digest }> {
  const name = referenceName(ref);
  const out: Array<{ tag: string; id: Digest }> = [];
  for (const [full, id] of images.store.allReferences()) {
    const r = parseReference(full);
    if (referenceName(r) === name && r.tag !== undefined && (ref.tag === undefined || r.tag === ref.tag)) out.push({ tag: r.tag, id });
  }
  if (out.length === 0) {
    if (ref.tag !== undefined && [...images.store.allReferences().keys()].some((k) => referenceName(parseReference(k)) === name)) {
      throw new NotFoundError(`tag does not exist: ${familiarString(ref)}`);
    }
    throw new NotFoundError(`An image does not exist locally with the tag: ${familiarName(ref)}`);
  }
  return out.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

/** Pushes each of the tags (from tagsToPush) over a connected client. */
export async function pushImage(deps: PushDeps, client: RegistryClient, ref: Reference, tags: Array<{ tag: string; id: Digest }>, signal: AbortSignal, out: ProgressOutput): Promise<void> {
  for (const { tag, id } of tags) await pushTag(deps, client, ref, tag, id, signal, out);
}

async function pushTag(deps: PushDeps, client: RegistryClient, ref: Reference, tag: string, id: Digest, signal: AbortSignal, out: ProgressOutput): Promise<void> {
  const record = deps.images.store.get(id);
  const manifestBytes = await deps.content.readBlob(record.manifestDigest);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  for (const l of manifest.layers) {
    if (!(await deps.content.has(l.digest))) throw new NotFoundError(`layer ${l.digest} of ${familiarName(ref)}:${tag} is not in the content store`);
  }

  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const layers = [...manifest.layers].reverse();
    const seen = new Set<Digest>();
    for (const l of layers) if (!seen.has(l.digest) && seen.add(l.digest)) out.update(shortId(l.digest), 'Preparing');
    const limit = taskLimit(MAX_CONCURRENT_UPLOADS);
    const started = new Set<Digest>();
    const jobs = layers
      .filter((l) => !started.has(l.digest) && started.add(l.digest))
      .map((l) => {
        const pid = shortId(l.digest);
        const job = limit(
          () => pushBlob({ client, path: ref.path, blob: l, content: deps.content, sources: deps.sources, signal: stop.signal, progress: { out, id: pid } }),
          () => out.update(pid, 'Waiting'),
        );
        job.catch(() => stop.abort());
        return job;
      });
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await pushBlob({ client, path: ref.path, blob: manifest.config, content: deps.content, sources: deps.sources, signal: stop.signal });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }

  const res = await client.request({
    method: 'PUT',
    url: `/v2/${ref.path}/manifests/${tag}`,
    scopes: [repositoryScope(ref.path, 'pull,push')],
    headers: { 'Content-Type': manifest.mediaType ?? MediaTypes.ociManifest },
    body: manifestBytes,
    accept: (s) => s === 201 || s === 200 || s === 202,
    signal,
  });
  res.resume();

  deps.sources.add(client.domain, ref.path, [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]);
  const repoDigest = `${referenceName(ref)}@${record.manifestDigest}`;
  const current = deps.images.store.get(id);
  if (!(current.repoDigests ?? []).includes(repoDigest)) {
    await deps.images.store.update(id, { repoDigests: [...(current.repoDigests ?? []), repoDigest] });
  }
  out.message(`${tag}: digest: ${record.manifestDigest} size: ${manifestBytes.length}`);
  out.aux({ Tag: tag, Digest: record.manifestDigest, Size: manifestBytes.length });
}
