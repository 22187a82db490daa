/**
 * `docker image prune` as moby's daemon/images/image_prune.go does it:
 * dangling images by default (untagged, no children), or with
 * dangling=false every image no container uses. Each goes through the
 * ordinary delete (image-delete.ts) with its untagged parents; an image a
 * container still uses is a conflict and is skipped, not an error.
 */
import { ConflictError } from '../errors.js';
import { parseReference } from '../reference/reference.js';
import { parseTimestamp } from '../units/timestamp.js';
import { boolFilter, matchKVList, validateFilters, type FilterArgs } from './filter-args.js';
import type { DeleteResponseItem } from './image-delete.js';
import type { ImageService } from './image-service.js';

const ACCEPTED = ['dangling', 'label', 'label!', 'until'];

export interface PruneReport {
  deleted: DeleteResponseItem[];
  reclaimed: number;
}

/** Services with a prune under way (moby refuses a second one). */
const running = new WeakSet<ImageService>();

export async function pruneImages(svc: ImageService, filters: FilterArgs, now: Date = new Date()): Promise<PruneReport> {
  if (running.has(svc)) throw new ConflictError('a prune operation is already running');
  validateFilters(filters, ACCEPTED);
  const danglingOnly = boolFilter(filters, 'dangling', true);
  const untilValues = filters.get('until') ?? [];
  if (untilValues.length > 1) throw new ConflictError('more than one until filter specified');
  const until = untilValues.length === 1 ? parseTimestamp(untilValues[0]!, now) * 1000 : undefined;
  running.add(svc);
  try {
    const store = svc.store;
    const candidates = [];
    for (const record of store.list()) {
      const refs = store.referencesOf(record.id);
      const hasChildren = store.children(record.id).length > 0;
      if (danglingOnly && hasChildren) continue;
      if (refs.length === 0 && hasChildren) continue; // intermediate: goes with its child
      const { config } = await svc.load(record);
      const created = config.created ? Date.parse(config.created) : NaN;
      if (until !== undefined && (!Number.isFinite(created) || created > until)) continue;
      const labels = config.config?.Labels ?? {};
      if (!matchKVList(filters, 'label', labels)) continue;
      if (filters.has('label!') && matchKVList(filters, 'label!', labels)) continue;
      candidates.push(record);
    }

    const report: PruneReport = { deleted: [], reclaimed: 0 };
    for (const record of candidates) {
      const refs = store.referencesOf(record.id);
      // By name for tagged images (each tag untagged in turn), by ID for untagged ones.
      let targets: string[] = [];
      if (refs.length === 0) targets = [record.id.slice(7)];
      else if (!danglingOnly || !refs.some((r) => parseReference(r).digest === undefined)) targets = refs;
      for (const target of targets) {
        try {
          const r = await svc.delete(target, { force: false, prune: true });
          report.deleted.push(...r.items);
          report.reclaimed += r.reclaimed;
        } catch {
          // In use, or gone with an earlier image's parents: kept, as Docker keeps it.
        }
      }
    }
    svc.events.emit('event', { type: 'image', action: 'prune', id: '', reclaimed: report.reclaimed });
    return report;
  } finally {
    running.delete(svc);
  }
}
