/**
 * The service config hash: sha256 of the resolved service in canonical JSON
 * (keys sorted at every level), stored on each container as the
 * `com.docker.compose.config-hash` label. `up` recreates a container whose
 * label differs from the service's hash and leaves the others alone.
 *
 * As in compose's ServiceHash, what does not change a container is left
 * out: how it is built (build, pull_policy), how many replicas there are
 * (scale, deploy.replicas) and which profiles enable it.
 */
import { createHash } from 'node:crypto';
import type { ServiceConfig } from './types.js';

/** JSON with object keys sorted and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function serviceConfigHash(service: ServiceConfig): string {
  const { build: _build, pull_policy: _pull, scale: _scale, profiles: _profiles, ...rest } = service;
  const hashed: Record<string, unknown> = { ...rest };
  if (service.deploy !== undefined) {
    const { replicas: _replicas, ...deploy } = service.deploy;
    hashed['deploy'] = deploy;
  }
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}
