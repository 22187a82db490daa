/**
 * What the spec builder needs to know about the host, gathered in one place so
 * the builder itself stays a pure function of (input, facts) and tests can
 * pass facts of another host.
 *
 * Docker reads the same things (sysinfo, caps.GetAllCapabilities, the /sys
 * paths it masks, HostDevices for privileged containers). They do not change
 * while the daemon runs, so `hostFacts()` reads them once.
 */
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostCgroupLayout, type CgroupLayout } from '../../host/cgroups.js';
import { capabilitiesFromMask, KNOWN_CAPABILITIES } from './default-capabilities.js';
import type { OciDevice } from './types.js';

export interface HostFacts {
  /** CPUs this process may run on (Go's runtime.NumCPU). */
  cpuCount: number;
  cgroupVersion: 1 | 2;
  /** Controllers and features that decide which limits are kept (Docker warns and drops the rest). */
  cgroup: {
    memory: boolean;
    swap: boolean;
    /** memory.oom_control exists only on v1. */
    oomKillDisable: boolean;
    pids: boolean;
    cpuCfs: boolean;
    cpuShares: boolean;
    cpuset: boolean;
    /** blkio.weight (or BFQ's) on v1, the io controller on v2; absent means no. */
    blkioWeight?: boolean;
  };
  /** CPUs a --cpuset-cpus may name, in cpuset list syntax ("0-3,6"). */
  onlineCpus: string;
  /** Memory nodes a --cpuset-mems may name; absent means node 0 only. */
  onlineMems?: string;
  /** The daemon's own effective capabilities: what --privileged gets and --cap-add may add. */
  capabilities: string[];
  /** Sysctls Docker sets by default, if the kernel has them. */
  sysctls: { pingGroupRange: boolean; unprivilegedPortStart: boolean };
  /** /sys/devices/system/cpu/cpuN/thermal_throttle dirs that exist (Docker masks them). */
  thermalThrottlePaths: string[];
  /** Every device under the host's /dev, for privileged containers; read at each call (hotplug). */
  hostDevices(): OciDevice[];
}

function cgroupFeatures(layout: CgroupLayout): HostFacts['cgroup'] {
  if (layout.version === 2) {
    const has = (c: string) => layout.controllers.includes(c);
    return {
      memory: has('memory'),
      swap: has('memory'),
      oomKillDisable: false,
      pids: has('pids'),
      cpuCfs: has('cpu'),
      cpuShares: has('cpu'),
      cpuset: has('cpuset'),
      blkioWeight: has('io'),
    };
  }
  const file = (controller: string, name: string) => {
    const mnt = layout.mounts.get(controller);
    return mnt !== undefined && existsSync(path.join(mnt, name));
  };
  return {
    memory: layout.mounts.has('memory'),
    swap: file('memory', 'memory.memsw.limit_in_bytes'),
    oomKillDisable: file('memory', 'memory.oom_control'),
    pids: layout.mounts.has('pids'),
    cpuCfs: file('cpu', 'cpu.cfs_quota_us'),
    cpuShares: file('cpu', 'cpu.shares'),
    cpuset: layout.mounts.has('cpuset'),
    blkioWeight: file('blkio', 'blkio.weight') || file('blkio', 'blkio.bfq.weight'),
  };
}

function effectiveCapabilities(): string[] {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('CapEff:'));
    if (line) return capabilitiesFromMask(line.slice('CapEff:'.length));
  } catch {
    // As moby: if the current set cannot be read, assume every known capability.
  }
  return [...KNOWN_CAPABILITIES];
}

function thermalThrottlePaths(): string[] {
  let cpus: string[] = [];
  try {
    cpus = readdirSync('/sys/devices/system/cpu').filter((n) => /^cpu\d+$/.test(n));
  } catch {
    return [];
  }
  return cpus
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
    .map((c) => `/sys/devices/system/cpu/${c}/thermal_throttle`)
    .filter((p) => existsSync(p));
}

function onlineMems(): string {
  try {
    return readFileSync('/sys/devices/system/node/online', 'utf8').trim();
  } catch {
    return '0'; // no NUMA support: one node
  }
}

function onlineCpus(): string {
  try {
    return readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
  } catch {
    const n = os.availableParallelism();
    return n === 1 ? '0' : `0-${n - 1}`;
  }
}

/** Linux's dev_t encoding (glibc major()/minor()). */
function majorMinor(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

/** containerd's HostDevices: char and block nodes under `dir`, skipping the dirs a container gets its own of. */
export function listDevices(dir = '/dev'): OciDevice[] {
  const out: OciDevice[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev'].includes(entry.name)) continue;
      out.push(...listDevices(p));
      continue;
    }
    if (entry.name === 'console' || !(entry.isCharacterDevice() || entry.isBlockDevice())) continue;
    let st;
    try {
      st = lstatSync(p, { bigint: true });
    } catch {
      continue; // vanished (hotplug) between readdir and lstat
    }
    out.push({
      path: p,
      type: st.isBlockDevice() ? 'b' : 'c',
      ...majorMinor(st.rdev),
      fileMode: Number(st.mode & 0o7777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
    });
  }
  return out;
}

/** Reads the facts of the host this process runs on. */
export function detectHostFacts(): HostFacts {
  const layout = hostCgroupLayout();
  return {
    cpuCount: os.availableParallelism(),
    cgroupVersion: layout.version,
    cgroup: cgroupFeatures(layout),
    capabilities: effectiveCapabilities(),
    sysctls: {
      pingGroupRange: existsSync('/proc/sys/net/ipv4/ping_group_range'),
      unprivilegedPortStart: existsSync('/proc/sys/net/ipv4/ip_unprivileged_port_start'),
    },
    onlineCpus: onlineCpus(),
    onlineMems: onlineMems(),
    thermalThrottlePaths: thermalThrottlePaths(),
    hostDevices: () => listDevices(),
  };
}

let cached: HostFacts | undefined;

/** The host's facts, read once per process. */
export function hostFacts(): HostFacts {
  cached ??= detectHostFacts();
  return cached;
}
