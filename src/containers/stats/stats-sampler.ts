/**
 * StatsSampler: one stats record of a container, read from the kernel now.
 *
 * Lifecycle: built once by the daemon with the host's cgroup layout; each
 * sample() opens the container's cgroup afresh and reads cpu, memory, blkio
 * and pids from it, the host's CPU time from /proc/stat right after (the two
 * must be close together: the CLI divides their deltas), and the interface
 * counters of the container's network namespace from
 * /proc/<init pid>/net/dev. A sample has no memory of the one before: the
 * preread/precpu_stats fields are filled by whoever sends a series
 * (src/api/routes/stats.ts).
 *
 * A container that is not running, or whose cgroup vanishes while it is read
 * (it just exited), gives moby's empty sample: zeros with its name and ID. A
 * controller the host lacks leaves its part empty, as moby leaves it.
 */
import { FailedPreconditionError, NotFoundError, isErrno } from '../../errors.js';
import { openCgroup, type CgroupLayout, type CgroupManager } from '../../host/cgroups.js';
import type { CgroupBlkioEntry, CgroupBlkioStats } from '../../host/cgroups-stats.js';
import { readMachineMemory, readNetDev, readSystemCpuUsage } from '../../host/proc-stats.js';
import { formatRfc3339Nano, nowNanos } from '../clock.js';
import type { ContainerRecord } from '../container.js';
import { memoryStatsWire } from './memory-stats.js';
import {
  emptyStats,
  nullBlkioStats,
  zeroCpuStats,
  type BlkioStatEntryWire,
  type BlkioStatsWire,
  type CpuStatsWire,
  type NetworkStatsWire,
  type StatsResponse,
} from './stats-types.js';

export interface StatsSamplerOptions {
  layout: CgroupLayout;
  /** The cgroupsPath runc created the container's cgroup at (ContainerService.cgroupsPath). */
  cgroupsPath(c: ContainerRecord): string;
  /** A container by ID or name, to follow `--network container:<ref>` to the namespace's owner. */
  lookup(ref: string): ContainerRecord | undefined;
  /** Where /proc is; fixture directories in tests. */
  procRoot?: string;
  /** Unexpected read failures (the sample is then empty, as moby's). */
  onError?: (c: ContainerRecord, err: unknown) => void;
}

/** Running or paused: the states whose cgroup has processes to read (moby's IsRunning minus restarting). */
export function hasLiveTask(c: ContainerRecord): boolean {
  return c.state.status === 'running' || c.state.status === 'paused';
}

/** Resolves a controller read to undefined when the host does not have that controller. */
async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof FailedPreconditionError) return undefined;
    throw err;
  }
}

const blkioWire = (entries: CgroupBlkioEntry[]): BlkioStatEntryWire[] =>
  entries.map((e) => ({ major: e.major, minor: e.minor, op: e.op, value: e.value }));

/**
 * blkio_stats as moby shapes them. v1: every list is an array (moby copies
 * containerd's lists with make(), so an empty one is [] not null), with data
 * in the two throttle lists. v2: only bytes, from io.stat; null without devices.
 */
function blkioStatsWire(version: 1 | 2, blkio: CgroupBlkioStats | undefined): BlkioStatsWire {
  const out = nullBlkioStats();
  if (!blkio) return out;
  if (version === 2) {
    if (blkio.serviceBytes.length > 0) out.io_service_bytes_recursive = blkioWire(blkio.serviceBytes);
    return out;
  }
  for (const key of Object.keys(out) as (keyof BlkioStatsWire)[]) out[key] = [];
  out.io_service_bytes_recursive = blkioWire(blkio.serviceBytes);
  out.io_serviced_recursive = blkioWire(blkio.serviced);
  return out;
}

export class StatsSampler {
  readonly #o: StatsSamplerOptions;
  readonly #procRoot: string;
  #machineMemory: number | undefined;

  constructor(options: StatsSamplerOptions) {
    this.#o = options;
    this.#procRoot = options.procRoot ?? '/proc';
  }

  async sample(c: ContainerRecord): Promise<StatsResponse> {
    if (!hasLiveTask(c)) return emptyStats(c);
    try {
      return await this.#read(c, openCgroup(this.#o.cgroupsPath(c), this.#o.layout));
    } catch (err) {
      // The container exited while we read: its cgroup or its /proc entry is gone.
      if (err instanceof NotFoundError || isErrno(err, 'ENOENT') || isErrno(err, 'ESRCH')) return emptyStats(c);
      this.#o.onError?.(c, err);
      return emptyStats(c);
    }
  }

  async #read(c: ContainerRecord, cg: CgroupManager): Promise<StatsResponse> {
    const read = formatRfc3339Nano(nowNanos());
    const [cpu, memory, blkio, pids, networks] = await Promise.all([
      optional(cg.cpuStats()),
      optional(cg.memoryStats()),
      optional(cg.blkioStats()),
      optional(cg.pidsStats()),
      this.#networks(c),
    ]);
    // Right after the cgroup's CPU time, so the two deltas cover the same interval.
    const system = await readSystemCpuUsage(this.#procRoot);
    this.#machineMemory ??= await readMachineMemory(this.#procRoot).catch(() => 0);

    const zero = zeroCpuStats();
    // Field order of Go's CPUStats: cpu_usage, system_cpu_usage, online_cpus, throttling_data.
    const cpuWire: CpuStatsWire = {
      cpu_usage: cpu
        ? {
            total_usage: cpu.total,
            ...(cpu.perCpu && cpu.perCpu.length > 0 ? { percpu_usage: cpu.perCpu } : {}),
            usage_in_kernelmode: cpu.kernel,
            usage_in_usermode: cpu.user,
          }
        : zero.cpu_usage,
      ...(system.systemUsage ? { system_cpu_usage: system.systemUsage } : {}),
      ...(system.onlineCpus ? { online_cpus: system.onlineCpus } : {}),
      throttling_data: cpu
        ? { periods: cpu.throttling.periods, throttled_periods: cpu.throttling.throttledPeriods, throttled_time: cpu.throttling.throttledTime }
        : zero.throttling_data,
    };

    const out: StatsResponse = {
      ...emptyStats(c),
      read,
      pids_stats: {
        ...(pids?.current ? { current: pids.current } : {}),
        ...(pids?.limit ? { limit: pids.limit } : {}),
      },
      blkio_stats: blkioStatsWire(cg.version, blkio),
      cpu_stats: cpuWire,
      memory_stats: memory ? memoryStatsWire(cg.version, memory, this.#machineMemory) : {},
    };
    if (networks !== undefined) out.networks = networks;
    return out;
  }

  /**
   * Counters of the interfaces Docker reports: the container's endpoints
   * (eth0, eth1, …), not lo nor anything else in the namespace. Host
   * networking reports none, as moby's host sandbox has no interfaces.
   */
  async #networks(c: ContainerRecord): Promise<Record<string, NetworkStatsWire> | undefined> {
    if (c.config.NetworkDisabled) return undefined;
    let owner: ContainerRecord | undefined = c;
    for (let hops = 0; owner && hops < 8; hops++) {
      const mode: string = owner.hostConfig.NetworkMode ?? '';
      if (mode === 'host') return undefined;
      if (!mode.startsWith('container:')) break;
      owner = this.#o.lookup(mode.slice('container:'.length));
    }
    const names = new Set(Object.values(owner?.netAttachment?.endpoints ?? {}).map((e) => e.ifname));
    names.delete('lo');
    if (names.size === 0 || c.state.pid <= 0) return undefined;
    const counters = await readNetDev(c.state.pid, this.#procRoot);
    const out: Record<string, NetworkStatsWire> = {};
    for (const name of [...counters.keys()].sort()) {
      if (names.has(name)) out[name] = counters.get(name)!;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
}
