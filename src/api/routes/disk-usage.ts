/**
 * GET /system/df and POST /build/prune: what the engine's data takes on
 * disk, by kind — images (each layer counted once; SharedSize is the part
 * of an image other images use too), containers (their own layers),
 * volumes, and the build cache (contexts kept for the next build) — and
 * how the build cache is pruned. `docker system df` and `system prune`
 * read these.
 */
import { InvalidArgumentError } from '../../errors.js';
import { listImages } from '../../images/image-list.js';
import { parseTimestamp } from '../../units/timestamp.js';
import { volumeJson } from '../types/volume-json.js';
import { summaryJson as containerSummary } from '../types/container-json.js';
import { summaryJson as imageSummary } from '../types/image-json.js';
import { queryBool, queryFilters, type Router } from '../router.js';
import type { Services } from './services.js';

const KINDS = new Set(['container', 'image', 'volume', 'build-cache']);

export function diskUsageRoutes(r: Router, s: Services): void {
  r.add('GET', '/system/df', async (ctx) => {
    const asked = ctx.query.getAll('type');
    for (const k of asked) if (!KINDS.has(k)) throw new InvalidArgumentError(`unknown object type: ${k}`);
    const want = (k: string) => asked.length === 0 || asked.includes(k);
    const out: Record<string, unknown> = {};
    if (want('image')) Object.assign(out, await imagesUsage(s, ctx.apiVersion));
    if (want('container')) {
      const rows = [];
      for (const c of s.containers.store.list()) rows.push(containerSummary(c, { ...(await s.sizes(c)), networkSettings: s.containers.networkSettings(c) }));
      out.Containers = rows;
    }
    if (want('volume')) out.Volumes = (await s.volumes.diskUsage()).map((u) => volumeJson(u.volume, s.volumes.mountpoint(u.volume.name), { size: u.size, refCount: u.refCount }));
    if (want('build-cache')) {
      out.BuildCache = (await s.builder.cacheUsage()).map((b) => ({
        ID: b.id.slice(0, 25),
        Parent: '',
        Parents: null,
        Type: 'source.local',
        Description: b.description,
        InUse: b.inUse,
        Shared: false,
        Size: b.size,
        CreatedAt: b.createdAt,
        LastUsedAt: b.lastUsedAt,
        UsageCount: b.usageCount,
      }));
    }
    ctx.json(200, out);
  });

  r.add('POST', '/build/prune', async (ctx) => {
    const filters = queryFilters(ctx.query);
    for (const k of filters.keys()) if (!['until', 'id', 'type', 'inuse', 'shared', 'private', 'description', 'unused-for', 'last-used'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    const until = filters.get('until')?.[0] ?? filters.get('unused-for')?.[0];
    const cutoff = until === undefined ? undefined : parseTimestamp(until, new Date()) * 1000;
    const keepStorage = Number(ctx.query.get('keep-storage') ?? ctx.query.get('reserved-space') ?? 0) || 0;
    let kept = 0;
    const report = await s.builder.pruneCache(queryBool(ctx.query, 'all'), (rec) => {
      if (cutoff !== undefined && Date.parse(rec.lastUsedAt) >= cutoff) return true;
      // --keep-storage: the most recently used records stay while they fit.
      if (keepStorage > 0 && kept + rec.size <= keepStorage) {
        kept += rec.size;
        return true;
      }
      return false;
    });
    ctx.json(200, { CachesDeleted: report.deleted.length ? report.deleted.map((d) => d.slice(0, 25)) : null, SpaceReclaimed: report.reclaimed });
  });
}

/** Images with Containers (how many use each) and SharedSize, and LayersSize: every layer once. */
async function imagesUsage(s: Services, apiVersion: string): Promise<{ LayersSize: number; Images: unknown[] }> {
  const listed = await listImages(s.images, { all: false, filters: new Map() });
  const layersOf = new Map<string, Array<{ chainId: string; size: number }>>();
  const users = new Map<string, number>(); // chain ID → images using it
  for (const l of listed) {
    const layers = await s.images.layerSizes(l.image.config);
    layersOf.set(l.image.record.id, layers);
    for (const layer of layers) users.set(layer.chainId, (users.get(layer.chainId) ?? 0) + 1);
  }
  const all = new Map<string, number>();
  for (const record of s.images.store.list()) {
    try {
      for (const layer of await s.images.layerSizes((await s.images.load(record)).config)) all.set(layer.chainId, layer.size);
    } catch {
      // removed meanwhile
    }
  }
  const containers = s.containers.store.list();
  const images = listed.map((l) => {
    const layers = layersOf.get(l.image.record.id) ?? [];
    return {
      ...imageSummary(l, apiVersion),
      Containers: containers.filter((c) => c.imageId === l.image.record.id).length,
      SharedSize: layers.filter((x) => (users.get(x.chainId) ?? 0) > 1).reduce((n, x) => n + x.size, 0),
    };
  });
  return { LayersSize: [...all.values()].reduce((a, b) => a + b, 0), Images: images };
}
