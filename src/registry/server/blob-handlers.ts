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
import { TLSSocket } from 'node:tls';
import { blobUnknown } from '../storage/blob-store.js';
import { asBlobDigest, asRepoName } from '../storage/names.js';
import { sendFileRange } from './file-sender.js';
import { NATIVE_MIN_BYTES, nativeSinkPath, sendFileNative } from '../storage/native-sink.js';
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
    if (!(await sentNatively(ctx, blob.handle.fd, start, end - start + 1))) await sendFileRange(blob.handle, res, start, end);
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

/**
 * A large body over plain TCP goes out by sendfile(2) through berth-blob-sink
 * (storage/native-sink.ts): node writes the head, the sink the bytes, and the
 * connection closes after (node never wrote the body it announced).
 * Returns false when the body is left to node.
 */
async function sentNatively(ctx: RequestContext, fileFd: number, offset: number, length: number): Promise<boolean> {
  const { req, res } = ctx;
  const socket = req.socket;
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  const bin = nativeSinkPath();
  if (bin === undefined || length < NATIVE_MIN_BYTES || socket instanceof TLSSocket || typeof fd !== 'number' || fd < 0) return false;
  res.shouldKeepAlive = false;
  res.setHeader('Connection', 'close');
  res.flushHeaders();
  // The head must be in the kernel before the sink writes the body behind it.
  while (socket.writableLength > 0 && !socket.destroyed) await new Promise((r) => socket.once('drain', r));
  if (socket.destroyed) return true;
  try {
    await sendFileNative(bin, fd, fileFd, offset, length, socket.timeout !== undefined && socket.timeout > 0 ? socket.timeout : 120_000);
  } catch {
    // The client went away (or the sink failed half-way): the head is out, so the only answer left is closing.
    socket.destroy();
    return true;
  }
  res.end();
  socket.destroySoon?.();
  return true;
}
