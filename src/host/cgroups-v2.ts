/**
 * cgroup v2: one unified hierarchy, so a container cgroup is one directory
 * under the cgroup2 mount point. Controller files (memory.*, pids.*) exist only
 * when the parent enabled the controller in cgroup.subtree_control; cpu.stat
 * and cgroup.procs always exist.
 */
import path from 'node:path';
import {
  collectPids,
  isDirectory,
  parseFlatKeyed,
  parseInteger,
  parseLimit,
  readCgroupFile,
  removeCgroupDir,
} from './cgroup-files.js';
import type { CgroupManager, CgroupMemoryStats } from './cgroups.js';
import {
  microsToNanos,
  parseFlatKeyedU64,
  parseIoStatV2,
  parsePidsMax,
  type CgroupBlkioStats,
  type CgroupCpuStats,
  type CgroupPidsStats,
} from './cgroups-stats.js';
import { FailedPreconditionError } from '../errors.js';

export class CgroupV2Manager implements CgroupManager {
  readonly version = 2 as const;
  readonly path: string;
  /** The cgroup's directory. */
  readonly dir: string;

  /** `mountpoint`: where cgroup2 is mounted, normally /sys/fs/cgroup. */
  constructor(cgroupsPath: string, mountpoint: string) {
    this.path = cgroupsPath;
    this.dir = path.join(mountpoint, cgroupsPath);
  }

  #read(file: string): Promise<string> {
    return readCgroupFile(this.dir, file, this.path);
  }

  async exists(): Promise<boolean> {
    return isDirectory(this.dir);
  }

  async pids(): Promise<number[]> {
    return collectPids(this.dir, this.path);
  }

  async pidsCurrent(): Promise<number> {
    return parseInteger(await this.#read('pids.current'), 'pids.current');
  }

  async oomKillCount(): Promise<number> {
    // memory.events counts this cgroup and its descendants (unless the
    // memory_localevents mount option is set), like v1's hierarchical count.
    return parseFlatKeyed(await this.#read('memory.events'))['oom_kill'] ?? 0;
  }

  async memoryStats(): Promise<CgroupMemoryStats> {
    const [current, max, stat, events] = await Promise.all([
      this.#read('memory.current'),
      this.#read('memory.max'),
      this.#read('memory.stat'),
      this.#read('memory.events'),
    ]);
    let maxUsage: number | undefined;
    try {
      // memory.peak exists since Linux 5.19.
      maxUsage = parseInteger(await this.#read('memory.peak'), 'memory.peak');
    } catch (err) {
      if (!(err instanceof FailedPreconditionError)) throw err;
    }
    return {
      usage: parseInteger(current, 'memory.current'),
      maxUsage,
      limit: parseLimit(max),
      // v2 has no failcnt; moby reports memory.events "oom" (times the limit was hit and reclaim failed).
      failcnt: parseFlatKeyed(events)['oom'] ?? 0,
      stats: parseFlatKeyedU64(stat),
    };
  }

  async cpuUsageNs(): Promise<number> {
    const usec = parseFlatKeyed(await this.#read('cpu.stat'))['usage_usec'];
    if (usec === undefined) throw new Error(`cpu.stat of cgroup ${this.path} has no usage_usec`);
    return usec * 1000;
  }

  async cpuStats(): Promise<CgroupCpuStats> {
    // cpu.stat always has the usage_* lines; the nr_* and throttled_usec lines only with the cpu controller enabled.
    const stat = parseFlatKeyedU64(await this.#read('cpu.stat'));
    if (stat['usage_usec'] === undefined) throw new Error(`cpu.stat of cgroup ${this.path} has no usage_usec`);
    return {
      total: microsToNanos(stat['usage_usec']),
      kernel: microsToNanos(stat['system_usec']),
      user: microsToNanos(stat['user_usec']),
      throttling: {
        periods: stat['nr_periods'] ?? 0,
        throttledPeriods: stat['nr_throttled'] ?? 0,
        throttledTime: microsToNanos(stat['throttled_usec']),
      },
    };
  }

  async blkioStats(): Promise<CgroupBlkioStats> {
    return parseIoStatV2(await this.#read('io.stat'));
  }

  async pidsStats(): Promise<CgroupPidsStats> {
    const [current, max] = await Promise.all([this.#read('pids.current'), this.#read('pids.max')]);
    return { current: parseInteger(current, 'pids.current'), limit: parsePidsMax(max) };
  }

  async remove(): Promise<void> {
    await removeCgroupDir(this.dir, this.path);
  }
}
