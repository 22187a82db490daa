/** Engine API routes for images: list, inspect, history, tag, remove, prune, and Berth's bootstrap. */
import { InvalidArgumentError, NotFoundError } from '../../errors.js';
import { chainIds } from '../../content/digest.js';
import { labelMatches } from '../../containers/container-filter.js';
import { formatReference, normalizeReference } from '../../reference/reference.js';
import { historyJson, inspectJson, summaryJson } from '../types/image-json.js';
import { queryBool, queryFilters, type Router } from '../router.js';
import type { Services } from './services.js';

/** Image names contain slashes and colons: match greedily up to the verb. */
const NAMED = (verb: string) => new RegExp(`^/images/(?<name>.+)/${verb}$`);

export function imageRoutes(r: Router, s: Services): void {
  r.add('GET', '/images/json', async (ctx) => {
    const filters = queryFilters(ctx.query);
    for (const k of filters.keys()) {
      if (!['dangling', 'reference', 'label', 'before', 'since', 'until'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    }
    const all = queryBool(ctx.query, 'all');
    const store = s.images.store;
    const out = [];
    for (const record of store.list()) {
      const refs = store.referencesOf(record.id);
      const dangling = refs.length === 0;
      const df = filters.get('dangling');
      if (df && df.length) {
        const want = df[0] === 'true' || df[0] === '1';
        if (want !== dangling) continue;
      } else if (!all && dangling && isParentOfAnother(record.id, s)) {
        continue; // intermediate images are hidden without -a
      }
      const img = await s.images.load(record);
      const labels = img.config.config?.Labels ?? {};
      if (filters.has('label') && !filters.get('label')!.every((l) => labelMatches(labels, l))) continue;
      let shownRefs = refs;
      if (filters.has('reference')) {
        shownRefs = refs.filter((ref) => filters.get('reference')!.some((pat) => referenceMatches(ref, pat)));
        if (shownRefs.length === 0) continue;
      }
      out.push(summaryJson(img, shownRefs, s.containers.usersOfImage(record.id).length));
    }
    out.sort((a, b) => (b.Created as number) - (a.Created as number));
    ctx.json(200, out);
  });

  r.add('GET', NAMED('json'), async (ctx) => {
    const img = await s.images.inspect(ctx.params.name!);
    ctx.json(200, inspectJson(img, s.images.store.referencesOf(img.record.id)));
  });

  r.add('GET', NAMED('history'), async (ctx) => {
    const img = await s.images.inspect(ctx.params.name!);
    const sizes = [];
    for (const c of chainIds(img.config.rootfs.diff_ids)) sizes.push((await s.snapshotter.usage(c).catch(() => ({ size: 0 }))).size);
    ctx.json(200, historyJson(img, s.images.store.referencesOf(img.record.id), sizes));
  });

  r.add('POST', NAMED('tag'), async (ctx) => {
    const repo = ctx.query.get('repo');
    if (!repo) throw new InvalidArgumentError('repository name must have at least one component');
    const tag = ctx.query.get('tag') || 'latest';
    const record = s.images.resolve(ctx.params.name!);
    await s.images.tag(record.id, `${repo}:${tag}`);
    ctx.noContent(201);
  });

  r.add('DELETE', /^\/images\/(?<name>.+)$/, async (ctx) => {
    const items = await s.images.remove(ctx.params.name!, { force: queryBool(ctx.query, 'force'), noPrune: queryBool(ctx.query, 'noprune') });
    ctx.json(200, items);
  });

  r.add('POST', '/images/prune', async (ctx) => {
    const filters = queryFilters(ctx.query);
    const onlyDangling = (filters.get('dangling')?.[0] ?? 'true') !== 'false';
    const deleted: Array<Record<string, string>> = [];
    let reclaimed = 0;
    for (const record of s.images.store.list()) {
      const refs = s.images.store.referencesOf(record.id);
      if (onlyDangling && refs.length > 0) continue;
      if (s.containers.usersOfImage(record.id).length > 0) continue;
      try {
        for (const ref of refs) await s.images.store.untag(ref);
        await s.images.store.delete(record.id);
        deleted.push({ Deleted: record.id });
        reclaimed += record.size;
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    await s.images.gc();
    ctx.json(200, { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed });
  });

  r.add('POST', '/berth/images/bootstrap', async (ctx) => {
    const name = ctx.query.get('name') || 'busybox';
    if (name !== 'busybox') throw new InvalidArgumentError(`unknown bootstrap image: ${name} (only busybox can be made offline)`);
    const tag = ctx.query.get('tag') || 'latest';
    const record = await s.bootstrapBusybox(`${ctx.query.get('repo') || 'busybox'}:${tag}`);
    ctx.json(200, { Id: record.id, Tags: s.images.store.referencesOf(record.id) });
  });
}

function isParentOfAnother(id: string, s: Services): boolean {
  return s.images.store.list().some((r) => r.parent === id);
}

/** Docker's reference filter: a pattern on the familiar name, with optional tag. */
function referenceMatches(fullRef: string, pattern: string): boolean {
  const familiar = fullRef.replace(/^docker\.io\/(library\/)?/, '');
  const glob = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.') + '$');
  if (glob.test(familiar)) return true;
  const name = familiar.replace(/:[^/:]+$/, '');
  if (glob.test(name)) return true;
  try {
    return formatReference(normalizeReference(pattern)) === fullRef;
  } catch {
    return false;
  }
}
