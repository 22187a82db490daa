/**
 * Container cgroups, read from the host: one interface, a v1 and a v2
 * implementation (youki's `CgroupManager`), chosen by detecting the host.
 *
 * Berth never creates container cgroups itself: runc creates the cgroup named
 * by the spec's `linux.cgroupsPath` (cgroupfs driver, e.g. "/berth/<id>") when
 * the container starts and removes it on `runc delete`. The daemon opens a
 * manager for that path to answer `docker top` (pids), `docker stats`
 * (cpu, memory, blkio, pids: src/containers/stats/), and to tell an OOM kill
 * from an ordinary exit (`oomKillCount` before vs after). The stats types and
 * the parsers of the kernel's stat formats are in cgroups-stats.ts.
 *
 * Detection: cgroup v2 (unified) when /sys/fs/cgroup/cgroup.controllers exists;
 * otherwise v1 (including "hybrid" hosts that also mount an empty cgroup2 at
 * /sys/fs/cgroup/unified), with each controller's mount point read from
 * /proc/self/mountinfo because hosts mount them differently
 * ("cpu,cpuacct" together or apart).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { CgroupV1Manager } from './cgroups-v1.js';
import { CgroupV2Manager } from './cgroups-v2.js';
import type { CgroupBlkioStats, CgroupCpuStats, CgroupPidsStats, U64 } from './cgroups-stats.js';

export type { CgroupBlkioEntry, CgroupBlkioStats, CgroupCpuStats, CgroupPidsStats, U64 } from './cgroups-stats.js';

/**
 * Reads one container cgroup. Every method reads the kernel afresh; a cgroup
 * that does not exist (any more) fails with NotFoundError, a controller the
 * host lacks with FailedPreconditionError.
 */
export interface CgroupManager {
  readonly version: 1 | 2;
  /** The cgroupsPath this manager reads, e.g. "/berth/<id>". */
  readonly path: string;
  exists(): Promise<boolean>;
  /** Every process in the cgroup and its child cgroups, sorted. */
  pids(): Promise<number[]>;
  /** pids.current: tasks (threads included) charged to the cgroup. */
  pidsCurrent(): Promise<number>;
  /** Processes the kernel OOM killer killed in this cgroup so far. */
  oomKillCount(): Promise<number>;
  memoryStats(): Promise<CgroupMemoryStats>;
  /** Total CPU time consumed, in nanoseconds. */
  cpuUsageNs(): Promise<number>;
  /** CPU time (total, per CPU, user, kernel) in nanoseconds, and CFS throttling. */
  cpuStats(): Promise<CgroupCpuStats>;
  /** Bytes and operations per block device (v1 blkio.throttle.*_recursive, v2 io.stat). */
  blkioStats(): Promise<CgroupBlkioStats>;
  /** pids.current and pids.max. */
  pidsStats(): Promise<CgroupPidsStats>;
  /** Removes the (empty) cgroup from every hierarchy; for cleanup after a crash of runc. */
  remove(): Promise<void>;
}

/** Shaped after the Engine API's memory_stats so `docker stats` can use it as is. */
export interface CgroupMemoryStats {
  /** Bytes charged now (v1 memory.usage_in_bytes, v2 memory.current). */
  usage: number;
  /** High-water mark (v1 memory.max_usage_in_bytes, v2 memory.peak when the kernel has it). */
  maxUsage?: number;
  /** Limit in bytes; null when unlimited. */
  limit: number | null;
  /** v1 memory.failcnt; v2 the "oom" count of memory.events (what moby reports as failcnt there). */
  failcnt?: number;
  /** memory.stat, as key → value (exact: a bigint past 2^53). */
  stats: Record<string, U64>;
}

export type CgroupLayout =
  | { version: 2; mountpoint: string; controllers: string[] }
  | {
      version: 1;
      /** Controller ("memory", "cpuacct", "name=systemd") → mount point. */
      mounts: Map<string, string>;
      /** "Hybrid" hosts' controller-less cgroup2 mount, where runc also creates the cgroup. */
      unified?: string;
    };

const V1_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'blkio',
  'perf_event', 'net_prio', 'hugetlb', 'pids', 'rdma', 'misc',
]);

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/self/mountinfo text into the v1 controller → mount point map and the hybrid cgroup2 mount. */
export function parseV1Mounts(mountinfo: string): { mounts: Map<string, string>; unified?: string } {
  const mounts = new Map<string, string>();
  let unified: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const [fstype, , superOptions = ''] = line.slice(sep + 3).split(' ');
    const mountpoint = unescapeMountPath(line.slice(0, sep).split(' ')[4] ?? '');
    if (fstype === 'cgroup2') unified ??= mountpoint;
    if (fstype !== 'cgroup') continue;
    for (const opt of superOptions.split(',')) {
      if ((V1_CONTROLLERS.has(opt) || opt.startsWith('name=')) && !mounts.has(opt)) mounts.set(opt, mountpoint);
    }
  }
  return unified === undefined ? { mounts } : { mounts, unified };
}

/** Detects the cgroup layout; `root` and `mountinfoPath` are parameters only so tests can point elsewhere. */
export function detectCgroupLayout(root = '/sys/fs/cgroup', mountinfoPath = '/proc/self/mountinfo'): CgroupLayout {
  const controllersFile = path.join(root, 'cgroup.controllers');
  if (existsSync(controllersFile)) {
    const controllers = readFileSync(controllersFile, 'utf8').trim().split(/\s+/).filter(Boolean);
    return { version: 2, mountpoint: root, controllers };
  }
  return { version: 1, ...parseV1Mounts(readFileSync(mountinfoPath, 'utf8')) };
}

let hostLayout: CgroupLayout | undefined;

/** The host's layout, detected once per process (it does not change while the daemon runs). */
export function hostCgroupLayout(): CgroupLayout {
  hostLayout ??= detectCgroupLayout();
  return hostLayout;
}

/** Checks a cgroupfs-driver path: absolute, no "." or ".." parts, not the root. */
export function checkCgroupsPath(cgroupsPath: string): void {
  const parts = cgroupsPath.split('/').slice(1);
  if (!cgroupsPath.startsWith('/') || parts.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new InvalidArgumentError(`invalid cgroups path: ${JSON.stringify(cgroupsPath)}`);
  }
}

/** A manager for the cgroup at `cgroupsPath` (which need not exist yet). */
export function openCgroup(cgroupsPath: string, layout: CgroupLayout = hostCgroupLayout()): CgroupManager {
  checkCgroupsPath(cgroupsPath);
  return layout.version === 2
    ? new CgroupV2Manager(cgroupsPath, layout.mountpoint)
    : new CgroupV1Manager(cgroupsPath, layout.mounts, layout.unified);
}
