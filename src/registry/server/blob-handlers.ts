/**
 * GET/HEAD/DELETE /v2/<name>/blobs/<digest>.
 *
 * GET streams the file (file-sender.ts: reused 1 MiB buffers, straight to
 * the socket, with Content-Length so there is no chunked framing), honours
 * a single `Range: bytes=…` (206 + Content-Range; 416 with the blob size in
 * Content-Range when unsatisfiable; several ranges get the whole blob, as
 * RFC 9110 allows), and `If-None-Match` on the digest ETag. DELETE unlinks
 * the blob from the repository; its bytes go at the next garbage collection.
 */
import { blobUnknown } from '../storage/blob-store.js';
import { asBlobDigest, asRepoName } from '../storage/names.js';
import { sendFileRange } from './file-sender.js';
import { endEmpty, etagMatches, type RequestContext } from './request-context.js';

export async function getBlob(ctx: RequestContext, name: string, digestParam: string): Promise<void> {
  const repo = asRepoName(name);
  const digest = asBlobDigest(digestParam);
  const { req, res } = ctx;
  const blob = await ctx.storage.blobs.openInRepo(repo, digest);
  try {
    const etag = `"${digest}"`;
    res.setHeader('Docker-Content-Digest', digest);
    res.setHeader('ETag', etag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'max-age=31536000');
    res.setHeader('Content-Type', 'application/octet-stream');
    if (etagMatches(req, digest)) {
      endEmpty(res, 304);
      return;
    }
    const range = parseRange(req.headers.range, blob.size);
    if (range === 'unsatisfiable') {
      // No spec error code fits; RFC 9110's answer is the status and the size.
      endEmpty(res, 416, { 'Content-Range': `bytes */${blob.size}` });
      return;
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? blob.size - 1;
    res.statusCode = range === undefined ? 200 : 206;
    if (range !== undefined) res.setHeader('Content-Range', `bytes ${start}-${end}/${blob.size}`);
    res.setHeader('Content-Length', end - start + 1);
    if (ctx.method === 'HEAD' || blob.size === 0) {
      // A pusher HEADs a blob before it references it from a manifest instead of uploading it
      // ("layer already exists"): re-stamp it so a garbage collection running meanwhile keeps it.
      if (ctx.method === 'HEAD') await ctx.storage.blobs.claim(digest).catch(() => undefined);
      res.end();
      return;
    }
    await sendFileRange(blob.handle, res, start, end);
  } finally {
    await blob.handle.close();
  }
}

export async function deleteBlob(ctx: RequestContext, name: string, digestParam: string): Promise<void> {
  const repo = asRepoName(name);
  const digest = asBlobDigest(digestParam);
  if (!(await ctx.storage.blobs.unlink(repo, digest))) throw blobUnknown(digest);
  endEmpty(ctx.res, 202, { 'Docker-Content-Digest': digest });
}

/** One `bytes=` range of a blob of size; undefined = the whole blob. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
