/**
 * Container records → Engine API JSON: `GET /containers/{id}/json`
 * (ContainerInspect) and `GET /containers/json` (ContainerSummary).
 */
import * as path from 'node:path';
import { type ContainerRecord, ZERO_TIME } from '../../containers/container.js';
import { healthSuffix } from '../../containers/health/health-state.js';
import { humanDuration } from '../../units/duration.js';
import { mountPointJson, type MountPointJson } from '../../volumes/volume.js';

/** The container's mounts as Docker lists them (ordered by destination here; Docker's order is a map's). */
export function mountsJson(c: ContainerRecord): MountPointJson[] {
  return [...(c.mounts ?? [])].sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0)).map(mountPointJson);
}

export function stateJson(c: ContainerRecord): Record<string, unknown> {
  const s = c.state;
  return {
    Status: s.status,
    // As moby's SetRestarting: a container waiting to be restarted counts as running.
    Running: s.status === 'running' || s.status === 'paused' || s.status === 'restarting',
    Paused: s.status === 'paused',
    Restarting: s.status === 'restarting',
    OOMKilled: s.oomKilled,
    Dead: s.status === 'dead',
    Pid: s.pid,
    ExitCode: s.exitCode,
    Error: s.error,
    StartedAt: s.startedAt,
    FinishedAt: s.finishedAt,
    ...(s.health ? { Health: s.health } : {}),
  };
}

export function inspectJson(
  c: ContainerRecord,
  extra: { logPath: string; rootfs: string; layerDirs?: Record<string, string>; sizeRw?: number; sizeRootFs?: number; networkSettings: Record<string, unknown> },
): Record<string, unknown> {
  // The /etc files are written beside the log at the first start; Docker reports them from then on.
  const etc = (name: string) => (c.state.startedAt === ZERO_TIME ? '' : path.join(path.dirname(extra.logPath), name));
  return {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    State: stateJson(c),
    Image: c.imageId,
    ResolvConfPath: etc('resolv.conf'),
    HostnamePath: etc('hostname'),
    HostsPath: etc('hosts'),
    LogPath: extra.logPath,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: {
      NetworkMode: 'bridge',
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      AutoRemove: false,
      LogConfig: { Type: 'json-file', Config: {} },
      Memory: 0,
      MemorySwap: 0,
      MemoryReservation: 0,
      NanoCpus: 0,
      CpuShares: 0,
      CpuPeriod: 0,
      CpuQuota: 0,
      CpusetCpus: '',
      CpusetMems: '',
      BlkioWeight: 0,
      PidsLimit: null,
      Privileged: false,
      ReadonlyRootfs: false,
      CapAdd: null,
      CapDrop: null,
      Init: null,
      ...c.hostConfig,
    },
    GraphDriver: { Name: 'overlay2', Data: { ...extra.layerDirs, MergedDir: extra.rootfs } },
    ...(extra.sizeRw !== undefined ? { SizeRw: extra.sizeRw, SizeRootFs: extra.sizeRootFs ?? 0 } : {}),
    Mounts: mountsJson(c),
    Config: { ...c.config, Hostname: c.config.Hostname || c.id.slice(0, 12) },
    NetworkSettings: extra.networkSettings,
  };
}

/** Docker's Status column: "Up 3 minutes", "Up 2 seconds (Paused)", "Exited (0) 5 seconds ago", "Created". */
export function statusText(c: ContainerRecord, now = Date.now()): string {
  const s = c.state;
  switch (s.status) {
    case 'running':
    case 'paused':
    case 'restarting': {
      const up = `Up ${humanDuration(now - Date.parse(s.startedAt))}`;
      return s.status === 'paused' ? `${up} (Paused)` : s.status === 'restarting' ? `Restarting (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago` : `${up}${healthSuffix(s.health)}`;
    }
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'created':
      return 'Created';
    default:
      if (s.finishedAt === ZERO_TIME) return 'Created';
      return `Exited (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
  }
}

export function summaryJson(c: ContainerRecord, extra: { sizeRw?: number; sizeRootFs?: number; networkSettings?: Record<string, unknown> } = {}): Record<string, unknown> {
  // As moby's list: arguments containing a space are wrapped in single quotes.
  const command = c.args.length ? `${c.path} ${c.args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}` : c.path;
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.image,
    ImageID: c.imageId,
    Command: command,
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: portsSummary(c),
    Labels: c.config.Labels ?? {},
    State: c.state.status,
    Status: statusText(c),
    HostConfig: { NetworkMode: c.hostConfig.NetworkMode ?? 'bridge' },
    NetworkSettings: { Networks: (extra.networkSettings?.['Networks'] as Record<string, unknown> | undefined) ?? {} },
    Mounts: mountsJson(c),
    ...(extra.sizeRw !== undefined ? { SizeRw: extra.sizeRw, SizeRootFs: extra.sizeRootFs ?? 0 } : {}),
  };
}

/** ps's Ports: published ones with their host side, exposed ones without (Docker's types.Port). */
function portsSummary(c: ContainerRecord): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const published = new Set<string>();
  for (const m of c.netAttachment?.ports ?? []) {
    out.push({ IP: m.hostIp, PrivatePort: m.containerPort, PublicPort: m.hostPort, Type: m.proto });
    published.add(`${m.containerPort}/${m.proto}`);
  }
  if (c.state.status === 'running' || c.state.status === 'paused') {
    for (const key of Object.keys(c.config.ExposedPorts ?? {})) {
      const [port, proto = 'tcp'] = key.split('/');
      if (!published.has(`${port}/${proto}`)) out.push({ PrivatePort: Number(port), Type: proto });
    }
  }
  return out;
}

