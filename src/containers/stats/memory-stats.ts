/**
 * memory_stats as moby reports it from a cgroup's memory files.
 *
 * moby does not pass memory.stat through: it copies a fixed set of keys out
 * of containerd's parsed struct, so every key of the set is present (0 when
 * the kernel lacks it) and no other is. The sets differ by cgroup version,
 * and clients rely on that: the docker CLI subtracts v1's
 * "total_inactive_file" or v2's "inactive_file" from usage to show memory
 * without page cache.
 *
 * The limit of a container without one is the machine's memory (moby:
 * "if the container does not set memory limit, use the machineMemory").
 */
import type { CgroupMemoryStats, U64 } from '../../host/cgroups.js';
import type { MemoryStatsWire } from './stats-types.js';

/** moby's statsV1 keys (containerd cgroup1 MemoryStat). */
export const V1_MEMORY_KEYS: readonly string[] = [
  'cache', 'rss', 'rss_huge', 'mapped_file', 'dirty', 'writeback', 'pgpgin', 'pgpgout', 'pgfault',
  'pgmajfault', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable',
  'hierarchical_memory_limit', 'hierarchical_memsw_limit',
  'total_cache', 'total_rss', 'total_rss_huge', 'total_mapped_file', 'total_dirty', 'total_writeback',
  'total_pgpgin', 'total_pgpgout', 'total_pgfault', 'total_pgmajfault', 'total_inactive_anon',
  'total_active_anon', 'total_inactive_file', 'total_active_file', 'total_unevictable',
];

/** moby's statsV2 keys (containerd cgroup2 MemoryStat). */
export const V2_MEMORY_KEYS: readonly string[] = [
  'anon', 'file', 'kernel_stack', 'slab', 'sock', 'shmem', 'file_mapped', 'file_dirty', 'file_writeback',
  'anon_thp', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable',
  'slab_reclaimable', 'slab_unreclaimable', 'pgfault', 'pgmajfault', 'workingset_refault',
  'workingset_activate', 'workingset_nodereclaim', 'pgrefill', 'pgscan', 'pgsteal', 'pgactivate',
  'pgdeactivate', 'pglazyfree', 'pglazyfreed', 'thp_fault_alloc', 'thp_collapse_alloc',
];

/** The keys of `version` from memory.stat, sorted as Go writes a map, missing ones 0. */
export function pickMemoryStat(version: 1 | 2, raw: Readonly<Record<string, U64>>): Record<string, U64> {
  const keys = [...(version === 1 ? V1_MEMORY_KEYS : V2_MEMORY_KEYS)].sort();
  const out: Record<string, U64> = {};
  for (const k of keys) out[k] = raw[k] ?? 0;
  return out;
}

/**
 * memory_stats of one sample. `machineMemory` caps the limit (0: unknown, no
 * cap). v2 has no max_usage in moby's answer, v1 has no memory.events.
 */
export function memoryStatsWire(version: 1 | 2, m: CgroupMemoryStats, machineMemory: number): MemoryStatsWire {
  let limit: number = m.limit ?? Number.MAX_SAFE_INTEGER;
  if (machineMemory > 0 && limit > machineMemory) limit = machineMemory;
  const out: MemoryStatsWire = {};
  if (m.usage > 0) out.usage = m.usage;
  if (version === 1 && m.maxUsage) out.max_usage = m.maxUsage;
  out.stats = pickMemoryStat(version, m.stats);
  if (m.failcnt) out.failcnt = m.failcnt;
  if (limit > 0 && limit !== Number.MAX_SAFE_INTEGER) out.limit = limit;
  return out;
}
