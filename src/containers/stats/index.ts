/**
 * Container stats (`docker stats`): a sampler that reads one record from the
 * kernel, and a collector that repeats it every second for whoever watches.
 *
 *   GET /containers/{id}/stats ──▶ collector.subscribe(id) ──▶ sampler.sample(record) each second
 *                              └─▶ sampler.sample(record)   (one-shot)
 *   container removed (destroy event) ──▶ collector.stopCollection(id): streams end
 *   daemon stop ──▶ collector.close()
 */
import type { CgroupLayout } from '../../host/cgroups.js';
import type { ContainerRecord } from '../container.js';
import { StatsCollector } from './stats-collector.js';
import { StatsSampler } from './stats-sampler.js';

export { StatsCollector, type StatsSubscription } from './stats-collector.js';
export { StatsSampler, hasLiveTask } from './stats-sampler.js';
export { emptyStats, zeroCpuStats, type StatsResponse } from './stats-types.js';

export interface ContainerStats {
  readonly sampler: StatsSampler;
  readonly collector: StatsCollector;
}

export interface ContainerStatsOptions {
  layout: CgroupLayout;
  cgroupsPath(c: ContainerRecord): string;
  /** A container by ID or name; undefined once removed. */
  lookup(ref: string): ContainerRecord | undefined;
  log(msg: string): void;
  /** Between samples of a stream; Docker's is 1 s. */
  intervalMs?: number;
}

export function createContainerStats(o: ContainerStatsOptions): ContainerStats {
  const sampler = new StatsSampler({
    layout: o.layout,
    cgroupsPath: o.cgroupsPath,
    lookup: o.lookup,
    onError: (c, err) => o.log(`collecting stats for container ${c.name}: ${(err as Error)?.message ?? String(err)}`),
  });
  const collector = new StatsCollector(async (id) => {
    const c = o.lookup(id);
    return c === undefined ? undefined : sampler.sample(c);
  }, o.intervalMs ?? 1000);
  return { sampler, collector };
}
