/**
 * What a route handler gets, and the small conventions every handler shares:
 * the Location URLs it hands out (relative paths, which the spec allows and
 * which do not depend on a Host header), the upload `Range` header, and
 * whether a request carries a body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryStorage } from '../storage/registry-storage.js';
import type { BlobDigest, RepoName } from '../storage/names.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Upper-case method. */
  method: string;
  url: URL;
  storage: RegistryStorage;
}

export type Handler = (ctx: RequestContext) => Promise<void>;

export function blobLocation(repo: RepoName, d: BlobDigest): string {
  return `/v2/${repo}/blobs/${d}`;
}

export function uploadLocation(repo: RepoName, id: string): string {
  return `/v2/${repo}/blobs/uploads/${id}`;
}

export function manifestLocation(repo: RepoName, d: BlobDigest): string {
  return `/v2/${repo}/manifests/${d}`;
}

/** The upload `Range` header: "0-<last byte>", and "0-0" for an empty upload as the distribution registry sends. */
export function uploadRange(size: number): string {
  return `0-${Math.max(size - 1, 0)}`;
}

/** True when the request carries a body (a non-zero Content-Length, or chunked encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** Content-Length as a number, undefined when absent. */
export function contentLength(req: IncomingMessage): number | undefined {
  const length = req.headers['content-length'];
  if (length === undefined) return undefined;
  const n = Number(length);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Ends a response with no body (Content-Length: 0, except on 204/304 where RFC 9110 rules it out). */
export function endEmpty(res: ServerResponse, status: number, headers: Record<string, string | number> = {}): void {
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (status === 204 || status === 304) res.removeHeader('Content-Length');
  else res.setHeader('Content-Length', 0);
  res.end();
}

/** True when an If-None-Match header names etag (quoted or not). */
export function etagMatches(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (header === undefined) return false;
  return header.split(',').some((v) => {
    const t = v.trim().replace(/^W\//, '');
    return t === '*' || t === etag || t === `"${etag}"`;
  });
}
