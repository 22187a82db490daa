/**
 * run/create flags → the body of POST /containers/create (docker/cli
 * container/opts.go parse()).
 *
 * Pure apart from the injected environment (env lookups, env-file reads,
 * the working directory for relative bind sources), so the whole mapping is
 * unit-tested as a table. Values that parse but cannot combine throw
 * ContainerConfigError ("berth: <msg>… Run 'berth run --help'", exit 125).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ContainerConfigError } from '../../cli-errors.js';
import type { ContainerCreateBody, HealthConfig, HostConfig, RestartPolicy } from '../../client/types.js';
import type { CreateFlags } from './create-flags.js';
import { readEnv } from './env-file.js';
import { parsePortSpecs } from './port-specs.js';

/** What the mapping needs from outside the flags. */
export interface CreateEnvironment {
  lookupEnv(name: string): string | undefined;
  readFile(path: string): string;
  cwd: string;
  /** [height, width] of the local terminal, sent as ConsoleSize with -t. */
  consoleSize?: [number, number];
}

export function processEnvironment(consoleSize?: [number, number]): CreateEnvironment {
  return {
    lookupEnv: (name) => process.env[name],
    readFile: (path) => readFileSync(path, 'utf8'),
    cwd: process.cwd(),
    consoleSize,
  };
}

export interface CreateRequest {
  name?: string;
  body: ContainerCreateBody;
}

const STREAMS = new Set(['stdin', 'stdout', 'stderr']);

/** opts.ParseRestartPolicy: "no", "always", "unless-stopped", "on-failure[:N]". */
export function parseRestartPolicy(policy: string): RestartPolicy | undefined {
  if (policy === '') return undefined;
  const colon = policy.indexOf(':');
  const name = colon < 0 ? policy : policy.slice(0, colon);
  const count = colon < 0 ? '' : policy.slice(colon + 1);
  if (colon >= 0 && name === '') throw new Error('invalid restart policy format: no policy provided before colon');
  let retries = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count)) throw new Error('invalid restart policy format: maximum retry count must be an integer');
    retries = Number(count);
  }
  return { Name: name, MaximumRetryCount: retries };
}

/** "k=v" → {k: v}; "k" → {k: ""} (opts.ConvertKVStringsToMap). */
export function labelsToMap(labels: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) {
    const eq = l.indexOf('=');
    const key = eq < 0 ? l : l.slice(0, eq);
    if (key.trim() === '') throw new Error(`invalid label '${l}': empty name`);
    out[key] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return out;
}

/**
 * -v specs: "src:dst[:mode]" is a bind (or named volume) for HostConfig.Binds,
 * with a relative "./src" made absolute; a lone "/dst" is an anonymous
 * volume for Config.Volumes.
 */
export function splitVolumes(specs: readonly string[], cwd: string): { binds: string[]; volumes: Record<string, Record<string, never>> } {
  const binds: string[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    if (colon < 0) {
      if (spec === '') throw new Error('invalid empty volume spec');
      volumes[spec] = {};
      continue;
    }
    let source = spec.slice(0, colon);
    const rest = spec.slice(colon + 1);
    if (source === '' || rest === '') throw new Error(`invalid spec: ${spec}: empty section between colons`);
    if (!isAbsolute(source) && source.startsWith('.')) source = resolve(cwd, source);
    binds.push(`${source}:${rest}`);
  }
  return { binds, volumes };
}

function healthConfig(f: CreateFlags): HealthConfig | undefined {
  const have =
    f.healthCmd !== undefined || (f.healthInterval ?? 0) !== 0 || (f.healthTimeout ?? 0) !== 0 ||
    (f.healthStartPeriod ?? 0) !== 0 || (f.healthStartInterval ?? 0) !== 0 || (f.healthRetries ?? 0) !== 0;
  if (f.healthcheck === false) {
    if (have) throw new Error('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!have) return undefined;
  for (const [flag, v] of [['interval', f.healthInterval], ['timeout', f.healthTimeout], ['retries', f.healthRetries], ['start-period', f.healthStartPeriod], ['start-interval', f.healthStartInterval]] as const) {
    if ((v ?? 0) < 0) throw new Error(`--health-${flag} cannot be negative`);
  }
  return {
    ...(f.healthCmd !== undefined && f.healthCmd !== '' ? { Test: ['CMD-SHELL', f.healthCmd] } : {}),
    Interval: f.healthInterval ?? 0,
    Timeout: f.healthTimeout ?? 0,
    StartPeriod: f.healthStartPeriod ?? 0,
    StartInterval: f.healthStartInterval ?? 0,
    Retries: f.healthRetries ?? 0,
  };
}

/** Builds the create request; `commandName` ("run"/"create") is for error help text. */
export function buildCreateRequest(
  f: CreateFlags,
  image: string,
  args: readonly string[],
  env: CreateEnvironment,
  commandName: string,
): CreateRequest {
  const fail = (err: unknown, prefix = ''): never => {
    throw new ContainerConfigError(`${prefix}${err instanceof Error ? err.message : String(err)}`, commandName);
  };

  // As the docker CLI: aliases need a user-defined network, checked before the request.
  const net = f.network ?? 'default';
  if (f.networkAlias?.length && (net === 'default' || net === 'bridge' || net === 'host' || net === 'none' || net.startsWith('container:'))) {
    fail(new Error('network-scoped aliases are only supported for user-defined networks'));
  }
  const attach = (f.attach ?? []).map((s) => s.toLowerCase());
  for (const s of attach) if (!STREAMS.has(s)) fail(new Error('valid streams are STDIN, STDOUT and STDERR'));
  const attachStdin = attach.includes('stdin') || f.interactive === true;
  const attachStdout = attach.length === 0 || attach.includes('stdout');
  const attachStderr = attach.length === 0 || attach.includes('stderr');

  let envList: string[] = [];
  try {
    envList = readEnv(f.envFile ?? [], f.env ?? [], env.lookupEnv, env.readFile);
  } catch (err) {
    fail(err, (err as Error).message.startsWith('invalid environment variable') ? '' : '--env-file: ');
  }

  let labels: Record<string, string> = {};
  let restartPolicy: RestartPolicy | undefined;
  let ports: ReturnType<typeof parsePortSpecs> = { exposed: {}, bindings: {} };
  let volumes: ReturnType<typeof splitVolumes> = { binds: [], volumes: {} };
  let health: HealthConfig | undefined;
  try {
    labels = labelsToMap(f.label ?? []);
    restartPolicy = parseRestartPolicy(f.restart ?? 'no');
    ports = parsePortSpecs(f.publish ?? [], f.expose ?? []);
    volumes = splitVolumes(f.volume ?? [], env.cwd);
    health = healthConfig(f);
  } catch (err) {
    fail(err);
  }
  if (f.rm === true && restartPolicy !== undefined && restartPolicy.Name !== 'no' && restartPolicy.Name !== '') {
    fail(new Error('conflicting options: cannot specify both --restart and --rm'));
  }

  const tmpfs: Record<string, string> = {};
  for (const t of f.tmpfs ?? []) {
    const colon = t.indexOf(':');
    tmpfs[colon < 0 ? t : t.slice(0, colon)] = colon < 0 ? '' : t.slice(colon + 1);
  }

  const hostConfig: HostConfig = {
    NetworkMode: f.network ?? 'default',
    RestartPolicy: restartPolicy,
    AutoRemove: f.rm === true,
    Privileged: f.privileged === true,
    ReadonlyRootfs: f.readOnly === true,
    PortBindings: ports.bindings,
    ...(f.publishAll === true ? { PublishAllPorts: true } : {}),
    ...(f.dns?.length ? { Dns: f.dns } : {}),
    ...(f.dnsSearch?.length ? { DnsSearch: f.dnsSearch } : {}),
    ...(f.dnsOption?.length ? { DnsOptions: f.dnsOption } : {}),
    ...(f.addHost?.length ? { ExtraHosts: f.addHost } : {}),
    ...(volumes.binds.length > 0 ? { Binds: volumes.binds } : {}),
    ...(f.mount !== undefined && f.mount.length > 0 ? { Mounts: f.mount } : {}),
    ...(f.volumesFrom !== undefined && f.volumesFrom.length > 0 ? { VolumesFrom: f.volumesFrom } : {}),
    ...(f.volumeDriver !== undefined && f.volumeDriver !== '' ? { VolumeDriver: f.volumeDriver } : {}),
    ...(f.capAdd !== undefined ? { CapAdd: f.capAdd } : {}),
    ...(f.capDrop !== undefined ? { CapDrop: f.capDrop } : {}),
    ...(Object.keys(tmpfs).length > 0 ? { Tmpfs: tmpfs } : {}),
    ...(f.ulimit !== undefined ? { Ulimits: f.ulimit } : {}),
    ...(f.memory !== undefined ? { Memory: f.memory } : {}),
    ...(f.memorySwap !== undefined ? { MemorySwap: f.memorySwap } : {}),
    ...(f.cpus !== undefined ? { NanoCpus: f.cpus } : {}),
    ...(f.cpuShares !== undefined ? { CpuShares: f.cpuShares } : {}),
    ...(f.pidsLimit !== undefined ? { PidsLimit: f.pidsLimit } : {}),
    ...(f.shmSize !== undefined ? { ShmSize: f.shmSize } : {}),
    ...(f.init !== undefined ? { Init: f.init } : {}),
    ...(f.tty === true && env.consoleSize !== undefined ? { ConsoleSize: env.consoleSize } : {}),
  };

  const openStdin = f.interactive === true;
  const body: ContainerCreateBody = {
    Image: image,
    ...(f.hostname !== undefined ? { Hostname: f.hostname } : {}),
    ...(f.user !== undefined ? { User: f.user } : {}),
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ...(Object.keys(ports.exposed).length > 0 ? { ExposedPorts: ports.exposed } : {}),
    Tty: f.tty === true,
    OpenStdin: openStdin,
    StdinOnce: openStdin && attachStdin,
    Env: envList,
    ...(args.length > 0 ? { Cmd: [...args] } : {}),
    ...(health !== undefined ? { Healthcheck: health } : {}),
    ...(Object.keys(volumes.volumes).length > 0 ? { Volumes: volumes.volumes } : {}),
    ...(f.workdir !== undefined ? { WorkingDir: f.workdir } : {}),
    ...(f.entrypoint !== undefined ? { Entrypoint: [f.entrypoint] } : {}),
    Labels: labels,
    ...(f.stopSignal !== undefined ? { StopSignal: f.stopSignal } : {}),
    ...(f.stopTimeout !== undefined ? { StopTimeout: f.stopTimeout } : {}),
    HostConfig: hostConfig,
    ...networkingConfig(f),
  };
  return { ...(f.name !== undefined ? { name: f.name } : {}), body };
}

/** --network-alias and --ip: the endpoint settings of the --network network (the docker CLI's EndpointsConfig). */
function networkingConfig(f: CreateFlags): Pick<ContainerCreateBody, 'NetworkingConfig'> {
  if (!f.networkAlias?.length && f.ip === undefined) return {};
  const endpoint = {
    ...(f.networkAlias?.length ? { Aliases: f.networkAlias } : {}),
    ...(f.ip !== undefined ? { IPAMConfig: { IPv4Address: f.ip } } : {}),
  };
  return { NetworkingConfig: { EndpointsConfig: { [f.network ?? 'default']: endpoint } } };
}

