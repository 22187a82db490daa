/**
 * Resource limits: Docker's validation (`verifyPlatformContainerResources`),
 * its defaults (`adaptContainerSettings`: swap = 2 × memory), and the
 * translation to OCI `linux.resources` and `process.rlimits`
 * (`getMemoryResources`, `getCPUResources`, `getPidsLimit`, `withRlimits`).
 *
 * Error texts are Docker's, capitals included, because clients and scripts
 * match on them. Limits the host cannot enforce are dropped with Docker's
 * warning rather than failing, as Docker does.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { HostFacts } from './host-facts.js';
import type { OciCpu, OciDeviceRule, OciMemory, OciResources, OciRlimit, ResourcesInput, UlimitInput } from './types.js';

/** Not a kernel limit: Docker's floor so a container can start at all. */
export const MIN_MEMORY = 6 * 1024 * 1024;
const CFS_PERIOD_US = 100_000;

/** Docker's default devices cgroup rules: deny all, allow the standard char devices, deny fuse. */
export const DEFAULT_DEVICE_RULES: readonly OciDeviceRule[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' }, // /dev/zero
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, // /dev/null
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' }, // /dev/urandom
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' }, // /dev/random
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' }, // /dev/tty
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' }, // /dev/console
  { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' }, // /dev/fuse
];
// runc itself adds /dev/full, /dev/ptmx and /dev/pts/* to every container.

/** go-units' ulimit names → RLIMIT_ constants. */
const ULIMIT_NAMES = new Set([
  'as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc',
  'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
]);

/** Parses cpuset list syntax ("0-2,4") into cpu numbers, or null if malformed. */
export function parseCpuList(list: string): Set<number> | null {
  const out = new Set<number>();
  if (list.trim() === '') return out;
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return null;
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return out;
}

/**
 * Checks `r` the way Docker does at create time and returns the resources to
 * apply (host-unsupported limits dropped, swap defaulted) plus Docker's
 * warnings. Throws InvalidArgumentError with Docker's message otherwise.
 */
export function normalizeResources(input: ResourcesInput, facts: HostFacts): { resources: ResourcesInput; warnings: string[] } {
  const r: ResourcesInput = { ...input };
  const warnings: string[] = [];
  const fail = (msg: string) => new InvalidArgumentError(msg);
  const memory = r.memory ?? 0;

  if (memory !== 0 && memory < MIN_MEMORY) throw fail('Minimum memory limit allowed is 6MB');
  if (memory > 0 && !facts.cgroup.memory) {
    warnings.push('Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.');
    delete r.memory;
    r.memorySwap = -1;
  }
  if ((r.memory ?? 0) > 0 && r.memorySwap !== -1 && !facts.cgroup.swap) {
    warnings.push('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
    r.memorySwap = -1;
  }
  const swap = r.memorySwap ?? 0;
  if ((r.memory ?? 0) > 0 && swap > 0 && swap < (r.memory ?? 0)) {
    throw fail('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if ((r.memory ?? 0) === 0 && swap > 0) throw fail('You should always set the Memory limit when using Memoryswap limit, see usage');
  const reservation = r.memoryReservation ?? 0;
  if (reservation > 0 && reservation < MIN_MEMORY) throw fail('Minimum memory reservation allowed is 6MB');
  if ((r.memory ?? 0) > 0 && reservation > 0 && (r.memory ?? 0) < reservation) {
    throw fail('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (r.oomKillDisable !== undefined && !facts.cgroup.oomKillDisable) {
    if (r.oomKillDisable) warnings.push('Your kernel does not support OomKillDisable. OomKillDisable discarded.');
    delete r.oomKillDisable;
  }
  if (r.oomKillDisable && (r.memory ?? 0) === 0) {
    warnings.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  if (r.pidsLimit !== undefined && !facts.cgroup.pids) {
    if (r.pidsLimit > 0) warnings.push('Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded.');
    delete r.pidsLimit;
  }

  const nano = r.nanoCpus ?? 0;
  if (nano > 0 && (r.cpuPeriod ?? 0) > 0) throw fail('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && (r.cpuQuota ?? 0) > 0) throw fail('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano > 0 && !facts.cgroup.cpuCfs) {
    throw fail('NanoCPUs can not be set, as your kernel does not support CPU CFS scheduler or the cgroup is not mounted');
  }
  if (nano !== 0 && (nano < 0 || nano > facts.cpuCount * 1e9)) {
    const n = facts.cpuCount;
    throw fail(`range of CPUs is from 0.01 to ${n}.00, as there are only ${n} CPUs available`);
  }
  if ((r.cpuShares ?? 0) < 0) throw fail(`invalid CPU shares (${r.cpuShares}): value must be a positive integer`);
  if ((r.cpuShares ?? 0) > 0 && !facts.cgroup.cpuShares) {
    warnings.push('Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.');
    delete r.cpuShares;
  }
  if ((r.cpuPeriod || r.cpuQuota) && !facts.cgroup.cpuCfs) {
    warnings.push('Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.');
    delete r.cpuPeriod;
    delete r.cpuQuota;
  }
  const period = r.cpuPeriod ?? 0;
  if (period !== 0 && (period < 1000 || period > 1_000_000)) {
    throw fail('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if ((r.cpuQuota ?? 0) > 0 && (r.cpuQuota ?? 0) < 1000) throw fail('CPU cfs quota can not be less than 1ms (i.e. 1000)');

  if ((r.cpusetCpus || r.cpusetMems) && !facts.cgroup.cpuset) {
    warnings.push('Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.');
    delete r.cpusetCpus;
    delete r.cpusetMems;
  }
  if (r.cpusetCpus) {
    const wanted = parseCpuList(r.cpusetCpus);
    if (wanted === null) throw fail(`Invalid value ${r.cpusetCpus} for cpuset cpus`);
    const online = parseCpuList(facts.onlineCpus) ?? new Set<number>();
    if ([...wanted].some((c) => !online.has(c))) {
      throw fail(`Requested CPUs are not available - requested ${r.cpusetCpus}, available: ${facts.onlineCpus}`);
    }
  }
  if (r.cpusetMems) {
    const wanted = parseCpuList(r.cpusetMems);
    if (wanted === null) throw fail(`Invalid value ${r.cpusetMems} for cpuset mems`);
    const available = facts.onlineMems ?? '0';
    const online = parseCpuList(available) ?? new Set<number>();
    if ([...wanted].some((m) => !online.has(m))) {
      throw fail(`Requested memory nodes are not available - requested ${r.cpusetMems}, available: ${available}`);
    }
  }
  if ((r.blkioWeight ?? 0) > 0 && !facts.cgroup.blkioWeight) {
    warnings.push('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
    delete r.blkioWeight;
  }
  const weight = r.blkioWeight ?? 0;
  if (weight > 0 && (weight < 10 || weight > 1000)) throw fail('Range of blkio weight is from 10 to 1000');
  if (r.ulimits) r.ulimits = normalizeUlimits(r.ulimits);

  // adaptContainerSettings: by default a container may swap as much as it may use.
  if ((r.memory ?? 0) > 0 && (r.memorySwap ?? 0) === 0) r.memorySwap = (r.memory ?? 0) * 2;
  return { resources: r, warnings };
}

/** Validates ulimits; the last entry of a name wins, as with the CLI's map of --ulimit flags. */
function normalizeUlimits(ulimits: readonly UlimitInput[]): UlimitInput[] {
  const byName = new Map<string, UlimitInput>();
  for (const u of ulimits) {
    if (!ULIMIT_NAMES.has(u.name)) throw new InvalidArgumentError(`invalid ulimit type: ${u.name}`);
    for (const v of [u.soft, u.hard]) {
      if (!Number.isInteger(v) || v < -1) throw new InvalidArgumentError(`invalid ulimit value for ${u.name}: ${v}`);
    }
    // -1 is RLIM_INFINITY, above every finite value.
    const soft = u.soft === -1 ? Infinity : u.soft;
    const hard = u.hard === -1 ? Infinity : u.hard;
    if (soft > hard) {
      throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${u.soft} > ${u.hard}`);
    }
    byName.set(u.name, u);
  }
  return [...byName.values()];
}

/** `linux.resources` (without devices) for normalized resources. */
export function ociResources(r: ResourcesInput, facts: HostFacts): Omit<OciResources, 'devices'> {
  const out: Omit<OciResources, 'devices'> = {};

  const memory: OciMemory = {};
  if ((r.memory ?? 0) > 0) memory.limit = r.memory;
  if ((r.memoryReservation ?? 0) > 0) memory.reservation = r.memoryReservation;
  if ((r.memorySwap ?? 0) > 0) memory.swap = r.memorySwap;
  // Docker always passes disableOOMKiller (false by default) where the kernel has the knob (v1).
  if (facts.cgroup.oomKillDisable) memory.disableOOMKiller = r.oomKillDisable ?? false;
  if (Object.keys(memory).length > 0) out.memory = memory;

  const cpu: OciCpu = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if ((r.nanoCpus ?? 0) > 0) {
    cpu.period = CFS_PERIOD_US;
    // Integer arithmetic as Go's int64: 1.5e9 ns/s × 100000 µs / 1e9 = 150000 µs.
    cpu.quota = Number((BigInt(Math.trunc(r.nanoCpus!)) * BigInt(CFS_PERIOD_US)) / 1_000_000_000n);
  }
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;

  // The API allows 0 and negatives for "unlimited"; runc wants -1.
  if (r.pidsLimit !== undefined) out.pids = { limit: r.pidsLimit > 0 ? r.pidsLimit : -1 };
  if ((r.blkioWeight ?? 0) > 0) out.blockIO = { weight: r.blkioWeight! };
  return out;
}

/**
 * `process.rlimits`: only what was asked for (plus daemon --default-ulimit
 * entries the caller merged in); Docker sets no others, so the rest are
 * inherited from runc. -1 stands for RLIM_INFINITY; `specToJson` writes it as
 * the uint64 runc expects.
 */
export function ociRlimits(ulimits: readonly UlimitInput[] | undefined): OciRlimit[] {
  return (ulimits ?? []).map((u) => ({ type: `RLIMIT_${u.name.toUpperCase()}`, hard: u.hard, soft: u.soft }));
}
