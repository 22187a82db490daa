/**
 * The resolved model as `docker compose config` prints it: the project
 * name, services (keys sorted, every field in its long form, a service on
 * the default network showing `networks: {default: null}`), then the
 * networks and volumes with the names the engine knows them by.
 */
import { stringify } from 'yaml';
import { serviceNetworkNames } from './top-level.js';
import type { ComposeProject, ServiceConfig } from './types.js';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

function serviceView(s: ServiceConfig): Record<string, unknown> {
  const { name: _name, ...rest } = s;
  const view: Record<string, unknown> = { ...rest };
  if (s.networks === undefined && s.network_mode === undefined) view['networks'] = Object.fromEntries(serviceNetworkNames(s).map((n) => [n, null]));
  return view;
}

/** The project as a plain object in `config`'s layout. */
export function projectView(p: ComposeProject): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name };
  out['services'] = sortKeys(Object.fromEntries(Object.values(p.services).map((s) => [s.name, serviceView(s)])));
  if (Object.keys(p.networks).length > 0) out['networks'] = sortKeys(p.networks);
  if (Object.keys(p.volumes).length > 0) out['volumes'] = sortKeys(p.volumes);
  return out;
}

export function projectToYaml(p: ComposeProject): string {
  return stringify(projectView(p), { lineWidth: 0, aliasDuplicateObjects: false });
}

export function projectToJson(p: ComposeProject): string {
  return `${JSON.stringify(projectView(p), null, 2)}\n`;
}
