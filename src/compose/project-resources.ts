/**
 * A project's networks and volumes on the engine: external ones checked
 * before anything is created, the others created when missing with the
 * com.docker.compose.* labels, and removed by `down` by those labels.
 */
import { isDaemonError } from '../cli/client.js';
import { FailedPreconditionError } from '../errors.js';
import type { ComposeBackend } from './backend.js';
import { COMPOSE_VERSION, LABEL, projectFilter } from './labels.js';
import { serviceNetworkNames } from './top-level.js';
import type { ComposeProject, NetworkConfig, ServiceConfig } from './types.js';

async function networkExists(b: ComposeBackend, name: string): Promise<boolean> {
  try {
    const n = await b.client.networks.inspect(name);
    // inspect matches an ID prefix too: only the exact name counts.
    return n.Name === name || n.Id === name;
  } catch (err) {
    if (isDaemonError(err, 'not_found')) return false;
    throw err;
  }
}

async function volumeExists(b: ComposeBackend, name: string): Promise<boolean> {
  try {
    await b.client.volumes.inspect(name);
    return true;
  } catch (err) {
    if (isDaemonError(err, 'not_found')) return false;
    throw err;
  }
}

/** The networks and volumes the given services use, by their keys in the file. */
export function resourcesOf(services: readonly ServiceConfig[]): { networks: Set<string>; volumes: Set<string> } {
  const networks = new Set(services.flatMap(serviceNetworkNames));
  const volumes = new Set(services.flatMap((s) => (s.volumes ?? []).filter((v) => v.type === 'volume' && v.source !== undefined).map((v) => v.source!)));
  return { networks, volumes };
}

/** Refuses, before anything is created, an external network or volume that does not exist. */
export async function checkExternal(b: ComposeBackend, p: ComposeProject): Promise<void> {
  for (const n of Object.values(p.networks)) {
    if (n.external === true && !(await networkExists(b, n.name))) {
      throw new FailedPreconditionError(`network ${n.name} declared as external, but could not be found`);
    }
  }
  for (const v of Object.values(p.volumes)) {
    if (v.external === true && !(await volumeExists(b, v.name))) {
      throw new FailedPreconditionError(`external volume "${v.name}" not found`);
    }
  }
}

function networkBody(p: ComposeProject, key: string, n: NetworkConfig) {
  return {
    Name: n.name,
    Driver: n.driver ?? 'bridge',
    Scope: 'local',
    EnableIPv6: n.enable_ipv6 === true,
    IPAM: {
      Driver: n.ipam?.driver ?? 'default',
      Options: {},
      Config: (n.ipam?.config ?? []).map((c) => ({
        ...(c.subnet !== undefined ? { Subnet: c.subnet } : {}),
        ...(c.ip_range !== undefined ? { IPRange: c.ip_range } : {}),
        ...(c.gateway !== undefined ? { Gateway: c.gateway } : {}),
      })),
    },
    Internal: n.internal === true,
    Attachable: n.attachable === true,
    Ingress: false,
    ConfigOnly: false,
    ConfigFrom: null,
    Options: n.driver_opts ?? {},
    Labels: { ...(n.labels ?? {}), [LABEL.network]: key, [LABEL.project]: p.name, [LABEL.version]: COMPOSE_VERSION },
  };
}

/** Creates the project's missing (non-external) networks among `keys`. */
export async function ensureNetworks(b: ComposeBackend, p: ComposeProject, keys: Iterable<string>): Promise<void> {
  for (const key of keys) {
    const n = p.networks[key];
    if (n === undefined || n.external === true || (await networkExists(b, n.name))) continue;
    b.progress(`Network ${n.name}`, 'Creating');
    await b.client.networks.create(networkBody(p, key, n));
    b.progress(`Network ${n.name}`, 'Created');
  }
}

/** Creates the project's missing (non-external) volumes among `keys`. */
export async function ensureVolumes(b: ComposeBackend, p: ComposeProject, keys: Iterable<string>): Promise<void> {
  for (const key of keys) {
    const v = p.volumes[key];
    if (v === undefined || v.external === true || (await volumeExists(b, v.name))) continue;
    b.progress(`Volume "${v.name}"`, 'Creating');
    await b.client.volumes.create({
      Name: v.name,
      Driver: v.driver ?? 'local',
      DriverOpts: v.driver_opts ?? {},
      Labels: { ...(v.labels ?? {}), [LABEL.volume]: key, [LABEL.project]: p.name, [LABEL.version]: COMPOSE_VERSION },
    });
    b.progress(`Volume "${v.name}"`, 'Created');
  }
}

/** Removes every network labelled as the project's (external ones never carry the label). */
export async function removeProjectNetworks(b: ComposeBackend, project: string): Promise<void> {
  for (const n of await b.client.networks.list(projectFilter(project))) {
    b.progress(`Network ${n.Name}`, 'Removing');
    try {
      await b.client.networks.remove(n.Id);
      b.progress(`Network ${n.Name}`, 'Removed');
    } catch (err) {
      if (!isDaemonError(err, 'not_found')) throw err;
    }
  }
}

/** Removes every volume labelled as the project's. */
export async function removeProjectVolumes(b: ComposeBackend, project: string): Promise<void> {
  const { Volumes } = await b.client.volumes.list(projectFilter(project));
  for (const v of Volumes ?? []) {
    b.progress(`Volume ${v.Name}`, 'Removing');
    try {
      await b.client.volumes.remove(v.Name);
      b.progress(`Volume ${v.Name}`, 'Removed');
    } catch (err) {
      if (!isDaemonError(err, 'not_found')) throw err;
    }
  }
}
