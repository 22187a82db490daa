/**
 * The filesystem view Docker gives every container (moby `oci/defaults.go`),
 * and how user mounts (tmpfs, binds) are turned into OCI mounts and ordered
 * (`withMounts` in daemon/oci_linux.go).
 */
import path from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import type { BindInput, OciMount } from './types.js';

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** Docker's default mounts, parents before children. /dev/shm gets size=<shmSize>. */
export function defaultMounts(shmSize: number): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`],
    },
  ];
}

/** Mounts a read-only rootfs leaves writable (everything else default gets "ro"). */
export const WRITABLE_WITH_READONLY_ROOTFS = new Set(['/proc', '/dev/pts', '/dev/shm', '/dev/mqueue', '/dev']);

/** Docker's masked paths (runc bind-mounts /dev/null or an empty tmpfs over them); plus existing thermal_throttle dirs. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/**
 * moby/sys/mount's flag options, keyed by the kernel flag they set or clear:
 * a later option with the same key overrides an earlier one ("rw" after "ro").
 * Propagation and bind options share one key: only one can apply.
 */
const FLAG_KEYS: Record<string, string> = {
  ro: 'rdonly', rw: 'rdonly', suid: 'nosuid', nosuid: 'nosuid', dev: 'nodev', nodev: 'nodev',
  exec: 'noexec', noexec: 'noexec', sync: 'sync', async: 'sync', dirsync: 'dirsync', remount: 'remount',
  mand: 'mand', nomand: 'mand', atime: 'noatime', noatime: 'noatime', diratime: 'nodiratime',
  nodiratime: 'nodiratime', relatime: 'relatime', norelatime: 'relatime', strictatime: 'strictatime',
  nostrictatime: 'strictatime', bind: 'propagation', rbind: 'propagation', unbindable: 'propagation',
  runbindable: 'propagation', private: 'propagation', rprivate: 'propagation', shared: 'propagation',
  rshared: 'propagation', slave: 'propagation', rslave: 'propagation',
};

/** tmpfs data options Docker accepts. */
const TMPFS_DATA_OPTIONS = new Set(['', 'size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

/** moby's MergeTmpfsOptions: the last of conflicting options wins; unknown options are an error. */
export function mergeTmpfsOptions(options: readonly string[]): string[] {
  const seenFlags = new Set<string>();
  const seenData = new Set<string>();
  const out: string[] = [];
  for (let i = options.length - 1; i >= 0; i--) {
    const option = options[i]!;
    if (option === 'defaults') continue;
    const flagKey = FLAG_KEYS[option];
    if (flagKey !== undefined) {
      if (!seenFlags.has(flagKey)) {
        out.unshift(option);
        seenFlags.add(flagKey);
      }
      continue;
    }
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    if (eq < 0 || !TMPFS_DATA_OPTIONS.has(key)) throw new InvalidArgumentError(`invalid tmpfs option ${JSON.stringify(key)}`);
    if (!seenData.has(key)) {
      out.unshift(option);
      seenData.add(key);
    }
  }
  return out;
}

/** Docker's mount-path checks; `type` names the mount kind in the message. */
export function validateMountDestination(type: 'tmpfs' | 'bind', destination: string): void {
  const fail = (why: string) => new InvalidArgumentError(`invalid mount config for type ${JSON.stringify(type)}: ${why}`);
  if (path.posix.normalize(destination) === '/') throw fail("invalid specification: destination can't be '/'");
  if (!path.posix.isAbsolute(destination)) throw fail(`invalid mount path: '${destination}' mount path must be absolute`);
}

/** A --tmpfs mount: noexec,nosuid,nodev,rprivate unless the user's options say otherwise. */
export function tmpfsMount(destination: string, data: string): OciMount {
  validateMountDestination('tmpfs', destination);
  const user = data === '' ? [] : data.split(',');
  return {
    destination,
    type: 'tmpfs',
    source: 'tmpfs',
    options: mergeTmpfsOptions(['noexec', 'nosuid', 'nodev', 'rprivate', ...user]),
  };
}

const PROPAGATIONS = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);

/** A bind mount: recursive (unless nonRecursive), "ro" when read-only, rprivate unless another propagation is asked for. */
export function bindMount(b: BindInput): OciMount {
  validateMountDestination('bind', b.destination);
  const propagation = b.propagation || 'rprivate';
  if (!PROPAGATIONS.has(propagation)) {
    throw new InvalidArgumentError(`invalid mount config for type "bind": invalid propagation mode: ${propagation}`);
  }
  // runc 1.1 has no recursive read-only ("rro"); Docker falls back to "ro" then too.
  const options = [b.nonRecursive ? 'bind' : 'rbind', ...(b.readonly ? ['ro'] : []), propagation];
  return { destination: b.destination, type: 'bind', source: b.source, options };
}

/** Number of "/" in the cleaned destination: how Docker orders user mounts so parents mount first. */
function depth(destination: string): number {
  const cleaned = path.posix.normalize(destination).replace(/(.)\/$/, '$1');
  return (cleaned.match(/\//g) ?? []).length;
}

/** User mounts ordered parents first (stable, unlike Go's sort.Sort, so equal depths keep input order). */
export function sortMounts<T extends { destination: string }>(mounts: readonly T[]): T[] {
  return mounts
    .map((m, i) => ({ m, i, d: depth(m.destination) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.m);
}
