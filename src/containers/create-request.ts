/**
 * Turns a create request (Engine API body) into a container's Config,
 * HostConfig, Path and Args, merging the image's defaults as Docker does,
 * and rejects bad input before anything is created.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ContainerConfigFields } from '../images/oci-types.js';
import type { ContainerConfigWire, CreateContainerBody, HostConfigWire } from '../api/types/container-wire.js';

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const NETWORK_MODES = new Set(['', 'default', 'bridge', 'none', 'host']);

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

/** Image env first, then the request's, a later KEY replacing an earlier one (Docker's ReplaceOrAppendEnvValues). */
export function mergeEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  for (const kv of overrides) {
    const key = kv.includes('=') ? kv.slice(0, kv.indexOf('=')) : kv;
    if (!kv.includes('=')) continue; // "KEY" alone is resolved client-side; drop if it reaches us bare
    const i = out.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (i >= 0) out[i] = kv;
    else out.push(kv);
  }
  return out;
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
  // Docker: an Entrypoint given in the request resets the image's Cmd too.
  const entrypoint = userEntrypoint ?? image.Entrypoint ?? [];
  const cmd = userCmd ?? (userEntrypoint !== undefined ? [] : image.Cmd ?? []);
  const argv = [...(entrypoint.length === 1 && entrypoint[0] === '' ? [] : entrypoint), ...cmd];
  if (argv.length === 0) throw new InvalidArgumentError('no command specified');

  const config: ContainerConfigWire = {
    ...wire,
    Hostname: wire.Hostname ?? '',
    Domainname: wire.Domainname ?? '',
    User: wire.User || image.User || '',
    Env: mergeEnv(image.Env ?? [], env),
    Cmd: cmd,
    Entrypoint: userEntrypoint ?? image.Entrypoint ?? null,
    WorkingDir: wire.WorkingDir || image.WorkingDir || '',
    Labels: { ...(image.Labels ?? {}), ...(wire.Labels ?? {}) },
    StopSignal: wire.StopSignal || image.StopSignal || undefined,
    ExposedPorts: { ...(image.ExposedPorts ?? {}), ...(wire.ExposedPorts ?? {}) },
    Volumes: { ...(image.Volumes ?? {}), ...(wire.Volumes ?? {}) },
    Tty: !!wire.Tty,
    OpenStdin: !!wire.OpenStdin,
    StdinOnce: !!wire.StdinOnce,
    AttachStdin: !!wire.AttachStdin,
    AttachStdout: !!wire.AttachStdout,
    AttachStderr: !!wire.AttachStderr,
    ...(image.Healthcheck && !wire.Healthcheck ? { Healthcheck: image.Healthcheck } : {}),
    OnBuild: null,
  };
  if (config.WorkingDir && !config.WorkingDir.startsWith('/')) {
    throw new InvalidArgumentError(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  return { config, hostConfig, path: argv[0]!, args: argv.slice(1) };
}

function validateHostConfig(h: HostConfigWire): void {
  const mode = h.NetworkMode ?? '';
  if (!NETWORK_MODES.has(mode) && !mode.startsWith('container:')) {
    throw new InvalidArgumentError(`network ${mode} not found`);
  }
  if (h.NetworkMode === undefined || h.NetworkMode === 'default') h.NetworkMode = 'bridge';
  for (const k of ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuQuota', 'CpuPeriod'] as const) {
    const v = h[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new InvalidArgumentError(`invalid ${k}: must be a number`);
  }
  if (h.NanoCpus && h.CpuQuota) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (h.NanoCpus && h.CpuPeriod) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (h.AutoRemove && h.RestartPolicy?.Name && h.RestartPolicy.Name !== 'no') {
    throw new InvalidArgumentError("can't create 'AutoRemove' container with restart policy");
  }
  const rp = h.RestartPolicy?.Name ?? '';
  if (!['', 'no', 'always', 'unless-stopped', 'on-failure'].includes(rp)) {
    throw new InvalidArgumentError(`invalid restart policy '${rp}'`);
  }
  for (const [dest] of Object.entries(h.Tmpfs ?? {})) {
    if (!dest.startsWith('/')) throw new InvalidArgumentError(`invalid mount config for type "tmpfs": invalid mount path: '${dest}' mount path must be absolute`);
  }
}
