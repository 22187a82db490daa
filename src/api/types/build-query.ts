/**
 * The `/build` query parameters, read as moby reads them
 * (api/server/router/build/build_routes.go), plus Berth's `explain`.
 */
import type { BuildOptions } from '../../build/builder/build-options.js';
import { InvalidArgumentError } from '../../errors.js';
import { queryBool } from '../router.js';

function jsonObject(q: URLSearchParams, key: string): Record<string, unknown> {
  const raw = q.get(key);
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new InvalidArgumentError(`invalid ${key} parameter: ${(err as Error).message}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError(`invalid ${key} parameter: not a JSON object`);
  return parsed as Record<string, unknown>;
}

export function parseBuildQuery(q: URLSearchParams): BuildOptions {
  const buildArgs = new Map<string, string | null>();
  for (const [k, v] of Object.entries(jsonObject(q, 'buildargs'))) {
    if (v !== null && typeof v !== 'string') throw new InvalidArgumentError(`invalid buildargs parameter: value of ${k} is not a string`);
    buildArgs.set(k, v);
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(jsonObject(q, 'labels'))) {
    if (typeof v !== 'string') throw new InvalidArgumentError(`invalid labels parameter: value of ${k} is not a string`);
    labels[k] = v;
  }
  const forceRm = queryBool(q, 'forcerm');
  const target = q.get('target') || undefined;
  return {
    dockerfile: q.get('dockerfile') || 'Dockerfile',
    tags: q.getAll('t').filter((t) => t !== ''),
    buildArgs,
    labels,
    ...(target ? { target } : {}),
    noCache: queryBool(q, 'nocache'),
    pull: queryBool(q, 'pull'),
    rm: forceRm || queryBool(q, 'rm', true),
    forceRm,
    quiet: queryBool(q, 'q'),
    explain: queryBool(q, 'explain'),
  };
}
