/**
 * Lists: /v2/<name>/tags/list, /v2/_catalog and /v2/<name>/referrers/<digest>.
 *
 * Tags and repositories are paginated the spec's way: `n` caps the page,
 * `last` starts after a given entry, and a `Link: <…?last=…&n=…>; rel="next"`
 * header appears only when more entries follow (`n=0` → empty page, no
 * Link). Without `n` a tag list is whole; a catalog page holds at most
 * CATALOG_PAGE entries (with a Link to the rest), as the distribution
 * registry does. Referrers come as an OCI index; `?artifactType=` filters
 * them and is acknowledged with `OCI-Filters-Applied: artifactType`.
 */
import { DistributionError } from '../storage/errors.js';
import { OCI_INDEX } from '../storage/manifest-model.js';
import { asBlobDigest, asRepoName } from '../storage/names.js';
import { sendJson } from './error-response.js';
import type { RequestContext } from './request-context.js';

export const CATALOG_PAGE = 1000;
const MAX_PAGE = 10000;

export interface Page {
  items: string[];
  /** The `last` to ask for next, when more entries follow. */
  next?: string;
}

/** One page of a sorted list. */
export function paginate(sorted: readonly string[], n: number | undefined, last: string | undefined): Page {
  const after = last === undefined ? sorted : sorted.filter((s) => s > last);
  if (n === undefined || n >= after.length) return { items: [...after] };
  const items = after.slice(0, n);
  return n === 0 ? { items } : { items, next: items[items.length - 1]! };
}

/** `n` from the query: a non-negative integer (capped), or PAGINATION_NUMBER_INVALID. */
export function pageSize(q: URLSearchParams, fallback: number | undefined): number | undefined {
  const raw = q.get('n');
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new DistributionError('PAGINATION_NUMBER_INVALID', { message: `invalid page size n=${JSON.stringify(raw)}`, detail: { n: raw } });
  return Math.min(Number(raw), MAX_PAGE);
}

export async function listTags(ctx: RequestContext, name: string): Promise<void> {
  const repo = asRepoName(name);
  const q = ctx.url.searchParams;
  const n = pageSize(q, undefined);
  const page = paginate(await ctx.storage.listTags(repo), n, q.get('last') ?? undefined);
  if (page.next !== undefined) ctx.res.setHeader('Link', nextLink(`/v2/${repo}/tags/list`, page.next, n!));
  sendJson(ctx.res, 200, { name: repo, tags: page.items }, ctx.method);
}

export async function listCatalog(ctx: RequestContext): Promise<void> {
  const q = ctx.url.searchParams;
  const n = pageSize(q, CATALOG_PAGE);
  const page = paginate(await ctx.storage.catalog.list(), n, q.get('last') ?? undefined);
  if (page.next !== undefined) ctx.res.setHeader('Link', nextLink('/v2/_catalog', page.next, n!));
  sendJson(ctx.res, 200, { repositories: page.items }, ctx.method);
}

/**
 * `GET /v1/search?q=&n=&page=`: Docker Hub's v1 search over this registry's
 * catalog, so `docker search 127.0.0.1:5000/term` works here too. A
 * repository matches when its name contains the term (case-insensitive);
 * there are no descriptions or stars to report.
 */
export async function searchCatalog(ctx: RequestContext): Promise<void> {
  const q = ctx.url.searchParams;
  const query = (q.get('q') ?? '').trim();
  const size = Math.min(Math.max(Number.parseInt(q.get('n') ?? '', 10) || 25, 1), 100);
  const page = Math.max(Number.parseInt(q.get('page') ?? '', 10) || 1, 1);
  const term = query.toLowerCase();
  const matches = (await ctx.storage.catalog.list()).filter((name) => name.includes(term));
  const results = matches.slice((page - 1) * size, page * size).map((name) => ({ name, description: '', star_count: 0, is_official: false, is_automated: false }));
  sendJson(ctx.res, 200, { query, num_results: matches.length, num_pages: Math.ceil(matches.length / size), page, page_size: size, results }, ctx.method);
}

export async function listReferrers(ctx: RequestContext, name: string, digestParam: string): Promise<void> {
  const repo = asRepoName(name);
  const subject = asBlobDigest(digestParam);
  const artifactType = ctx.url.searchParams.get('artifactType') ?? undefined;
  // Never 404 here: a 404 tells clients the API is missing (they would fall back to the tag schema).
  const manifests = await ctx.storage.referrers.list(repo, subject, artifactType === '' ? undefined : artifactType);
  if (artifactType !== undefined && artifactType !== '') ctx.res.setHeader('OCI-Filters-Applied', 'artifactType');
  sendJson(ctx.res, 200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, ctx.method, OCI_INDEX);
}

function nextLink(path: string, last: string, n: number): string {
  return `<${path}?last=${encodeURIComponent(last)}&n=${n}>; rel="next"`;
}
