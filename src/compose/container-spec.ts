/**
 * One replica of a service → the body of POST /containers/create (what
 * compose's getCreateConfigs does): image, argv, environment, ports,
 * mounts, healthcheck, limits, the project's networks with the service
 * name as an alias, and the com.docker.compose.* labels that let `up`,
 * `ps` and `down` find the container again.
 */
import { parseGoDurationNanos } from '../units/duration.js';
import type { ContainerCreateBody, HealthConfig, HostConfig, Mount, PortMap, RestartPolicy } from '../cli/client/types.js';
import { COMPOSE_VERSION, LABEL, containerName, defaultImageName } from './labels.js';
import { serviceNetworkNames } from './top-level.js';
import type { ComposeProject, ServiceConfig } from './types.js';

export interface ReplicaSpec {
  project: ComposeProject;
  service: ServiceConfig;
  number: number;
  /** serviceConfigHash(service) */
  configHash: string;
  /** The ID of the image the container is created from, remembered to notice a rebuilt image. */
  imageId?: string;
  oneoff?: boolean;
  /**
   * Anonymous volumes of the container this one replaces (target → volume
   * name): mounted again, so a recreate keeps their data, as compose does.
   */
  inheritedVolumes?: Record<string, string>;
}

const nanos = (d: string | undefined): number | undefined => (d === undefined ? undefined : parseGoDurationNanos(d));

/** The image a service runs: its `image:`, else the one `build:` makes. */
export function serviceImage(project: ComposeProject, s: ServiceConfig): string {
  return s.image ?? defaultImageName(project.name, s.name);
}

/** The engine name of a replica: container_name, else `<project>-<service>-<n>`. */
export function replicaName(project: ComposeProject, s: ServiceConfig, number: number, oneoff = false): string {
  if (oneoff) return `${project.name}-${s.name}-run-${Math.random().toString(16).slice(2, 14)}`;
  return s.container_name ?? containerName(project.name, s.name, number);
}

function healthConfig(s: ServiceConfig): HealthConfig | undefined {
  const h = s.healthcheck;
  if (h === undefined) return undefined;
  if (h.disable === true) return { Test: ['NONE'] };
  const out: HealthConfig = {};
  if (h.test !== undefined) out.Test = h.test;
  if (h.interval !== undefined) out.Interval = nanos(h.interval);
  if (h.timeout !== undefined) out.Timeout = nanos(h.timeout);
  if (h.start_period !== undefined) out.StartPeriod = nanos(h.start_period);
  if (h.retries !== undefined) out.Retries = h.retries;
  return out;
}

function restartPolicy(restart: string | undefined): RestartPolicy | undefined {
  if (restart === undefined) return undefined;
  const [name, count] = restart.split(':');
  return { Name: name!, ...(count !== undefined ? { MaximumRetryCount: Number(count) } : {}) };
}

function ports(s: ServiceConfig): { exposed: Record<string, Record<string, never>>; bindings: PortMap } {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: PortMap = {};
  for (const e of s.expose ?? []) {
    const [port, proto] = e.split('/');
    exposed[`${port}/${proto ?? 'tcp'}`] = {};
  }
  for (const p of s.ports ?? []) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  return { exposed, bindings };
}

function mounts(project: ComposeProject, s: ServiceConfig, inherited: Record<string, string>): { mounts: Mount[]; anonymous: Record<string, Record<string, never>> } {
  const out: Mount[] = [];
  const anonymous: Record<string, Record<string, never>> = {};
  for (const v of s.volumes ?? []) {
    if (v.type === 'volume' && v.source === undefined) {
      const previous = inherited[v.target];
      if (previous !== undefined) out.push({ Type: 'volume', Source: previous, Target: v.target });
      else anonymous[v.target] = {};
      continue;
    }
    const m: Mount = { Type: v.type, Target: v.target, ...(v.read_only === true ? { ReadOnly: true } : {}) };
    if (v.type === 'volume') {
      m.Source = project.volumes[v.source!]?.name ?? v.source!;
      if (v.volume !== undefined) m.VolumeOptions = { ...(v.volume.nocopy ? { NoCopy: true } : {}), ...(v.volume.subpath ? { Subpath: v.volume.subpath } : {}) };
    } else if (v.type === 'bind') {
      m.Source = v.source!;
      m.BindOptions = { ...(v.bind?.propagation ? { Propagation: v.bind.propagation } : {}), ...(v.bind?.create_host_path ? { CreateMountpoint: true } : {}) };
    } else if (v.tmpfs !== undefined) {
      m.TmpfsOptions = { ...(v.tmpfs.size !== undefined ? { SizeBytes: v.tmpfs.size } : {}), ...(v.tmpfs.mode !== undefined ? { Mode: v.tmpfs.mode } : {}) };
    }
    out.push(m);
  }
  return { mounts: out, anonymous };
}

/** The service's networks, highest priority first, then by name: the first one is the container's NetworkMode. */
export function orderedNetworks(s: ServiceConfig): string[] {
  const names = serviceNetworkNames(s);
  const priority = (n: string): number => s.networks?.[n]?.priority ?? 0;
  return names.sort((a, b) => priority(b) - priority(a) || (a < b ? -1 : a > b ? 1 : 0));
}

function networkMode(project: ComposeProject, s: ServiceConfig): string {
  const mode = s.network_mode;
  if (mode === undefined) return project.networks[orderedNetworks(s)[0]!]!.name;
  // service:NAME shares the first replica of another service's namespace.
  if (mode.startsWith('service:')) return `container:${containerName(project.name, mode.slice('service:'.length), 1)}`;
  return mode;
}

export function composeLabels(r: ReplicaSpec): Record<string, string> {
  const { project, service } = r;
  const deps = Object.entries(service.depends_on ?? {}).map(([name, d]) => `${name}:${d.condition}:${d.restart}`);
  return {
    ...(service.labels ?? {}),
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.number]: String(r.number),
    [LABEL.oneoff]: r.oneoff === true ? 'True' : 'False',
    [LABEL.configHash]: r.configHash,
    [LABEL.workingDir]: project.workingDir,
    [LABEL.configFiles]: project.configFiles.join(','),
    [LABEL.version]: COMPOSE_VERSION,
    [LABEL.dependsOn]: deps.join(','),
    ...(r.imageId !== undefined ? { [LABEL.image]: r.imageId } : {}),
  };
}

export function createBody(r: ReplicaSpec): ContainerCreateBody {
  const { project, service: s } = r;
  const { exposed, bindings } = ports(s);
  const { mounts: ms, anonymous } = mounts(project, s, r.inheritedVolumes ?? {});
  const limits = s.deploy?.resources?.limits;
  const memory = limits?.memory ?? s.mem_limit;
  const cpus = limits?.cpus ?? s.cpus;
  const pids = limits?.pids ?? s.pids_limit;
  const hostConfig: HostConfig = {
    NetworkMode: networkMode(project, s),
    PortBindings: bindings,
    Mounts: ms,
    ...(s.tmpfs !== undefined ? { Tmpfs: Object.fromEntries(s.tmpfs.map((t) => [t.split(':')[0]!, t.split(':').slice(1).join(':')])) } : {}),
    ...(s.restart !== undefined ? { RestartPolicy: restartPolicy(s.restart)! } : {}),
    ...(s.init !== undefined ? { Init: s.init } : {}),
    ...(s.read_only === true ? { ReadonlyRootfs: true } : {}),
    ...(s.privileged === true ? { Privileged: true } : {}),
    ...(s.cap_add !== undefined ? { CapAdd: s.cap_add } : {}),
    ...(s.cap_drop !== undefined ? { CapDrop: s.cap_drop } : {}),
    ...(s.dns !== undefined ? { Dns: s.dns } : {}),
    ...(s.dns_search !== undefined ? { DnsSearch: s.dns_search } : {}),
    ...(s.extra_hosts !== undefined ? { ExtraHosts: s.extra_hosts } : {}),
    ...(memory !== undefined ? { Memory: memory } : {}),
    ...(cpus !== undefined ? { NanoCpus: Math.round(cpus * 1e9) } : {}),
    ...(pids !== undefined ? { PidsLimit: pids } : {}),
    ...(s.shm_size !== undefined ? { ShmSize: s.shm_size } : {}),
    ...(s.ulimits !== undefined ? { Ulimits: Object.entries(s.ulimits).map(([Name, l]) => ({ Name, Soft: l.soft, Hard: l.hard })) } : {}),
  };
  const endpoints: NonNullable<ContainerCreateBody['NetworkingConfig']>['EndpointsConfig'] = {};
  if (s.network_mode === undefined) {
    for (const n of orderedNetworks(s)) {
      const cfg = s.networks?.[n] ?? null;
      endpoints[project.networks[n]!.name] = {
        Aliases: [s.name, ...(cfg?.aliases ?? [])],
        ...(cfg?.ipv4_address !== undefined ? { IPAMConfig: { IPv4Address: cfg.ipv4_address } } : {}),
      };
    }
  }
  const stopTimeout = nanos(s.stop_grace_period);
  const env = Object.entries(s.environment ?? {}).filter((e): e is [string, string] => e[1] !== null).map(([k, v]) => `${k}=${v}`);
  const health = healthConfig(s);
  return {
    Image: serviceImage(project, s),
    ...(s.command !== undefined && s.command !== null ? { Cmd: s.command } : {}),
    ...(s.entrypoint !== undefined && s.entrypoint !== null ? { Entrypoint: s.entrypoint } : {}),
    Env: env,
    Labels: composeLabels(r),
    ExposedPorts: exposed,
    Volumes: anonymous,
    ...(health !== undefined ? { Healthcheck: health } : {}),
    ...(s.user !== undefined ? { User: s.user } : {}),
    ...(s.working_dir !== undefined ? { WorkingDir: s.working_dir } : {}),
    ...(s.hostname !== undefined ? { Hostname: s.hostname } : {}),
    ...(s.domainname !== undefined ? { Domainname: s.domainname } : {}),
    ...(s.stop_signal !== undefined ? { StopSignal: s.stop_signal } : {}),
    ...(stopTimeout !== undefined ? { StopTimeout: Math.round(stopTimeout / 1e9) } : {}),
    ...(s.tty === true ? { Tty: true } : {}),
    ...(s.stdin_open === true ? { OpenStdin: true } : {}),
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: endpoints },
  };
}
