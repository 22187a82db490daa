/**
 * A merged, shaped raw service → its one long form (types.ts ServiceConfig).
 *
 * Done here: command/entrypoint strings split into argv; env_file read and
 * put under `environment`; bare environment keys resolved from the project
 * environment; healthcheck test strings → ["CMD-SHELL", …] and durations
 * checked and printed Go's way; relative paths made absolute; sizes
 * ("512m") → bytes; restart and depends_on conditions checked; keys Berth
 * does not act on reported as warnings rather than silently dropped.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, NotFoundError, isErrno } from '../errors.js';
import { parseBytes } from '../units/bytes.js';
import { formatGoDuration, parseGoDurationNanos } from '../units/duration.js';
import { parseDotEnv } from './dotenv.js';
import type { Lookup } from './interpolate.js';
import { splitShellWords } from './shell-words.js';
import { toDict } from './service-shape.js';
import { resolveBindSource, toBool } from './service-volumes.js';
import type { DependsOnCondition, RawMap, ServiceConfig, ServiceDependency, ServiceHealthcheck, ServiceNetwork, ServicePort, ServiceVolume } from './types.js';

export interface NormalizeContext {
  /** The project directory: relative paths are resolved against it. */
  workingDir: string;
  /** The project environment (.env under the process environment). */
  lookup: Lookup;
  home: string | undefined;
  warn: (message: string) => void;
}

/** Keys accepted by the schema but not acted on by Berth (yet). */
const IGNORED = [
  'annotations', 'attach', 'blkio_config', 'cgroup', 'cgroup_parent', 'configs', 'cpu_count', 'cpu_percent', 'cpu_quota', 'cpu_period',
  'cpu_rt_period', 'cpu_rt_runtime', 'cpuset', 'credential_spec', 'develop', 'device_cgroup_rules', 'devices', 'dns_opt', 'driver_opts',
  'external_links', 'gpus', 'group_add', 'ipc', 'isolation', 'label_file', 'links', 'logging', 'mac_address', 'mem_reservation',
  'mem_swappiness', 'memswap_limit', 'oom_kill_disable', 'oom_score_adj', 'pid', 'platform', 'post_start', 'pre_stop', 'runtime',
  'secrets', 'security_opt', 'storage_opt', 'sysctls', 'use_api_socket', 'userns_mode', 'uts', 'volumes_from', 'cpu_shares',
];
const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
const CONDITIONS = new Set<DependsOnCondition>(['service_started', 'service_healthy', 'service_completed_successfully']);

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const strList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);
const bool = (v: unknown): boolean | undefined => (v === undefined || v === null ? undefined : toBool(v));

function num(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${where} must be a number (got ${JSON.stringify(v)})`);
  return n;
}

function bytes(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v;
  try {
    return parseBytes(String(v));
  } catch (err) {
    throw new InvalidArgumentError(`${where}: invalid size ${JSON.stringify(v)}`, { cause: err });
  }
}

export function duration(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  try {
    return formatGoDuration(parseGoDurationNanos(typeof v === 'number' ? `${v}s` : String(v)));
  } catch (err) {
    throw new InvalidArgumentError(`${where}: invalid duration ${JSON.stringify(v)}`, { cause: err });
  }
}

function argv(v: unknown, where: string): string[] | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'string') return splitShellWords(v, where);
  return (v as unknown[]).map(String);
}

function environment(s: RawMap, where: string, ctx: NormalizeContext): Record<string, string | null> | undefined {
  const files = (s['env_file'] as unknown[] | undefined) ?? [];
  if (files.length === 0 && s['environment'] === undefined) return undefined;
  const env: Record<string, string | null> = {};
  for (const entry of files) {
    const spec = typeof entry === 'string' ? { path: entry, required: true } : (entry as RawMap);
    const file = path.resolve(ctx.workingDir, String(spec['path']));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT') && spec['required'] !== undefined && !toBool(spec['required'])) continue;
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(`${where}.env_file: env file ${file} not found`, { cause: err });
      throw err;
    }
    Object.assign(env, parseDotEnv(text, ctx.lookup, file));
  }
  for (const [k, v] of Object.entries(toDict(s['environment'] ?? {}, `${where}.environment`))) env[k] = v ?? ctx.lookup(k) ?? null;
  return env;
}

function healthcheck(v: unknown, where: string): ServiceHealthcheck | undefined {
  if (v === undefined || v === null) return undefined;
  const h = v as RawMap;
  const out: ServiceHealthcheck = {};
  const test = h['test'];
  if (typeof test === 'string') out.test = ['CMD-SHELL', test];
  else if (Array.isArray(test)) {
    out.test = test.map(String);
    if (!['CMD', 'CMD-SHELL', 'NONE'].includes(out.test[0] ?? '')) {
      throw new InvalidArgumentError(`${where}.test must start with "CMD", "CMD-SHELL" or "NONE" (got ${JSON.stringify(out.test[0])})`);
    }
  }
  for (const key of ['interval', 'timeout', 'start_period', 'start_interval'] as const) {
    const d = duration(h[key], `${where}.${key}`);
    if (d !== undefined) out[key] = d;
  }
  const retries = num(h['retries'], `${where}.retries`);
  if (retries !== undefined) out.retries = retries;
  if (h['disable'] !== undefined && toBool(h['disable'])) out.disable = true;
  if (out.test?.[0] === 'NONE') out.disable = true;
  return out;
}

function dependsOn(v: unknown, where: string): Record<string, ServiceDependency> | undefined {
  if (v === undefined || v === null) return undefined;
  const out: Record<string, ServiceDependency> = {};
  for (const [name, raw] of Object.entries(v as RawMap)) {
    const d = (raw ?? {}) as RawMap;
    const condition = String(d['condition'] ?? 'service_started') as DependsOnCondition;
    if (!CONDITIONS.has(condition)) {
      throw new InvalidArgumentError(`${where}.${name}.condition must be one of ${[...CONDITIONS].join(', ')} (got ${JSON.stringify(condition)})`);
    }
    out[name] = { condition, restart: bool(d['restart']) ?? false, required: bool(d['required']) ?? true };
  }
  return out;
}

function networks(v: unknown): Record<string, ServiceNetwork | null> | undefined {
  if (v === undefined || v === null) return undefined;
  const out: Record<string, ServiceNetwork | null> = {};
  for (const [name, raw] of Object.entries(v as RawMap)) {
    if (raw === null || raw === undefined) {
      out[name] = null;
      continue;
    }
    const n = raw as RawMap;
    const cfg: ServiceNetwork = {};
    if (n['aliases'] !== undefined) cfg.aliases = strList(n['aliases']);
    if (n['ipv4_address'] !== undefined) cfg.ipv4_address = String(n['ipv4_address']);
    if (n['priority'] !== undefined) cfg.priority = Number(n['priority']);
    out[name] = cfg;
  }
  return out;
}

export function normalizeService(name: string, s: RawMap, ctx: NormalizeContext): ServiceConfig {
  const where = `services.${name}`;
  for (const key of IGNORED) if (s[key] !== undefined) ctx.warn(`${where}.${key} is not supported by berth and is ignored`);
  const out: ServiceConfig = { name };
  const set = <K extends keyof ServiceConfig>(key: K, value: ServiceConfig[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('image', str(s['image']));
  if (s['build'] !== undefined) {
    const b = s['build'] as RawMap;
    const context = String(b['context'] ?? '.');
    out.build = { context: /^[a-z]+:\/\//.test(context) ? context : path.resolve(ctx.workingDir, context) };
    if (b['dockerfile'] !== undefined) out.build.dockerfile = String(b['dockerfile']);
    if (b['args'] !== undefined) out.build.args = b['args'] as Record<string, string | null>;
    if (b['target'] !== undefined) out.build.target = String(b['target']);
    if (b['labels'] !== undefined) out.build.labels = b['labels'] as Record<string, string>;
    if (b['no_cache'] !== undefined) out.build.no_cache = toBool(b['no_cache']);
    if (b['pull'] !== undefined) out.build.pull = toBool(b['pull']);
  }
  if (out.image === undefined && out.build === undefined) {
    throw new InvalidArgumentError(`service ${JSON.stringify(name)} has neither an image nor a build context specified`);
  }
  set('command', argv(s['command'], `${where}.command`));
  set('entrypoint', argv(s['entrypoint'], `${where}.entrypoint`));
  set('environment', environment(s, where, ctx));
  set('ports', s['ports'] as ServicePort[] | undefined);
  set('expose', strList(s['expose']));
  if (s['volumes'] !== undefined) {
    out.volumes = (s['volumes'] as ServiceVolume[]).map((v) =>
      v.type === 'bind' && v.source !== undefined ? { ...v, source: resolveBindSource(v.source, ctx.workingDir, ctx.home) } : v,
    );
  }
  set('networks', networks(s['networks']));
  set('network_mode', str(s['network_mode']));
  if (out.networks !== undefined && out.network_mode !== undefined) {
    throw new InvalidArgumentError(`${where}: network_mode and networks cannot be combined`);
  }
  set('depends_on', dependsOn(s['depends_on'], `${where}.depends_on`));
  set('healthcheck', healthcheck(s['healthcheck'], `${where}.healthcheck`));
  const restart = str(s['restart']);
  if (restart !== undefined && !RESTART.test(restart)) throw new InvalidArgumentError(`${where}.restart: invalid restart policy ${JSON.stringify(restart)}`);
  set('restart', restart);
  if (s['deploy'] !== undefined) {
    const d = s['deploy'] as RawMap;
    out.deploy = {};
    const replicas = num(d['replicas'], `${where}.deploy.replicas`);
    if (replicas !== undefined) out.deploy.replicas = replicas;
    const limits = ((d['resources'] as RawMap | undefined)?.['limits'] ?? undefined) as RawMap | undefined;
    if (limits !== undefined) {
      const l: { cpus?: number; memory?: number; pids?: number } = {};
      const cpus = num(limits['cpus'], `${where}.deploy.resources.limits.cpus`);
      if (cpus !== undefined) l.cpus = cpus;
      const memory = bytes(limits['memory'], `${where}.deploy.resources.limits.memory`);
      if (memory !== undefined) l.memory = memory;
      const pids = num(limits['pids'], `${where}.deploy.resources.limits.pids`);
      if (pids !== undefined) l.pids = pids;
      out.deploy.resources = { limits: l };
    }
  }
  set('scale', num(s['scale'], `${where}.scale`));
  if (out.scale !== undefined && out.deploy?.replicas !== undefined && out.scale !== out.deploy.replicas) {
    throw new InvalidArgumentError(`${where}: scale and deploy.replicas are set to different values`);
  }
  set('labels', s['labels'] as Record<string, string> | undefined);
  for (const key of ['container_name', 'user', 'working_dir', 'hostname', 'domainname', 'stop_signal', 'pull_policy'] as const) set(key, str(s[key]));
  for (const key of ['init', 'read_only', 'privileged', 'tty', 'stdin_open'] as const) set(key, bool(s[key]));
  set('stop_grace_period', duration(s['stop_grace_period'], `${where}.stop_grace_period`));
  for (const key of ['tmpfs', 'cap_add', 'cap_drop', 'dns', 'dns_search', 'profiles'] as const) set(key, strList(s[key]));
  if (s['extra_hosts'] !== undefined) out.extra_hosts = Object.entries(s['extra_hosts'] as Record<string, string>).map(([h, ip]) => `${h}:${ip}`);
  set('mem_limit', bytes(s['mem_limit'], `${where}.mem_limit`));
  set('shm_size', bytes(s['shm_size'], `${where}.shm_size`));
  set('cpus', num(s['cpus'], `${where}.cpus`));
  set('pids_limit', num(s['pids_limit'], `${where}.pids_limit`));
  if (s['ulimits'] !== undefined) {
    out.ulimits = {};
    for (const [k, v] of Object.entries(s['ulimits'] as RawMap)) {
      const one = typeof v === 'object' && v !== null ? (v as RawMap) : { soft: v, hard: v };
      out.ulimits[k] = { soft: num(one['soft'], `${where}.ulimits.${k}.soft`) ?? 0, hard: num(one['hard'], `${where}.ulimits.${k}.hard`) ?? 0 };
    }
  }
  return out;
}
