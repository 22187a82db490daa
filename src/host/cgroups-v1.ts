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
      stats: parseFlatKeyed(stat),
    };
  }

  async cpuUsageNs(): Promise<number> {
    return parseInteger(await readCgroupFile(this.dir('cpuacct'), 'cpuacct.usage', this.path), 'cpuacct.usage');
  }

  async remove(): Promise<void> {
    // Controllers mounted together ("cpu,cpuacct") share one directory: remove each once.
    const mountpoints = [...this.#mounts.values(), ...(this.#unified === undefined ? [] : [this.#unified])];
    const dirs = new Set(mountpoints.map((m) => path.join(m, this.path)));
    for (const dir of dirs) await removeCgroupDir(dir, this.path);
  }
}
