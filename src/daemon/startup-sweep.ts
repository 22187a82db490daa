/**
 * What a crash can leave in the snapshotter, removed at start-up before the
 * API opens: half-unpacked layers and interrupted commits ("extract-…"
 * active snapshots) and the read-write layer of a container whose record
 * never landed or was already deleted ("container-<id>" without a record).
 * Committed layers are left to the image garbage collector.
 */
import type { Snapshotter } from '../snapshots/types.js';

export async function sweepStaleSnapshots(snapshotter: Snapshotter, liveContainerKeys: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const s of await snapshotter.walk()) {
    if (s.kind === 'committed') continue;
    const stale = s.name.startsWith('extract-') || (s.name.startsWith('container-') && !liveContainerKeys.has(s.name));
    if (!stale) continue;
    try {
      await snapshotter.remove(s.name);
      removed.push(s.name);
    } catch {
      // still mounted or a parent: left for the next start
    }
  }
  return removed;
}
