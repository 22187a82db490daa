/**
 * What a build was asked for: the `/build` query parameters, as moby reads
 * them (api/server/router/build/build_routes.go), plus Berth's `explain`.
 */
import { InvalidArgumentError } from '../../errors.js';

export interface BuildOptions {
  /** Path of the Dockerfile inside the context (default "Dockerfile"). */
  dockerfile: string;
  tags: string[];
  /** --build-arg values; null means "declared without a value": take it from nowhere (unset). */
  buildArgs: Map<string, string | null>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  /** Remove intermediate containers after a successful step (default true); forceRm also after a failed one. */
  rm: boolean;
  forceRm: boolean;
  quiet: boolean;
  /** Berth: say for every rebuilt step why the cache was not used. */
  explain: boolean;
}

function bool(q: URLSearchParams, key: string, dflt: boolean): boolean {
  const v = q.get(key);
  if (v === null || v === '') return dflt;
  return v === '1' || v.toLowerCase() === 'true';
}

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
  const forceRm = bool(q, 'forcerm', false);
  const target = q.get('target') || undefined;
  return {
    dockerfile: q.get('dockerfile') || 'Dockerfile',
    tags: q.getAll('t').filter((t) => t !== ''),
    buildArgs,
    labels,
    ...(target ? { target } : {}),
    noCache: bool(q, 'nocache', false),
    pull: bool(q, 'pull', false),
    rm: forceRm || bool(q, 'rm', true),
    forceRm,
    quiet: bool(q, 'q', false),
    explain: bool(q, 'explain', false),
  };
}
