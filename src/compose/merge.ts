/**
 * Merging shaped compose data (service-shape.ts), as the Compose
 * Specification's merge rules say — used for `-f a.yaml -f b.yaml` and for
 * `extends`:
 *
 * - mappings are merged key by key, recursively; a later scalar wins;
 * - command, entrypoint and healthcheck.test are replaced whole;
 * - ports are merged on (host_ip, target, published, protocol) and volumes
 *   on target: a later entry for the same key replaces the earlier one;
 * - expose, cap_add, cap_drop, dns, dns_search, tmpfs, profiles, env_file,
 *   security_opt: appended, duplicates dropped;
 * - any other sequence is appended.
 */
import { portKey } from './service-ports.js';
import type { RawMap, ServicePort, ServiceVolume } from './types.js';

const REPLACED = new Set(['command', 'entrypoint']);
const UNIQUE_LISTS = new Set(['expose', 'cap_add', 'cap_drop', 'dns', 'dns_search', 'dns_opt', 'tmpfs', 'profiles', 'env_file', 'security_opt', 'label_file', 'external_links', 'links', 'volumes_from', 'group_add']);

const isMap = (v: unknown): v is RawMap => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deep merge: maps by key, sequences appended, anything else replaced. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (isMap(base) && isMap(override)) {
    const out: RawMap = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = k in out ? mergeValues(out[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(override)) return [...base, ...override];
  return override;
}

function mergeKeyed<T>(base: readonly T[], override: readonly T[], key: (x: T) => string): T[] {
  const out = new Map<string, T>();
  for (const x of base) out.set(key(x), x);
  for (const x of override) out.set(key(x), x);
  return [...out.values()];
}

function unique(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = JSON.stringify(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** One service over another (both shaped). */
export function mergeService(base: RawMap, override: RawMap): RawMap {
  const out: RawMap = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const prev = out[key];
    if (prev === undefined || value === null || REPLACED.has(key)) out[key] = value;
    else if (key === 'ports') out[key] = mergeKeyed(prev as ServicePort[], value as ServicePort[], portKey);
    else if (key === 'volumes') out[key] = mergeKeyed(prev as ServiceVolume[], value as ServiceVolume[], (v) => v.target);
    else if (UNIQUE_LISTS.has(key) && Array.isArray(prev) && Array.isArray(value)) out[key] = unique([...prev, ...value]);
    else if (key === 'healthcheck' && isMap(prev) && isMap(value)) {
      const merged = mergeValues(prev, value) as RawMap;
      if (value['test'] !== undefined) merged['test'] = value['test'];
      out[key] = merged;
    } else out[key] = mergeValues(prev, value);
  }
  return out;
}

/** A later file over an earlier one (both shaped). */
export function mergeFiles(base: RawMap, override: RawMap): RawMap {
  const out: RawMap = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (key === 'services' && isMap(out[key]) && isMap(value)) {
      const services: RawMap = { ...(out[key] as RawMap) };
      for (const [name, svc] of Object.entries(value)) {
        const prev = services[name] as RawMap | undefined;
        services[name] = prev === undefined ? svc : mergeService(prev, (svc ?? {}) as RawMap);
      }
      out[key] = services;
    } else {
      out[key] = mergeValues(out[key], value);
    }
  }
  return out;
}
