/**
 * Puts the fields of a raw service that have two spellings into one, so
 * that files and `extends` bases can be merged key by key:
 *
 *   environment, labels, annotations, sysctls, build.args/labels:
 *                  ["K=V", "K"] → {K: "V", K: null}
 *   extra_hosts:   ["h:ip", "h=ip"] → {h: "ip"}
 *   depends_on:    [a, b] → {a: {condition: service_started, …}}
 *   networks:      [a, b] → {a: null, b: null}
 *   build:         "./dir" → {context: "./dir"}
 *   extends:       "base" → {service: "base"}
 *   env_file, dns, dns_search, tmpfs, label_file: one string → a list of one
 *   ports, volumes: long syntax (service-ports.ts, service-volumes.ts)
 *
 * Runs on each file after validation (schema.ts), so shapes are known good.
 */
import { InvalidArgumentError } from '../errors.js';
import { parsePorts } from './service-ports.js';
import { parseVolumes } from './service-volumes.js';
import type { RawMap } from './types.js';

/** A map of scalars or a list of "K=V" / "K" → {K: "V" | null}. */
export function toDict(v: unknown, where: string, bareValue: string | null = null, sep = '='): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = String(item);
      const i = s.indexOf(sep);
      const key = i < 0 ? s : s.slice(0, i);
      if (key === '') throw new InvalidArgumentError(`${where}: invalid entry ${JSON.stringify(s)}`);
      out[key] = i < 0 ? bareValue : s.slice(i + 1);
    }
    return out;
  }
  for (const [k, value] of Object.entries((v ?? {}) as RawMap)) out[k] = value === null || value === undefined ? bareValue : String(value);
  return out;
}

function extraHosts(v: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = String(item);
      // "host=ip" and "host:ip"; an IPv6 address holds colons, so split at the first separator.
      const m = /^([^=:]+)[=:](.+)$/.exec(s);
      if (m === null) throw new InvalidArgumentError(`${where}: invalid extra host ${JSON.stringify(s)}`);
      out[m[1]!] = m[2]!;
    }
    return out;
  }
  for (const [k, value] of Object.entries(v as RawMap)) out[k] = Array.isArray(value) ? String(value[0]) : String(value);
  return out;
}

function dependsOn(v: unknown): RawMap {
  if (Array.isArray(v)) return Object.fromEntries(v.map((s) => [String(s), { condition: 'service_started', required: true }]));
  const out: RawMap = {};
  for (const [k, value] of Object.entries(v as RawMap)) out[k] = { condition: 'service_started', required: true, ...((value ?? {}) as RawMap) };
  return out;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

export function shapeService(raw: RawMap | null, where: string): RawMap {
  const s: RawMap = { ...(raw ?? {}) };
  for (const key of ['environment', 'annotations', 'sysctls'] as const) if (s[key] !== undefined) s[key] = toDict(s[key], `${where}.${key}`);
  if (s['labels'] !== undefined) s['labels'] = toDict(s['labels'], `${where}.labels`, '');
  if (s['extra_hosts'] !== undefined) s['extra_hosts'] = extraHosts(s['extra_hosts'], `${where}.extra_hosts`);
  if (s['depends_on'] !== undefined) s['depends_on'] = dependsOn(s['depends_on']);
  if (Array.isArray(s['networks'])) s['networks'] = Object.fromEntries((s['networks'] as unknown[]).map((n) => [String(n), null]));
  if (typeof s['build'] === 'string') s['build'] = { context: s['build'] };
  if (s['build'] !== undefined) {
    const b = { ...(s['build'] as RawMap) };
    if (b['args'] !== undefined) b['args'] = toDict(b['args'], `${where}.build.args`);
    if (b['labels'] !== undefined) b['labels'] = toDict(b['labels'], `${where}.build.labels`, '');
    s['build'] = b;
  }
  if (typeof s['extends'] === 'string') s['extends'] = { service: s['extends'] };
  for (const key of ['env_file', 'dns', 'dns_search', 'tmpfs', 'label_file'] as const) if (s[key] !== undefined) s[key] = asList(s[key]);
  if (s['ports'] !== undefined) s['ports'] = parsePorts(s['ports'] as unknown[], `${where}.ports`);
  if (s['volumes'] !== undefined) s['volumes'] = parseVolumes(s['volumes'] as unknown[], `${where}.volumes`);
  return s;
}

/** Every service of a validated file, shaped. */
export function shapeFile(data: RawMap): RawMap {
  const services = (data['services'] ?? {}) as RawMap;
  const shaped: RawMap = {};
  for (const [name, raw] of Object.entries(services)) shaped[name] = shapeService(raw as RawMap | null, `services.${name}`);
  return { ...data, services: shaped };
}
