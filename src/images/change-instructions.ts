/**
 * `--change` for commit and import: the Dockerfile instructions that only
 * touch an image's config (moby's BuildFromConfig with its
 * validCommitCommands): CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME,
 * WORKDIR, STOPSIGNAL, HEALTHCHECK, ONBUILD.
 *
 * Each change is one instruction line, applied in order to a copy of the
 * config. CMD, ENTRYPOINT, VOLUME and HEALTHCHECK take the JSON form
 * (`["a","b"]`) or the shell form; arguments of ENV, LABEL, EXPOSE, USER,
 * VOLUME, WORKDIR and STOPSIGNAL are words with quotes and $VAR expansion
 * from the config's Env (the Dockerfile word rules of
 * src/build/dockerfile/shell-lex.ts). Errors are InvalidArgumentError
 * naming the instruction.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { parseGoDurationNanos } from '../units/duration.js';
import { parseSignal } from '../units/signals.js';
import { parseNameValues } from '../build/dockerfile/name-values.js';
import { envFromList, expandWord, splitWords, type ShellEnv } from '../build/dockerfile/shell-lex.js';
import type { ContainerConfigFields, HealthcheckConfig } from './oci-types.js';

const ALLOWED = new Set(['cmd', 'entrypoint', 'env', 'expose', 'label', 'user', 'volume', 'workdir', 'stopsignal', 'healthcheck', 'onbuild']);
const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** Applies the changes in order to a copy of config; the input is not modified. */
export function applyChanges(config: ContainerConfigFields, changes: readonly string[]): ContainerConfigFields {
  const out = cloneConfig(config);
  // ENTRYPOINT drops an inherited CMD, but not one set by an earlier change (Dockerfile rule).
  const state = { cmdSet: false };
  for (const raw of joinContinuations(changes)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line)!;
    applyOne(out, m[1]!.toLowerCase(), m[2]!, state);
  }
  return out;
}

function cloneConfig(c: ContainerConfigFields): ContainerConfigFields {
  return JSON.parse(JSON.stringify(c)) as ContainerConfigFields;
}

/** A change ending in a backslash continues on the next one, as Dockerfile lines do. */
function joinContinuations(changes: readonly string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const c of changes.flatMap((s) => s.split('\n'))) {
    if (/\\\s*$/.test(c)) {
      pending += c.replace(/\\\s*$/, '');
      continue;
    }
    out.push(pending + c);
    pending = '';
  }
  if (pending) out.push(pending);
  return out;
}

function applyOne(c: ContainerConfigFields, keyword: string, rest: string, state: { cmdSet: boolean }): void {
  if (!ALLOWED.has(keyword)) throw new InvalidArgumentError(`${keyword} is not a valid change command`);
  const name = keyword.toUpperCase();
  const env = envFromList(c.Env ?? []);
  switch (keyword) {
    case 'cmd':
      c.Cmd = commandLine(name, rest, c.Shell);
      state.cmdSet = true;
      return;
    case 'entrypoint':
      c.Entrypoint = commandLine(name, rest, c.Shell);
      if (!state.cmdSet) c.Cmd = null;
      return;
    case 'env': {
      const next = [...(c.Env ?? [])];
      for (const [k, v] of nameValues(name, rest, env)) {
        const i = next.findIndex((e) => e === k || e.startsWith(`${k}=`));
        if (i >= 0) next[i] = `${k}=${v}`;
        else next.push(`${k}=${v}`);
      }
      c.Env = next;
      return;
    }
    case 'label':
      c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(nameValues(name, rest, env)) };
      return;
    case 'expose': {
      const ports = { ...(c.ExposedPorts ?? {}) };
      const words = splitWords(rest).map((w) => expandWord(w, env));
      if (words.length === 0) throw new InvalidArgumentError('EXPOSE requires at least one argument');
      for (const w of words) for (const p of exposedPorts(w)) ports[p] = {};
      c.ExposedPorts = ports;
      return;
    }
    case 'user':
      c.User = oneWord(name, rest, env);
      return;
    case 'workdir': {
      const dir = expandWord(rest.trim(), env);
      if (dir === '') throw new InvalidArgumentError('WORKDIR requires exactly one argument');
      c.WorkingDir = path.posix.resolve(c.WorkingDir || '/', dir);
      return;
    }
    case 'stopsignal': {
      const sig = oneWord(name, rest, env);
      try {
        parseSignal(sig);
      } catch {
        throw new InvalidArgumentError(`STOPSIGNAL: invalid signal: ${sig}`);
      }
      c.StopSignal = sig;
      return;
    }
    case 'volume': {
      const json = jsonArray(rest);
      const vols = json ?? splitWords(rest).map((w) => expandWord(w, env));
      if (vols.length === 0) throw new InvalidArgumentError('VOLUME requires at least one argument');
      const out = { ...(c.Volumes ?? {}) };
      for (const v of vols) {
        if (v.trim() === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
        out[v] = {};
      }
      c.Volumes = out;
      return;
    }
    case 'healthcheck':
      c.Healthcheck = healthcheck(rest);
      return;
    case 'onbuild': {
      const trigger = /^(\S+)/.exec(rest.trim())?.[1]?.toUpperCase();
      if (!trigger) throw new InvalidArgumentError('ONBUILD requires at least one argument');
      if (trigger === 'ONBUILD') throw new InvalidArgumentError("ONBUILD: chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (trigger === 'FROM' || trigger === 'MAINTAINER') throw new InvalidArgumentError(`ONBUILD: ${trigger} isn't allowed as an ONBUILD trigger`);
      c.OnBuild = [...(c.OnBuild ?? []), rest.trim()];
      return;
    }
  }
}

/** The JSON form when rest is a JSON array of strings; undefined for the shell form. */
function jsonArray(rest: string): string[] | undefined {
  const t = rest.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  } catch {
    // Docker falls back to the shell form when the JSON does not parse.
  }
  return undefined;
}

function commandLine(name: string, rest: string, shell: string[] | undefined): string[] {
  const json = jsonArray(rest);
  if (json) return json;
  const text = rest.trim();
  if (text === '') throw new InvalidArgumentError(`${name} requires at least one argument`);
  return [...(shell && shell.length > 0 ? shell : DEFAULT_SHELL), text];
}

/** ENV/LABEL pairs (Dockerfile rules), names and values expanded against env. */
function nameValues(name: string, rest: string, env: ShellEnv): Array<[string, string]> {
  return parseNameValues(name, rest).map(({ key, value }) => [expandWord(key, env), expandWord(value, env)]);
}

function oneWord(name: string, rest: string, env: ShellEnv): string {
  const words = splitWords(rest);
  if (words.length !== 1) throw new InvalidArgumentError(`${name} requires exactly one argument`);
  const w = expandWord(words[0]!, env);
  if (w === '') throw new InvalidArgumentError(`${name} requires exactly one argument`);
  return w;
}

/** "80", "80/udp", "8000-8002/tcp" → ["80/tcp"], … (Docker's nat.ParsePortSpecs for EXPOSE). */
export function exposedPorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(spec);
  const proto = (m?.[3] ?? 'tcp').toLowerCase();
  if (!m || !['tcp', 'udp', 'sctp'].includes(proto)) throw new InvalidArgumentError(`EXPOSE: invalid port: ${spec}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start) throw new InvalidArgumentError(`EXPOSE: invalid port range: ${spec}`);
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  return out;
}

const HEALTH_DURATIONS = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' } as const;

function healthcheck(rest: string): HealthcheckConfig {
  let text = rest.trim();
  const hc: HealthcheckConfig = {};
  for (let m = /^--([a-z-]+)=(\S*)\s*/.exec(text); m; m = /^--([a-z-]+)=(\S*)\s*/.exec(text)) {
    const [whole, flag, value] = m as unknown as [string, string, string];
    text = text.slice(whole.length);
    if (flag === 'retries') {
      if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`HEALTHCHECK: invalid --retries value: ${JSON.stringify(value)}`);
      hc.Retries = Number(value);
    } else if (flag in HEALTH_DURATIONS) {
      const key = HEALTH_DURATIONS[flag as keyof typeof HEALTH_DURATIONS];
      let nanos: number;
      try {
        nanos = parseGoDurationNanos(value);
      } catch (err) {
        throw new InvalidArgumentError(`HEALTHCHECK: --${flag}: ${(err as Error).message}`);
      }
      if (nanos !== 0 && nanos < 1_000_000) throw new InvalidArgumentError(`HEALTHCHECK: --${flag} cannot be less than 1ms`);
      hc[key] = nanos;
    } else {
      throw new InvalidArgumentError(`HEALTHCHECK: unknown flag: --${flag}`);
    }
  }
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text);
  if (!m) throw new InvalidArgumentError('HEALTHCHECK requires at least one argument');
  const kind = m[1]!.toUpperCase();
  const args = m[2]!;
  if (kind === 'NONE') {
    if (args.trim() !== '' || Object.keys(hc).length > 0) throw new InvalidArgumentError('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (kind !== 'CMD') throw new InvalidArgumentError(`HEALTHCHECK: unknown type ${JSON.stringify(m[1])} (try CMD)`);
  const json = jsonArray(args);
  if (json) {
    if (json.length === 0) throw new InvalidArgumentError('HEALTHCHECK CMD requires a command');
    return { ...hc, Test: ['CMD', ...json] };
  }
  if (args.trim() === '') throw new InvalidArgumentError('HEALTHCHECK CMD requires a command');
  return { ...hc, Test: ['CMD-SHELL', args.trim()] };
}
