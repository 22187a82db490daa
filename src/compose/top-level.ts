/**
 * The project's top-level `networks:` and `volumes:` resolved to the names
 * the engine knows them by (`<project>_<key>` unless `name:` is set or they
 * are external), the implicit `default` network, and the check that every
 * network and named volume a service uses is declared.
 */
import { InvalidArgumentError } from '../errors.js';
import { toDict } from './service-shape.js';
import { toBool } from './service-volumes.js';
import type { NetworkConfig, RawMap, ServiceConfig, VolumeConfig } from './types.js';

/** `external: true`, or the legacy `external: {name: x}`. */
function external(raw: RawMap): { external: boolean; name?: string } {
  const ext = raw['external'];
  if (ext === undefined || ext === null) return { external: false };
  if (typeof ext === 'object') {
    const name = (ext as RawMap)['name'];
    return { external: true, ...(name !== undefined ? { name: String(name) } : {}) };
  }
  return { external: toBool(ext) };
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  return Object.fromEntries(Object.entries(v as RawMap).map(([k, x]) => [k, String(x)]));
}

/** The networks services use: a service with neither networks nor network_mode is on `default`. */
export function serviceNetworkNames(s: ServiceConfig): string[] {
  if (s.network_mode !== undefined) return [];
  return s.networks === undefined ? ['default'] : Object.keys(s.networks);
}

export function resolveNetworks(project: string, raw: RawMap, services: ServiceConfig[]): Record<string, NetworkConfig> {
  const out: Record<string, NetworkConfig> = {};
  for (const [key, value] of Object.entries(raw)) {
    const n = (value ?? {}) as RawMap;
    const ext = external(n);
    const name = n['name'] !== undefined ? String(n['name']) : (ext.name ?? (ext.external ? key : `${project}_${key}`));
    const cfg: NetworkConfig = { name };
    if (ext.external) cfg.external = true;
    if (n['driver'] !== undefined) cfg.driver = String(n['driver']);
    const opts = stringMap(n['driver_opts']);
    if (opts !== undefined) cfg.driver_opts = opts;
    for (const k of ['internal', 'attachable', 'enable_ipv6'] as const) if (n[k] !== undefined) cfg[k] = toBool(n[k]);
    if (n['labels'] !== undefined) cfg.labels = toDict(n['labels'], `networks.${key}.labels`, '') as Record<string, string>;
    if (n['ipam'] !== undefined) cfg.ipam = n['ipam'] as NetworkConfig['ipam'];
    out[key] = cfg;
  }
  const used = new Set(services.flatMap(serviceNetworkNames));
  if (used.has('default') && out['default'] === undefined) out['default'] = { name: `${project}_default` };
  for (const s of services) {
    for (const n of serviceNetworkNames(s)) {
      if (out[n] === undefined) throw new InvalidArgumentError(`service ${JSON.stringify(s.name)} refers to undefined network ${n}`);
    }
  }
  return out;
}

export function resolveVolumes(project: string, raw: RawMap, services: ServiceConfig[]): Record<string, VolumeConfig> {
  const out: Record<string, VolumeConfig> = {};
  for (const [key, value] of Object.entries(raw)) {
    const v = (value ?? {}) as RawMap;
    const ext = external(v);
    const name = v['name'] !== undefined ? String(v['name']) : (ext.name ?? (ext.external ? key : `${project}_${key}`));
    const cfg: VolumeConfig = { name };
    if (ext.external) cfg.external = true;
    if (v['driver'] !== undefined) cfg.driver = String(v['driver']);
    const opts = stringMap(v['driver_opts']);
    if (opts !== undefined) cfg.driver_opts = opts;
    if (v['labels'] !== undefined) cfg.labels = toDict(v['labels'], `volumes.${key}.labels`, '') as Record<string, string>;
    out[key] = cfg;
  }
  for (const s of services) {
    for (const m of s.volumes ?? []) {
      if (m.type === 'volume' && m.source !== undefined && out[m.source] === undefined) {
        throw new InvalidArgumentError(`service ${JSON.stringify(s.name)} refers to undefined volume ${m.source}`);
      }
    }
  }
  return out;
}
