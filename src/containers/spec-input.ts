/**
 * Translates a container record (Docker's Config/HostConfig) into the
 * runtime's spec input: the one place where API field names meet OCI ones.
 */
import type { HostConfigWire } from '../api/types/container-wire.js';
import type { ContainerSpecInput, ResolvedUser } from '../runtime/spec/types.js';
import type { ContainerRecord } from './container.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function resourcesOf(h: HostConfigWire): ContainerSpecInput['resources'] {
  const r: ContainerSpecInput['resources'] = {};
  if (h.Memory) r.memory = h.Memory;
  if (h.MemorySwap) r.memorySwap = h.MemorySwap;
  if (h.MemoryReservation) r.memoryReservation = h.MemoryReservation;
  if (h.NanoCpus) r.nanoCpus = h.NanoCpus;
  if (h.CpuShares) r.cpuShares = h.CpuShares;
  if (h.CpuQuota) r.cpuQuota = h.CpuQuota;
  if (h.CpuPeriod) r.cpuPeriod = h.CpuPeriod;
  if (h.CpusetCpus) r.cpusetCpus = h.CpusetCpus;
  if (h.CpusetMems) r.cpusetMems = h.CpusetMems;
  if (h.BlkioWeight) r.blkioWeight = h.BlkioWeight;
  if (h.PidsLimit) r.pidsLimit = h.PidsLimit;
  if (h.OomKillDisable) r.oomKillDisable = true;
  if (h.Ulimits?.length) r.ulimits = h.Ulimits.map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard }));
  return r;
}

export function specInputFor(
  c: ContainerRecord,
  ctx: { rootfs: string; user: ResolvedUser; binds: ContainerSpecInput['binds']; tmpfs?: Record<string, string>; cgroupsPath: string; network: ContainerSpecInput['network'] },
): ContainerSpecInput {
  const h = c.hostConfig;
  const env = [...(c.config.Env ?? [])];
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift(DEFAULT_PATH);
  const hostname = c.config.Hostname || c.id.slice(0, 12);
  return {
    id: c.id,
    rootfs: ctx.rootfs,
    readonlyRootfs: !!h.ReadonlyRootfs,
    args: [c.path, ...c.args],
    env: [...env.filter((e) => !e.startsWith('HOSTNAME=')), `HOSTNAME=${hostname}`],
    cwd: c.config.WorkingDir || '/',
    user: ctx.user,
    hostname,
    tty: !!c.config.Tty,
    privileged: !!h.Privileged,
    capAdd: h.CapAdd ?? [],
    capDrop: h.CapDrop ?? [],
    resources: resourcesOf(h),
    tmpfs: { ...(h.Tmpfs ?? {}), ...(ctx.tmpfs ?? {}) },
    binds: ctx.binds,
    network: ctx.network,
    init: !!h.Init,
    cgroupsPath: ctx.cgroupsPath,
    ...(h.Sysctls ? { sysctls: h.Sysctls } : {}),
    ...(h.ShmSize ? { shmSize: h.ShmSize } : {}),
    ...(h.OomScoreAdj ? { oomScoreAdj: h.OomScoreAdj } : {}),
  };
}
