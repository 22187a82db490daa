/**
 * Blob uploads: /v2/<name>/blobs/uploads/ (POST) and
 * /v2/<name>/blobs/uploads/<uuid> (GET/HEAD status, PATCH chunk, PUT
 * complete, DELETE cancel).
 *
 * POST has three forms: `?mount=<digest>&from=<repo>` (201 when `from` holds
 * the blob, else an ordinary session: 202), `?digest=<digest>` with the whole
 * blob as body (monolithic: 201), and a bare POST that opens a session (202
 * + Location + Range + Docker-Upload-UUID; `?digest-algorithm=sha512` picks
 * the session's hash). A PATCH appends one chunk, in order (a Content-Range
 * that does not start at the current offset → 416 with the offset in Range);
 * without Content-Range the body is streamed onto the end. PUT `?digest=`
 * may carry the last chunk.
 */
import { TLSSocket } from 'node:tls';
import { DistributionError, isDistributionError } from '../storage/errors.js';
import type { DirectBody } from '../storage/native-sink.js';
import { asBlobDigest, asRepoName, isBlobDigest, isDigestAlgorithm, isRepoName, type RepoName } from '../storage/names.js';
import type { Chunk, ChunkRange } from '../storage/upload-store.js';
import { blobLocation, contentLength, endEmpty, hasBody, uploadLocation, uploadRange, type RequestContext } from './request-context.js';

export async function startUpload(ctx: RequestContext, name: string): Promise<void> {
  const repo = asRepoName(name);
  const q = ctx.url.searchParams;
  const { storage } = ctx;

  const mount = q.get('mount');
  const from = q.get('from');
  // As the distribution registry: a mount that cannot be done (bad digest, unknown source) falls back to an upload.
  if (mount !== null && from !== null && isBlobDigest(mount) && isRepoName(from)) {
    const size = await storage.blobs.mount(repo, from, mount);
    if (size !== undefined) {
      endEmpty(ctx.res, 201, { Location: blobLocation(repo, mount), 'Docker-Content-Digest': mount });
      return;
    }
  }

  const digestParam = q.get('digest');
  if (digestParam !== null) {
    const digest = asBlobDigest(digestParam);
    const session = await storage.uploads.start(repo);
    await storage.uploads.finish(repo, session.id, digest, chunkOf(ctx, false));
    endEmpty(ctx.res, 201, { Location: blobLocation(repo, digest), 'Docker-Content-Digest': digest });
    return;
  }

  const algorithm = q.get('digest-algorithm') ?? 'sha256';
  if (!isDigestAlgorithm(algorithm)) {
    throw new DistributionError('DIGEST_INVALID', { message: `unsupported digest algorithm: ${algorithm}`, detail: { algorithm } });
  }
  const session = await storage.uploads.start(repo, algorithm);
  endEmpty(ctx.res, 202, {
    Location: uploadLocation(repo, session.id),
    Range: uploadRange(0),
    'Docker-Upload-UUID': session.id,
  });
}

export async function uploadStatus(ctx: RequestContext, name: string, id: string): Promise<void> {
  const repo = asRepoName(name);
  const status = await ctx.storage.uploads.status(repo, id);
  endEmpty(ctx.res, 204, { Location: uploadLocation(repo, status.id), Range: uploadRange(status.size), 'Docker-Upload-UUID': status.id });
}

export async function patchUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  const repo = asRepoName(name);
  const status = await withOffsetOn416(ctx, repo, id, () => ctx.storage.uploads.append(repo, id, chunkOf(ctx, true)));
  endEmpty(ctx.res, 202, { Location: uploadLocation(repo, status.id), Range: uploadRange(status.size), 'Docker-Upload-UUID': status.id });
}

export async function completeUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  const repo = asRepoName(name);
  const digestParam = ctx.url.searchParams.get('digest');
  if (digestParam === null) throw new DistributionError('DIGEST_INVALID', { message: 'digest missing: PUT needs ?digest=' });
  const digest = asBlobDigest(digestParam);
  const chunk = hasBody(ctx.req) ? chunkOf(ctx, true) : undefined;
  await withOffsetOn416(ctx, repo, id, () => ctx.storage.uploads.finish(repo, id, digest, chunk));
  endEmpty(ctx.res, 201, { Location: blobLocation(repo, digest), 'Docker-Content-Digest': digest });
}

export async function cancelUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  const repo = asRepoName(name);
  await ctx.storage.uploads.cancel(repo, id);
  endEmpty(ctx.res, 204, { 'Docker-Upload-UUID': id });
}

function chunkOf(ctx: RequestContext, allowRange: boolean): Chunk {
  const chunk: Chunk = { body: ctx.req };
  const length = contentLength(ctx.req);
  if (length !== undefined) chunk.length = length;
  const direct = directBody(ctx);
  if (direct !== undefined) chunk.direct = direct;
  const header = ctx.req.headers['content-range'];
  if (allowRange && header !== undefined) chunk.range = parseContentRange(header);
  return chunk;
}

/**
 * Offers the request's socket to the upload store's native fast path
 * (storage/native-sink.ts): plain TCP only (a TLS socket's bytes are not the
 * body's) and only with a Content-Length.
 */
function directBody(ctx: RequestContext): DirectBody | undefined {
  const { req, res } = ctx;
  const socket = req.socket;
  const handle = (socket as unknown as { _handle?: { fd?: number; reading?: boolean; readStop?: () => number; readStart?: () => number } })._handle;
  if (socket instanceof TLSSocket || typeof handle?.fd !== 'number' || handle.fd < 0 || contentLength(req) === undefined) return undefined;
  const fd = handle.fd;
  const idleMs = socket.timeout !== undefined && socket.timeout > 0 ? socket.timeout : 120_000;
  return {
    idleMs,
    takeOver() {
      // Everything node's parser already read, in order, then no more reads:
      // all synchronous, so no socket read can come in between.
      const prefix: Buffer[] = [];
      for (let b: Buffer | null; (b = req.read() as Buffer | null) !== null; ) prefix.push(b);
      socket.pause();
      handle.readStop?.();
      handle.reading = false;
      // Draining req scheduled a resume (a tick later) that would start reading again and take
      // the sink's bytes: from now on nothing reads this socket in node.
      handle.readStart = () => 0;
      // The sink enforces the idle limit now; node's own timer would see an idle socket.
      socket.setTimeout(0);
      // Node's parser never sees this body end: the connection cannot carry another request.
      res.shouldKeepAlive = false;
      res.setHeader('Connection', 'close');
      return { fd, prefix };
    },
  };
}

/** The spec's `<start>-<end>` (inclusive); also accepts a `bytes ` prefix and a `/total` suffix. */
export function parseContentRange(header: string): ChunkRange {
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (m === null) {
    throw new DistributionError('BLOB_UPLOAD_INVALID', { status: 400, message: `invalid Content-Range: ${JSON.stringify(header)}` });
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

/** On an out-of-order chunk, tells the client where the upload stands (Location + Range), as the spec's status GET would. */
async function withOffsetOn416<T>(ctx: RequestContext, repo: RepoName, id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDistributionError(err) && err.status === 416) {
      const status = await ctx.storage.uploads.status(repo, id).catch(() => undefined);
      if (status !== undefined) {
        ctx.res.setHeader('Location', uploadLocation(repo, status.id));
        ctx.res.setHeader('Range', uploadRange(status.size));
        ctx.res.setHeader('Docker-Upload-UUID', status.id);
      }
    }
    throw err;
  }
}
