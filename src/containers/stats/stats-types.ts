/**
 * The Engine API's stats record (API v1.45, moby's container.StatsResponse),
 * field for field and in moby's field order, so Go-compatible JSON of it is
 * what `docker stats` and other Docker clients decode.
 *
 * Go's `omitempty` is modelled by optional fields: a sampler leaves a field
 * out where moby's value would be zero (system_cpu_usage, online_cpus, the
 * memory numbers, pids current/limit) and the JSON encoder then skips it.
 * Blkio lists without data are null, as Go's nil slices are.
 */
import { ZERO_TIME } from '../container.js';
import type { U64 } from '../../host/cgroups-stats.js';

export type { U64 } from '../../host/cgroups-stats.js';

export interface CpuUsageWire {
  total_usage: U64;
  /** Per CPU, cgroup v1 only. */
  percpu_usage?: U64[];
  usage_in_kernelmode: U64;
  usage_in_usermode: U64;
}

export interface ThrottlingDataWire {
  periods: U64;
  throttled_periods: U64;
  throttled_time: U64;
}

export interface CpuStatsWire {
  cpu_usage: CpuUsageWire;
  /** The host's CPU time in nanoseconds (the CLI's denominator for CPU %). */
  system_cpu_usage?: U64;
  online_cpus?: number;
  throttling_data: ThrottlingDataWire;
}

export interface MemoryStatsWire {
  usage?: U64;
  max_usage?: U64;
  /** memory.stat as moby picks it (v1 and v2 keys differ), keys sorted as a Go map. */
  stats?: Record<string, U64>;
  failcnt?: U64;
  limit?: U64;
}

export interface BlkioStatEntryWire {
  major: number;
  minor: number;
  op: string;
  value: U64;
}

type BlkioList = BlkioStatEntryWire[] | null;

export interface BlkioStatsWire {
  io_service_bytes_recursive: BlkioList;
  io_serviced_recursive: BlkioList;
  io_queue_recursive: BlkioList;
  io_service_time_recursive: BlkioList;
  io_wait_time_recursive: BlkioList;
  io_merged_recursive: BlkioList;
  io_time_recursive: BlkioList;
  sectors_recursive: BlkioList;
}

export interface NetworkStatsWire {
  rx_bytes: U64;
  rx_packets: U64;
  rx_errors: U64;
  rx_dropped: U64;
  tx_bytes: U64;
  tx_packets: U64;
  tx_errors: U64;
  tx_dropped: U64;
}

export interface PidsStatsWire {
  current?: number;
  limit?: number;
}

/** Read-only on Windows; always `{}` on Linux. */
export type StorageStatsWire = Record<string, never>;

export interface StatsResponse {
  /** When the sample was taken (RFC 3339, nanoseconds); Go's zero time in an empty sample. */
  read: string;
  /** `read` of the sample before, for rates; zero time in the first one. */
  preread: string;
  pids_stats: PidsStatsWire;
  blkio_stats: BlkioStatsWire;
  /** Windows only; 0 on Linux. */
  num_procs: number;
  storage_stats: StorageStatsWire;
  cpu_stats: CpuStatsWire;
  /** cpu_stats of the sample before (zeros in the first one). */
  precpu_stats: CpuStatsWire;
  memory_stats: MemoryStatsWire;
  /** "/" + the container's name, as moby's Container.Name. */
  name: string;
  id: string;
  /** By interface name inside the container (eth0, …); absent without interfaces. */
  networks?: Record<string, NetworkStatsWire>;
}

/** Go's zero CPUStats: counters 0, the omitempty ones absent. */
export function zeroCpuStats(): CpuStatsWire {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

export function nullBlkioStats(): BlkioStatsWire {
  return {
    io_service_bytes_recursive: null,
    io_serviced_recursive: null,
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  };
}

/**
 * The sample moby sends for a container that is not running (or whose cgroup
 * vanished while it was read): all zero but its name and ID.
 */
export function emptyStats(c: { readonly id: string; readonly name: string }): StatsResponse {
  return {
    read: ZERO_TIME,
    preread: ZERO_TIME,
    pids_stats: {},
    blkio_stats: nullBlkioStats(),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: zeroCpuStats(),
    precpu_stats: zeroCpuStats(),
    memory_stats: {},
    name: `/${c.name}`,
    id: c.id,
  };
}
