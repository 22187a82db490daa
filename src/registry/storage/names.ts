/**
 * What a request may name, checked before any path is built from it:
 * repository names and tags by the distribution spec's regular expressions,
 * digests as `sha256:<64 hex>` or `sha512:<128 hex>`, upload ids as the UUIDs
 * this registry hands out. Nothing that fails these checks ever reaches the
 * filesystem, so no request can name a path outside the registry root (a
 * component always starts with [a-z0-9], so `.`/`..` cannot match).
 */
import { createHash, type Hash } from 'node:crypto';
import { DistributionError } from './errors.js';

export type RepoName = string & { readonly __brand: 'RepoName' };
export type Tag = string & { readonly __brand: 'Tag' };
/** A digest this registry can verify (sha256 or sha512). */
export type BlobDigest = string & { readonly __brand: 'BlobDigest' };
export type UploadId = string & { readonly __brand: 'UploadId' };

export type DigestAlgorithm = 'sha256' | 'sha512';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
/** Many clients limit host + "/" + name to 255 characters (spec implementers' note). */
export const MAX_NAME_LENGTH = 255;
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const UPLOAD_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isRepoName(s: string): s is RepoName {
  return s.length <= MAX_NAME_LENGTH && NAME_RE.test(s);
}

export function isTag(s: string): s is Tag {
  return TAG_RE.test(s);
}

export function isBlobDigest(s: string): s is BlobDigest {
  return DIGEST_RE.test(s);
}

export function isUploadId(s: string): s is UploadId {
  return UPLOAD_ID_RE.test(s);
}

export function isDigestAlgorithm(s: string): s is DigestAlgorithm {
  return s === 'sha256' || s === 'sha512';
}

/** NAME_INVALID unless s is a valid repository name. */
export function asRepoName(s: string): RepoName {
  if (!isRepoName(s)) throw new DistributionError('NAME_INVALID', { message: `invalid repository name: ${JSON.stringify(s)}`, detail: { name: s } });
  return s;
}

/** TAG_INVALID unless s is a valid tag. */
export function asTag(s: string): Tag {
  if (!isTag(s)) throw new DistributionError('TAG_INVALID', { message: `invalid tag: ${JSON.stringify(s)}`, detail: { tag: s } });
  return s;
}

/** DIGEST_INVALID unless s is a sha256/sha512 digest. */
export function asBlobDigest(s: string): BlobDigest {
  if (!isBlobDigest(s)) throw new DistributionError('DIGEST_INVALID', { message: `invalid digest: ${JSON.stringify(s)}`, detail: { digest: s } });
  return s;
}

export function digestAlgorithm(d: BlobDigest): DigestAlgorithm {
  return d.startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function digestHex(d: BlobDigest): string {
  return d.slice(d.indexOf(':') + 1);
}

export function newHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

export function digestOfBytes(data: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): BlobDigest {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}` as BlobDigest;
}
