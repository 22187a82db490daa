/**
 * POST /containers/{id}/update, as pure functions: the body checked with
 * Docker's rules and messages (verifyContainerSettings with update=true),
 * merged into the container's HostConfig (moby's UpdateContainer: zero means
 * unchanged, NanoCpus and CpuPeriod/CpuQuota exclude each other across
 * updates), and the limits to apply to a running task (toContainerdResources).
 *
 * Errors: a bad value is InvalidArgumentError (400) with Docker's bare
 * message; a clash with what the container already has is ConflictError
 * (409) "Cannot update container <id>: …", as Docker's.
 */
import { ConflictError, InvalidArgumentError } from '../../errors.js';
import type { HostConfigWire, ResourcesWire, UpdateConfigWire } from '../../api/types/container-wire.js';
import type { ResourceUpdate } from '../../runtime/runc-runtime.js';
import { hostFacts, type HostFacts } from '../../runtime/spec/host-facts.js';
import { normalizeResources } from '../../runtime/spec/resources.js';
import type { ResourcesInput } from '../../runtime/spec/types.js';
import { validateRestartPolicy, type RestartPolicy } from '../restart/restart-policy.js';

/** A checked update: every field present is a change (Docker's zero values dropped). */
export interface UpdateRequest extends Omit<ResourcesWire, 'PidsLimit'> {
  /** 0 means unlimited (the API's 0 and negatives, as moby's route). */
  PidsLimit?: number;
  RestartPolicy?: RestartPolicy;
}

const NUMBERS = ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'BlkioWeight'] as const;
const STRINGS = ['CpusetCpus', 'CpusetMems'] as const;
const CFS_PERIOD_US = 100_000;

/** Checks the body; returns the changes it asks for and Docker's warnings (limits this host cannot apply are dropped). */
export function parseUpdate(body: UpdateConfigWire | null | undefined, facts: HostFacts = hostFacts()): { request: UpdateRequest; warnings: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidArgumentError('request body must be a JSON object');
  const req: UpdateRequest = {};
  for (const k of NUMBERS) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidArgumentError(`invalid ${k}: must be an integer`);
    if (v !== 0) req[k] = v;
  }
  for (const k of STRINGS) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new InvalidArgumentError(`invalid ${k}: must be a string`);
    if (v !== '') req[k] = v;
  }
  if (body.PidsLimit !== undefined && body.PidsLimit !== null) {
    if (typeof body.PidsLimit !== 'number' || !Number.isInteger(body.PidsLimit)) throw new InvalidArgumentError('invalid PidsLimit: must be an integer');
    req.PidsLimit = Math.max(0, body.PidsLimit);
  }
  if (body.RestartPolicy?.Name) req.RestartPolicy = validateRestartPolicy(body.RestartPolicy);

  // Docker's resource checks; on update a swap limit alone is allowed (it joins the memory limit already set).
  const input: ResourcesInput = {
    ...(req.Memory !== undefined ? { memory: req.Memory } : {}),
    ...(req.MemorySwap !== undefined && req.Memory !== undefined ? { memorySwap: req.MemorySwap } : {}),
    ...(req.MemoryReservation !== undefined ? { memoryReservation: req.MemoryReservation } : {}),
    ...(req.NanoCpus !== undefined ? { nanoCpus: req.NanoCpus } : {}),
    ...(req.CpuShares !== undefined ? { cpuShares: req.CpuShares } : {}),
    ...(req.CpuPeriod !== undefined ? { cpuPeriod: req.CpuPeriod } : {}),
    ...(req.CpuQuota !== undefined ? { cpuQuota: req.CpuQuota } : {}),
    ...(req.CpusetCpus !== undefined ? { cpusetCpus: req.CpusetCpus } : {}),
    ...(req.CpusetMems !== undefined ? { cpusetMems: req.CpusetMems } : {}),
    ...(req.PidsLimit !== undefined ? { pidsLimit: req.PidsLimit } : {}),
    ...(req.BlkioWeight !== undefined ? { blkioWeight: req.BlkioWeight } : {}),
  };
  const { resources: kept, warnings } = normalizeResources(input, facts);
  // What the host cannot apply is dropped, not stored (Docker zeroes it before the merge).
  const dropped: Array<[keyof ResourcesInput, keyof UpdateRequest]> = [
    ['memory', 'Memory'], ['nanoCpus', 'NanoCpus'], ['cpuShares', 'CpuShares'], ['cpuPeriod', 'CpuPeriod'], ['cpuQuota', 'CpuQuota'],
    ['cpusetCpus', 'CpusetCpus'], ['cpusetMems', 'CpusetMems'], ['pidsLimit', 'PidsLimit'], ['blkioWeight', 'BlkioWeight'],
  ];
  for (const [from, to] of dropped) if (input[from] !== undefined && kept[from] === undefined) delete req[to];
  if (!facts.cgroup.swap) delete req.MemorySwap;
  return { request: req, warnings };
}

/** moby's conflictingUpdateOptions, wrapped as its errCannotUpdate. */
function conflict(id: string, message: string): ConflictError {
  return new ConflictError(`Cannot update container ${id}: ${message}`);
}

/** The container's HostConfig after the update; throws ConflictError when the change clashes with it. */
export function mergeUpdate(id: string, current: HostConfigWire, req: UpdateRequest): HostConfigWire {
  const has = (v: number | undefined) => (v ?? 0) > 0;
  if (has(req.NanoCpus) && has(current.CpuPeriod)) throw conflict(id, 'Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
  if (has(req.NanoCpus) && has(current.CpuQuota)) throw conflict(id, 'Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
  if (has(req.CpuPeriod) && has(current.NanoCpus)) throw conflict(id, 'Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if (has(req.CpuQuota) && has(current.NanoCpus)) throw conflict(id, 'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  // moby compares with the stored swap limit; an unlimited one (-1) cannot be exceeded, so Berth lets that pass.
  const swap = current.MemorySwap ?? 0;
  if (req.Memory !== undefined && req.MemorySwap === undefined && swap !== -1 && req.Memory > swap) {
    throw conflict(id, 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
  }
  if (req.RestartPolicy && req.RestartPolicy.Name !== 'no' && current.AutoRemove) {
    throw conflict(id, 'Restart policy cannot be updated because AutoRemove is enabled for the container');
  }
  const next: HostConfigWire = { ...current };
  for (const k of [...NUMBERS, ...STRINGS] as const) {
    const v = req[k];
    if (v !== undefined) (next as Record<string, unknown>)[k] = v;
  }
  if (req.PidsLimit !== undefined) next.PidsLimit = req.PidsLimit;
  if (req.RestartPolicy) next.RestartPolicy = req.RestartPolicy;
  return next;
}

/** The limits to write into a running task's cgroup: only what the request changes. */
export function liveResources(req: UpdateRequest): ResourceUpdate {
  const r: ResourceUpdate = {};
  if (req.Memory !== undefined) r.memory = req.Memory;
  if (req.MemoryReservation !== undefined) r.memoryReservation = req.MemoryReservation;
  if (req.MemorySwap !== undefined) r.memorySwap = req.MemorySwap;
  if (req.CpuShares !== undefined) r.cpuShares = req.CpuShares;
  if (req.NanoCpus !== undefined) {
    // Integer arithmetic, as the spec builder's: 1.5 CPUs → 150000 µs per 100000 µs.
    r.cpuPeriod = CFS_PERIOD_US;
    r.cpuQuota = Number((BigInt(req.NanoCpus) * BigInt(CFS_PERIOD_US)) / 1_000_000_000n);
  } else {
    if (req.CpuPeriod !== undefined) r.cpuPeriod = req.CpuPeriod;
    if (req.CpuQuota !== undefined) r.cpuQuota = req.CpuQuota;
  }
  if (req.CpusetCpus !== undefined) r.cpusetCpus = req.CpusetCpus;
  if (req.CpusetMems !== undefined) r.cpusetMems = req.CpusetMems;
  // runc keeps a limit of 0; -1 lifts it.
  if (req.PidsLimit !== undefined) r.pidsLimit = req.PidsLimit > 0 ? req.PidsLimit : -1;
  if (req.BlkioWeight !== undefined) r.blkioWeight = req.BlkioWeight;
  return r;
}
