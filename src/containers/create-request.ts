/**
 * Turns a create request (Engine API body) into a container's Config,
 * HostConfig, Path and Args, merging the image's defaults as Docker does,
 * and rejects bad input before anything is created.
 */
import { mergeHealthcheck, validateHealthcheck } from './health/health-config.js';
import { InvalidArgumentError } from '../errors.js';
import { parseSignal } from '../units/signals.js';
import { checkAutoRemove, validateRestartPolicy } from './restart/restart-policy.js';
import type { ContainerConfigFields } from '../images/oci-types.js';
import type { ContainerConfigWire, CreateContainerBody, HostConfigWire } from '../api/types/container-wire.js';

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export interface ResolvedCreate {
  config: ContainerConfigWire;
  hostConfig: HostConfigWire;
  path: string;
  args: string[];
}

export function validateName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.startsWith('/') ? name.slice(1) : name;
}

function asList(v: string[] | string | null | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new InvalidArgumentError('Cmd and Entrypoint must be arrays of strings');
  return v;
}

/**
 * Docker's merge of the request's Env with the image's: the request's
 * entries first, as given, then each image entry whose key the request does
 * not set (daemon/commit.go merge). A bare "KEY" is resolved by the client
 * from its own environment; one that reaches the daemon bare is dropped.
 */
export function mergeEnv(image: readonly string[], request: readonly string[]): string[] {
  const keyOf = (kv: string) => (kv.includes('=') ? kv.slice(0, kv.indexOf('=')) : kv);
  const out = request.filter((kv) => kv.includes('='));
  const keys = new Set(out.map(keyOf));
  for (const kv of image) if (!keys.has(keyOf(kv))) out.push(kv);
  return out;
}

/** Docker leaves an empty merged map nil: Volumes shows as null, ExposedPorts is omitted. */
function nonEmpty<T extends object>(m: T): T | null {
  return Object.keys(m).length > 0 ? m : null;
}

/** A path as Go's filepath.Clean leaves it (absolute paths only). */
function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export function resolveCreate(body: CreateContainerBody, image: ContainerConfigFields): ResolvedCreate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidArgumentError('request body must be a JSON object');
  const hostConfig: HostConfigWire = { ...(body.HostConfig ?? {}) };
  validateHostConfig(hostConfig);
  const { HostConfig: _h, NetworkingConfig: _n, ...wire } = body;
  const env = body.Env ?? [];
  if (!Array.isArray(env) || env.some((e) => typeof e !== 'string')) throw new InvalidArgumentError('Env must be an array of strings');
  for (const e of env) if (e.startsWith('=')) throw new InvalidArgumentError(`invalid environment variable: ${e}`);

  const userEntrypoint = asList(body.Entrypoint);
  const userCmd = asList(body.Cmd);
  // Docker: an empty Entrypoint takes the image's Cmd when Cmd is empty too, and the
  // image's Entrypoint only when none was sent at all; any other Entrypoint drops both.
  let entrypoint = userEntrypoint;
  let cmd = userCmd;
  if (!entrypoint || entrypoint.length === 0) {
    if (!cmd || cmd.length === 0) cmd = image.Cmd ?? undefined;
    if (entrypoint === undefined) entrypoint = image.Entrypoint ?? undefined;
  }
  // `--entrypoint ""` arrives as [""]: after the merge it means no entrypoint.
  if (entrypoint?.length === 1 && entrypoint[0] === '') entrypoint = undefined;
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0) throw new InvalidArgumentError('no command specified');
  validateHealthcheck(wire.Healthcheck);
  const healthcheck = mergeHealthcheck(wire.Healthcheck, image.Healthcheck);
  const stopSignal = wire.StopSignal || image.StopSignal || undefined;
  if (stopSignal) parseSignal(stopSignal); // throws Docker's "invalid signal: X"

  const config: ContainerConfigWire = {
    ...wire,
    Hostname: wire.Hostname ?? '',
    Domainname: wire.Domainname ?? '',
    User: wire.User || image.User || '',
    Env: mergeEnv(image.Env ?? [], env),
    Cmd: cmd ?? null,
    Entrypoint: entrypoint ?? null,
    WorkingDir: wire.WorkingDir || image.WorkingDir || '',
    Labels: { ...(image.Labels ?? {}), ...(wire.Labels ?? {}) },
    StopSignal: stopSignal,
    ExposedPorts: nonEmpty({ ...(image.ExposedPorts ?? {}), ...(wire.ExposedPorts ?? {}) }) ?? undefined,
    Volumes: nonEmpty({ ...(image.Volumes ?? {}), ...(wire.Volumes ?? {}) }),
    Tty: !!wire.Tty,
    OpenStdin: !!wire.OpenStdin,
    StdinOnce: !!wire.StdinOnce,
    AttachStdin: !!wire.AttachStdin,
    AttachStdout: !!wire.AttachStdout,
    AttachStderr: !!wire.AttachStderr,
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    // As moby's merge: the image's SHELL (used by CMD-SHELL health checks) unless the request has one.
    ...(!wire.Shell?.length && image.Shell?.length ? { Shell: image.Shell } : {}),
    OnBuild: null,
  };
  if (config.WorkingDir) {
    if (!config.WorkingDir.startsWith('/')) {
      throw new InvalidArgumentError(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
    }
    config.WorkingDir = cleanPath(config.WorkingDir);
  }
  return { config, hostConfig, path: argv[0]!, args: argv.slice(1) };
}

function validateHostConfig(h: HostConfigWire): void {
  // Which networks exist is the network layer's to say (ContainerNetworks.wishes, at create).
  if (h.NetworkMode === undefined || h.NetworkMode === '' || h.NetworkMode === 'default') h.NetworkMode = 'bridge';
  if (typeof h.NetworkMode !== 'string') throw new InvalidArgumentError('invalid NetworkMode: must be a string');
  for (const k of ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuQuota', 'CpuPeriod', 'BlkioWeight'] as const) {
    const v = h[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new InvalidArgumentError(`invalid ${k}: must be a number`);
  }
  // adaptContainerSettings: swap defaults to twice the memory, stored so that `update` compares with it as Docker does.
  if ((h.Memory ?? 0) > 0 && !h.MemorySwap) h.MemorySwap = h.Memory! * 2;
  if (h.NanoCpus && h.CpuQuota) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (h.NanoCpus && h.CpuPeriod) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  // Docker stores "no" for an unset policy, and no limit for a pids limit of 0 or below.
  h.RestartPolicy = { Name: h.RestartPolicy?.Name || 'no', MaximumRetryCount: h.RestartPolicy?.MaximumRetryCount ?? 0 };
  if (h.PidsLimit !== undefined && h.PidsLimit !== null && h.PidsLimit <= 0) h.PidsLimit = null;
  // The daemon's default driver fills an empty type; other drivers are recorded but logs are json-file regardless.
  h.LogConfig = { Type: h.LogConfig?.Type || 'json-file', Config: h.LogConfig?.Config ?? {} };
  checkAutoRemove(h.AutoRemove, h.RestartPolicy);
  h.RestartPolicy = validateRestartPolicy(h.RestartPolicy);
  for (const [dest] of Object.entries(h.Tmpfs ?? {})) {
    if (!dest.startsWith('/')) throw new InvalidArgumentError(`invalid mount config for type "tmpfs": invalid mount path: '${dest}' mount path must be absolute`);
  }
}
