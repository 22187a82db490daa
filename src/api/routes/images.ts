/** Engine API routes for images: list, inspect, history, tag, remove, prune, and Berth's bootstrap. */
import { InvalidArgumentError } from '../../errors.js';
import { chainIds, type Digest } from '../../content/digest.js';
import { listImages } from '../../images/image-list.js';
import { pruneImages } from '../../images/image-prune.js';
import type { ImageRecord } from '../../images/image-store.js';
import { familiarName, formatReference, isValidTag, parseNormalizedNamed } from '../../reference/reference.js';
import { historyJson, inspectJson, summaryJson, type GraphDriverData } from '../types/image-json.js';
import { queryBool, queryFilters, type Router } from '../router.js';
import type { Services } from './services.js';

/** Image names contain slashes and colons: match greedily up to the verb. */
const NAMED = (verb: string) => new RegExp(`^/images/(?<name>.+)/${verb}$`);

/** The unpacked layer directories of an image (its top chain ID's snapshot and those below it). */
async function imageLayerDirs(s: Services, diffIds: Digest[]): Promise<GraphDriverData> {
  const top = chainIds(diffIds).at(-1);
  if (!top) return null;
  try {
    const upper = await s.snapshotter.upperDir(top);
    const lower = await s.snapshotter.lowerDirs(top);
    return lower.length > 0 ? { LowerDir: lower.join(':'), UpperDir: upper } : { UpperDir: upper };
  } catch {
    return null; // not unpacked (yet)
  }
}

export function imageRoutes(r: Router, s: Services): void {
  r.add('GET', '/images/json', async (ctx) => {
    const listed = await listImages(s.images, { all: queryBool(ctx.query, 'all'), filters: queryFilters(ctx.query) });
    ctx.json(200, listed.map((l) => summaryJson(l, ctx.apiVersion)));
  });

  r.add('GET', NAMED('json'), async (ctx) => {
    const img = await s.images.inspect(ctx.params.name!);
    ctx.json(200, inspectJson(img, s.images.store.referencesOf(img.record.id), ctx.apiVersion, await imageLayerDirs(s, img.config.rootfs.diff_ids)));
  });

  r.add('GET', NAMED('history'), async (ctx) => {
    const img = await s.images.inspect(ctx.params.name!);
    const sizes = [];
    for (const c of chainIds(img.config.rootfs.diff_ids)) sizes.push((await s.snapshotter.usage(c).catch(() => ({ size: 0 }))).size);
    // The image, then its local parents (commit and build record them).
    const lineage = [];
    for (let rec: ImageRecord | undefined = img.record; rec !== undefined; ) {
      lineage.push({ id: rec.id, refs: s.images.store.referencesOf(rec.id) });
      rec = rec.parent !== undefined ? s.images.store.list().find((x) => x.id === rec!.parent) : undefined;
    }
    ctx.json(200, historyJson(img, lineage, sizes));
  });

  r.add('POST', NAMED('tag'), async (ctx) => {
    // moby's RepoTagReference: a name (a tag in it is replaced by ?tag=), never a digest.
    const repo = ctx.query.get('repo') ?? '';
    if (repo === '') throw new InvalidArgumentError('repository name must have at least one component');
    const ref = parseNormalizedNamed(repo);
    if (ref.digest !== undefined) throw new InvalidArgumentError('cannot import digest reference');
    const tag = ctx.query.get('tag') || ref.tag || 'latest';
    if (!isValidTag(tag)) throw new InvalidArgumentError('invalid tag format');
    if (familiarName(ref) === 'sha256') throw new InvalidArgumentError('refusing to create an ambiguous tag using digest algorithm as name');
    const record = s.images.resolve(ctx.params.name!);
    await s.images.tag(record.id, formatReference({ ...ref, tag }));
    ctx.noContent(201);
  });

  r.add('DELETE', /^\/images\/(?<name>.+)$/, async (ctx) => {
    const items = await s.images.remove(ctx.params.name!, { force: queryBool(ctx.query, 'force'), noPrune: queryBool(ctx.query, 'noprune') });
    ctx.json(200, items);
  });

  r.add('POST', '/images/prune', async (ctx) => {
    const report = await pruneImages(s.images, queryFilters(ctx.query));
    ctx.json(200, { ImagesDeleted: report.deleted.length ? report.deleted : null, SpaceReclaimed: report.reclaimed });
  });

  r.add('POST', '/berth/images/bootstrap', async (ctx) => {
    const name = ctx.query.get('name') || 'busybox';
    if (name !== 'busybox') throw new InvalidArgumentError(`unknown bootstrap image: ${name} (only busybox can be made offline)`);
    const tag = ctx.query.get('tag') || 'latest';
    const record = await s.bootstrapBusybox(`${ctx.query.get('repo') || 'busybox'}:${tag}`);
    ctx.json(200, { Id: record.id, Tags: s.images.store.referencesOf(record.id) });
  });
}
