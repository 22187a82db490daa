/**
 * One blob of a push, in the order that sends the fewest bytes:
 *
 *   1. HEAD the blob in the target repository: there already → "Layer already exists".
 *   2. Another repository of the same registry is known to hold it
 *      (blob-sources.ts) → POST …/blobs/uploads/?mount=<digest>&from=<repo>:
 *      201 → "Mounted from <repo>"; 202 → the registry would not mount, and
 *      the upload session it opened is used for step 3.
 *   3. Upload: POST …/blobs/uploads/ opens a session, one PUT <location>&digest=…
 *      streams the whole blob from the content store's file ("Pushing" with
 *      byte counts) → "Pushed". A single streamed PUT is the spec's
 *      monolithic upload: one request and no per-chunk round trips, which on
 *      a fast link is what throughput is made of.
 *
 * The registry checks the digest; a mismatch comes back as DIGEST_INVALID.
 */
import { createReadStream } from 'node:fs';
import type { ContentStore } from '../content/content-store.js';
import { BerthError } from '../errors.js';
import type { Descriptor } from '../images/oci-types.js';
import type { BlobSources } from './blob-sources.js';
import { repositoryScope } from './manifest-fetch.js';
import type { ProgressOutput } from './progress.js';
import { headerOf, type RegistryClient } from './registry-client.js';

const READ_CHUNK = 1024 * 1024;

export interface BlobPush {
  client: RegistryClient;
  /** Repository path in the registry. */
  path: string;
  blob: Descriptor;
  content: ContentStore;
  sources: BlobSources;
  signal: AbortSignal;
  /** Progress lines under this id (layers); none for the config blob. */
  progress?: { out: ProgressOutput; id: string };
}

export async function pushBlob(p: BlobPush): Promise<void> {
  const { client, path, blob } = p;
  const push = [repositoryScope(path, 'pull,push')];
  const head = await client.request({ method: 'HEAD', url: `/v2/${path}/blobs/${blob.digest}`, scopes: push, accept: (s) => s === 200 || s === 404, signal: p.signal });
  head.resume();
  if (head.statusCode === 200) {
    p.progress?.out.update(p.progress.id, 'Layer already exists');
    return;
  }

  let location: string | undefined;
  for (const from of p.sources.candidates(client.domain, path, blob.digest)) {
    try {
      const res = await client.request({
        method: 'POST',
        url: `/v2/${path}/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}`,
        scopes: [...push, repositoryScope(from, 'pull')],
        body: Buffer.alloc(0),
        accept: (s) => s === 201 || s === 202,
        signal: p.signal,
      });
      res.resume();
      if (res.statusCode === 201) {
        p.progress?.out.update(p.progress.id, `Mounted from ${from}`);
        return;
      }
      location = headerOf(res, 'location');
      if (location) break;
    } catch (err) {
      if (p.signal.aborted || !(err instanceof BerthError)) throw err;
      // Not allowed to read the other repository, or it lost the blob: try the next, then upload.
    }
  }

  if (!location) {
    const res = await client.request({ method: 'POST', url: `/v2/${path}/blobs/uploads/`, scopes: push, body: Buffer.alloc(0), accept: (s) => s === 202, signal: p.signal });
    res.resume();
    location = headerOf(res, 'location');
    if (!location) throw new BerthError(`registry ${client.domain} opened an upload for ${path} without a Location`);
  }

  const target = client.urlOf(location);
  target.searchParams.set('digest', blob.digest);
  const file = await p.content.blobPath(blob.digest);
  let sent = 0;
  const res = await client.request({
    method: 'PUT',
    url: target.href,
    scopes: push,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) },
    body: () => {
      sent = 0;
      const stream = createReadStream(file, { highWaterMark: READ_CHUNK });
      if (p.progress) {
        const { out, id } = p.progress;
        stream.on('data', (chunk) => {
          sent += chunk.length;
          out.bytes(id, 'Pushing', sent, blob.size);
        });
      }
      return stream;
    },
    accept: (s) => s === 201 || s === 204,
    signal: p.signal,
  });
  res.resume();
  p.progress?.out.update(p.progress.id, 'Pushed');
}
