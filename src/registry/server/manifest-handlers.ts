/**
 * GET/HEAD/PUT/DELETE /v2/<name>/manifests/<tag-or-digest>.
 *
 * GET/HEAD answer with the Content-Type the manifest was pushed with
 * (content-negotiation.ts), Docker-Content-Digest, Content-Length and the
 * digest as ETag (If-None-Match → 304). PUT reads at most 4 MiB (413
 * beyond), stores through ManifestStore.put (which verifies everything
 * first), and answers 201 with Location, Docker-Content-Digest, `OCI-Subject`
 * when the manifest has a subject, and `OCI-Tag` for `?tag=` values. DELETE
 * by digest removes the manifest (and its tags), by tag only the tag: 202.
 */
import type { IncomingMessage } from 'node:http';
import { DistributionError } from '../storage/errors.js';
import { MAX_MANIFEST_BYTES } from '../storage/manifest-model.js';
import { asBlobDigest, asRepoName, asTag, isTag, type BlobDigest, type Tag } from '../storage/names.js';
import { acceptedTypes, negotiate } from './content-negotiation.js';
import { contentLength, endEmpty, etagMatches, manifestLocation, type RequestContext } from './request-context.js';

type Reference = { tag: Tag } | { digest: BlobDigest };

/** A tag, or a digest when it has the `alg:hex` shape. */
export function parseReference(reference: string): Reference {
  if (isTag(reference)) return { tag: reference };
  if (reference.includes(':')) return { digest: asBlobDigest(reference) };
  return { tag: asTag(reference) };
}

export async function getManifest(ctx: RequestContext, name: string, referenceParam: string): Promise<void> {
  const repo = asRepoName(name);
  const reference = parseReference(referenceParam);
  const { storage, req, res } = ctx;
  const stored = await storage.manifests.get(repo, reference);
  const chosen = await negotiate(stored, acceptedTypes(req), 'tag' in reference, (d) => storage.manifests.get(repo, { digest: d }).catch(() => undefined));
  res.setHeader('Docker-Content-Digest', chosen.digest);
  res.setHeader('ETag', `"${chosen.digest}"`);
  res.setHeader('Content-Type', chosen.mediaType);
  if (etagMatches(req, chosen.digest)) {
    endEmpty(res, 304);
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Length', chosen.bytes.length);
  if (ctx.method === 'HEAD') res.end();
  else res.end(chosen.bytes);
}

export async function putManifest(ctx: RequestContext, name: string, referenceParam: string): Promise<void> {
  const repo = asRepoName(name);
  const reference = parseReference(referenceParam);
  const extraTags = ctx.url.searchParams.getAll('tag').map(asTag);
  if (extraTags.length > 0 && !('digest' in reference)) {
    throw new DistributionError('TAG_INVALID', { message: '?tag= is only allowed when pushing a manifest by digest' });
  }
  const bytes = await readLimited(ctx.req, MAX_MANIFEST_BYTES);
  const result = await ctx.storage.manifests.put(repo, { reference, bytes, contentType: ctx.req.headers['content-type'], extraTags });
  const headers: Record<string, string> = { Location: manifestLocation(repo, result.digest), 'Docker-Content-Digest': result.digest };
  if (result.subject !== undefined) headers['OCI-Subject'] = result.subject;
  if (extraTags.length > 0) headers['OCI-Tag'] = result.tags.join(', ');
  endEmpty(ctx.res, 201, headers);
}

export async function deleteManifest(ctx: RequestContext, name: string, referenceParam: string): Promise<void> {
  const repo = asRepoName(name);
  const reference = parseReference(referenceParam);
  if ('digest' in reference) await ctx.storage.manifests.delete(repo, reference.digest);
  else await ctx.storage.manifests.deleteTag(repo, reference.tag);
  endEmpty(ctx.res, 202);
}

/** How much of an oversized body is read and dropped before answering, so the client sees the 413. */
const MAX_DRAIN = 64 * 1024 * 1024;

/**
 * Reads the whole body, refusing (413) past limit without buffering more.
 * Listens for data rather than iterating: leaving a for-await early would
 * destroy the request, and with it the socket the 413 must go out on. The
 * rest of an oversized body (up to MAX_DRAIN) is read and dropped before
 * answering: a client still writing (and one that asked to close the
 * connection after the answer) gets the answer rather than a broken pipe.
 */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooBig = new DistributionError('MANIFEST_INVALID', { status: 413, message: `manifest is larger than the ${limit} byte limit`, detail: { limit } });
  const declared = contentLength(req);
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let over = declared !== undefined && declared > limit;
    if (over && declared! > limit + MAX_DRAIN) {
      reject(tooBig);
      return;
    }
    const onData = (piece: Buffer): void => {
      size += piece.length;
      if (!over && size > limit) over = true;
      if (over) {
        parts.length = 0;
        if (size > limit + MAX_DRAIN) finish(tooBig);
      } else parts.push(piece);
    };
    const onEnd = (): void => finish(over ? tooBig : undefined);
    const finish = (err: Error | undefined): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', finish);
      if (err !== undefined) {
        req.resume();
        reject(err);
      } else resolve(Buffer.concat(parts));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', finish);
  });
}
