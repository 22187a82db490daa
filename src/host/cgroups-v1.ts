/**
 * cgroup v1: each controller is its own hierarchy, so one container cgroup is
 * a directory of the same name under every controller's mount point
 * (runc's cgroupfs driver joins an absolute cgroupsPath to each mount point).
 */
import path from 'node:path';
import { FailedPreconditionError } from '../errors.js';
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
  parseBlkioV1,
  parseFlatKeyedU64,
  parsePidsMax,
  parseU64,
  parseU64List,
  ticksToNanos,
  type CgroupBlkioEntry,
  type CgroupBlkioStats,
  type CgroupCpuStats,
  type CgroupPidsStats,
} from './cgroups-stats.js';

/** Controllers whose directory lists the container's processes, in order of preference. */
const PROCS_CONTROLLERS = ['pids', 'memory', 'devices', 'freezer', 'cpu', 'cpuacct'];

export class CgroupV1Manager implements CgroupManager {
  readonly version = 1 as const;
  readonly path: string;
  readonly #mounts: Map<string, string>;
  readonly #unified: string | undefined;

  /** `mounts`: controller → mount point, and `unified`: a hybrid host's cgroup2 mount (from `parseV1Mounts`). */
  constructor(cgroupsPath: string, mounts: Map<string, string>, unified?: string) {
    this.path = cgroupsPath;
    this.#mounts = mounts;
    this.#unified = unified;
  }

  /** The cgroup's directory in `controller`'s hierarchy. */
  dir(controller: string): string {
    const mountpoint = this.#mounts.get(controller);
    if (mountpoint === undefined) {
      throw new FailedPreconditionError(`cgroup controller ${controller} is not mounted on this host`);
    }
    return path.join(mountpoint, this.path);
  }

  #procsDir(): string {
    const controller = PROCS_CONTROLLERS.find((c) => this.#mounts.has(c));
    if (controller === undefined) throw new FailedPreconditionError('no cgroup v1 controller is mounted on this host');
    return this.dir(controller);
  }

  async exists(): Promise<boolean> {
    return isDirectory(this.#procsDir());
  }

  async pids(): Promise<number[]> {
    return collectPids(this.#procsDir(), this.path);
  }

  async pidsCurrent(): Promise<number> {
    return parseInteger(await readCgroupFile(this.dir('pids'), 'pids.current', this.path), 'pids.current');
  }

  async oomKillCount(): Promise<number> {
    // memory.oom_control gained its oom_kill line in Linux 4.13.
    const control = parseFlatKeyed(await readCgroupFile(this.dir('memory'), 'memory.oom_control', this.path));
    return control['oom_kill'] ?? 0;
  }

  async memoryStats(): Promise<CgroupMemoryStats> {
    const dir = this.dir('memory');
    const read = (file: string) => readCgroupFile(dir, file, this.path);
    const [usage, maxUsage, limit, failcnt, stat] = await Promise.all([
      read('memory.usage_in_bytes'),
      read('memory.max_usage_in_bytes'),
      read('memory.limit_in_bytes'),
      read('memory.failcnt'),
      read('memory.stat'),
    ]);
    return {
      usage: parseInteger(usage, 'memory.usage_in_bytes'),
      maxUsage: parseInteger(maxUsage, 'memory.max_usage_in_bytes'),
      limit: parseLimit(limit),
      failcnt: parseInteger(failcnt, 'memory.failcnt'),
      stats: parseFlatKeyedU64(stat),
    };
  }

  async cpuUsageNs(): Promise<number> {
    return parseInteger(await readCgroupFile(this.dir('cpuacct'), 'cpuacct.usage', this.path), 'cpuacct.usage');
  }

  async cpuStats(): Promise<CgroupCpuStats> {
    const dir = this.dir('cpuacct');
    const read = (file: string) => readCgroupFile(dir, file, this.path);
    const [usage, perCpu, stat, throttling] = await Promise.all([
      read('cpuacct.usage'),
      read('cpuacct.usage_percpu'),
      read('cpuacct.stat'),
      this.#throttling(),
    ]);
    // cpuacct.stat counts USER_HZ ticks; moby (through containerd) reports nanoseconds.
    const ticks = parseFlatKeyedU64(stat);
    return {
      total: parseU64(usage, 'cpuacct.usage'),
      perCpu: parseU64List(perCpu, 'cpuacct.usage_percpu'),
      kernel: ticksToNanos(ticks['system'] ?? 0),
      user: ticksToNanos(ticks['user'] ?? 0),
      throttling,
    };
  }

  /** cpu.stat of the cpu controller (mounted apart from cpuacct on some hosts); zeros without it. */
  async #throttling(): Promise<CgroupCpuStats['throttling']> {
    if (!this.#mounts.has('cpu')) return { periods: 0, throttledPeriods: 0, throttledTime: 0 };
    const stat = parseFlatKeyedU64(await readCgroupFile(this.dir('cpu'), 'cpu.stat', this.path));
    return { periods: stat['nr_periods'] ?? 0, throttledPeriods: stat['nr_throttled'] ?? 0, throttledTime: stat['throttled_time'] ?? 0 };
  }

  async blkioStats(): Promise<CgroupBlkioStats> {
    const [serviceBytes, serviced] = await Promise.all([
      this.#blkio('blkio.throttle.io_service_bytes_recursive', 'blkio.throttle.io_service_bytes'),
      this.#blkio('blkio.throttle.io_serviced_recursive', 'blkio.throttle.io_serviced'),
    ]);
    return { serviceBytes, serviced };
  }

  /**
   * The throttle files count every bio whatever the I/O scheduler (CFQ's own
   * blkio.io_* files went with CFQ in Linux 5.0). The *_recursive variants
   * (Linux 4.?+) include child cgroups; older kernels have only the flat ones.
   */
  async #blkio(recursive: string, flat: string): Promise<CgroupBlkioEntry[]> {
    const dir = this.dir('blkio');
    let text: string;
    let file = recursive;
    try {
      text = await readCgroupFile(dir, recursive, this.path);
    } catch (err) {
      if (!(err instanceof FailedPreconditionError)) throw err;
      file = flat;
      text = await readCgroupFile(dir, flat, this.path);
    }
    return parseBlkioV1(text, file);
  }

  async pidsStats(): Promise<CgroupPidsStats> {
    const dir = this.dir('pids');
    const [current, max] = await Promise.all([readCgroupFile(dir, 'pids.current', this.path), readCgroupFile(dir, 'pids.max', this.path)]);
    return { current: parseInteger(current, 'pids.current'), limit: parsePidsMax(max) };
  }

  async remove(): Promise<void> {
    // Controllers mounted together ("cpu,cpuacct") share one directory: remove each once.
    const mountpoints = [...this.#mounts.values(), ...(this.#unified === undefined ? [] : [this.#unified])];
    const dirs = new Set(mountpoints.map((m) => path.join(m, this.path)));
    for (const dir of dirs) await removeCgroupDir(dir, this.path);
  }
}
