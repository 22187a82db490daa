/**
 * Every tag of a repository (`pull -a`): GET /v2/<name>/tags/list, page by
 * page as the registry's `Link: <…>; rel="next"` header leads, as
 * distribution's client does.
 */
import { repositoryScope } from './manifest-fetch.js';
import { headerOf, RegistryClient } from './registry-client.js';

const PAGE = 1000;
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

export async function listTags(client: RegistryClient, path: string, signal?: AbortSignal): Promise<string[]> {
  const tags: string[] = [];
  let url: string | undefined = `/v2/${path}/tags/list?n=${PAGE}`;
  for (let pages = 0; url !== undefined && pages < 10_000; pages++) {
    const res = await client.request({ method: 'GET', url, scopes: [repositoryScope(path, 'pull')], ...(signal ? { signal } : {}) });
    const next = nextLink(headerOf(res, 'link'));
    const body = JSON.parse((await RegistryClient.readAll(res, MAX_PAGE_BYTES, `tag list of ${path}`)).toString('utf8')) as { tags?: unknown };
    if (Array.isArray(body.tags)) for (const t of body.tags) if (typeof t === 'string') tags.push(t);
    url = next === undefined ? undefined : client.urlOf(next).href;
  }
  return tags;
}

/** The target of `rel="next"` in a Link header. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (m && /rel="?next"?/.test(m[2]!)) return m[1];
  }
  return undefined;
}
