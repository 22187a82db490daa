/**
 * Dockerfile instructions that only change an image's runtime config — the
 * one implementation behind both the builder's metadata steps
 * (src/build/builder/metadata-steps.ts) and `commit/import --change`
 * (change-instructions.ts): ENV, LABEL, CMD, ENTRYPOINT, EXPOSE, VOLUME,
 * USER, WORKDIR (the config part), STOPSIGNAL, SHELL, HEALTHCHECK, ONBUILD,
 * MAINTAINER.
 *
 * The instruction arrives parsed (src/build/dockerfile/parser.ts); words are
 * expanded here against the variables in scope. Each application returns
 * the text Docker's builder puts in the history after "#(nop) ", which is
 * also the step's cache key text: Go's %q formats included
 * (`CMD ["sh" "-c"]`).
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { expandWord, expandWords, type ShellEnv } from '../build/dockerfile/shell-lex.js';
import type { Command } from '../build/dockerfile/types.js';
import { formatGoDuration } from '../units/duration.js';
import { quote } from '../units/go-strconv.js';
import { parseSignal } from '../units/signals.js';
import type { ContainerConfigFields, HealthcheckConfig } from './oci-types.js';

export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];

export type ConfigCommand = Extract<
  Command,
  { kind: 'ENV' | 'LABEL' | 'CMD' | 'ENTRYPOINT' | 'EXPOSE' | 'VOLUME' | 'USER' | 'WORKDIR' | 'STOPSIGNAL' | 'SHELL' | 'HEALTHCHECK' | 'ONBUILD' | 'MAINTAINER' }
>;

const CONFIG_KINDS = new Set(['ENV', 'LABEL', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'VOLUME', 'USER', 'WORKDIR', 'STOPSIGNAL', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'MAINTAINER']);

export function isConfigCommand(c: Command): c is ConfigCommand {
  return CONFIG_KINDS.has(c.kind);
}

/** The config being edited, and what the edit must remember between instructions. */
export interface ConfigEdit {
  config: ContainerConfigFields;
  /** CMD was set by an earlier instruction of this edit (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  /** MAINTAINER's value: the image's author. */
  author?: string;
}

/** Go's %q of a []string: ["a" "b"]. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map((s) => quote(s)).join(' ')}]`;
}

/** Go's %q of a rune (moby prints HEALTHCHECK's Retries that way). */
function goQuoteRune(n: number): string {
  if (n === 0x27) return `'\\''`;
  if (n === 0x5c) return `'\\\\'`;
  if (n >= 0x20 && n < 0x7f) return `'${String.fromCharCode(n)}'`;
  return n < 0x100 ? `'\\x${n.toString(16).padStart(2, '0')}'` : `'\\u${n.toString(16).padStart(4, '0')}'`;
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

function shellOf(config: ContainerConfigFields): string[] {
  return config.Shell && config.Shell.length > 0 ? [...config.Shell] : [...DEFAULT_SHELL];
}

function setEnv(env: readonly string[], key: string, value: string): string[] {
  const out = [...env];
  const i = out.findIndex((e) => e === key || e.startsWith(`${key}=`));
  if (i >= 0) out[i] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

/** Applies one instruction to edit.config; returns its history text. */
export function applyConfigInstruction(edit: ConfigEdit, c: ConfigCommand, env: ShellEnv, escape = '\\'): string {
  const rc = edit.config;
  const word = (w: string) => expandWord(w, env, escape);
  switch (c.kind) {
    case 'ENV': {
      const pairs = c.pairs.map(({ key, value }) => [word(key), word(value)] as const);
      for (const [k, v] of pairs) {
        if (k === '') throw new InvalidArgumentError('ENV names can not be blank');
        rc.Env = setEnv(rc.Env ?? [], k, v);
      }
      return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'LABEL': {
      const pairs = c.pairs.map(({ key, value }) => [word(key), word(value)] as const);
      rc.Labels = { ...(rc.Labels ?? {}) };
      for (const [k, v] of pairs) {
        if (k === '') throw new InvalidArgumentError('LABEL names can not be blank');
        rc.Labels[k] = v;
      }
      return `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'CMD':
      rc.Cmd = c.cmd.shellForm ? [...shellOf(rc), c.cmd.args.join(' ')] : [...c.cmd.args];
      edit.cmdSet = true;
      return `CMD ${goQuoteList(rc.Cmd)}`;
    case 'ENTRYPOINT':
      rc.Entrypoint = c.cmd.shellForm ? [...shellOf(rc), c.cmd.args.join(' ')] : [...c.cmd.args];
      if (!edit.cmdSet) rc.Cmd = null; // an inherited CMD does not survive a new ENTRYPOINT
      return `ENTRYPOINT ${goQuoteList(rc.Entrypoint)}`;
    case 'EXPOSE': {
      const ports = c.ports.flatMap((p) => expandWords(p, env, escape));
      rc.ExposedPorts = { ...(rc.ExposedPorts ?? {}) };
      for (const p of ports) for (const port of exposedPorts(p)) rc.ExposedPorts[port] = {};
      return `EXPOSE ${ports.join(' ')}`;
    }
    case 'VOLUME': {
      const vols = c.volumes.map((v) => word(v).trim());
      rc.Volumes = { ...(rc.Volumes ?? {}) };
      for (const v of vols) {
        if (v === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
        rc.Volumes[v] = {};
      }
      return `VOLUME ${goQuoteList(vols)}`;
    }
    case 'USER':
      rc.User = word(c.user);
      return `USER ${rc.User}`;
    case 'WORKDIR': {
      const dir = word(c.path);
      if (dir === '') throw new InvalidArgumentError('WORKDIR requires exactly one argument');
      rc.WorkingDir = path.posix.resolve(rc.WorkingDir || '/', dir);
      return `WORKDIR ${rc.WorkingDir}`;
    }
    case 'STOPSIGNAL': {
      const sig = word(c.signal);
      try {
        parseSignal(sig);
      } catch {
        throw new InvalidArgumentError(`STOPSIGNAL: invalid signal: ${sig}`);
      }
      rc.StopSignal = sig;
      return `STOPSIGNAL ${sig}`;
    }
    case 'SHELL':
      rc.Shell = [...c.shell];
      return `SHELL ${goQuoteList(c.shell)}`;
    case 'HEALTHCHECK': {
      const hc: HealthcheckConfig = { Test: [...c.test] };
      if (c.interval !== undefined) hc.Interval = c.interval;
      if (c.timeout !== undefined) hc.Timeout = c.timeout;
      if (c.startPeriod !== undefined) hc.StartPeriod = c.startPeriod;
      if (c.startInterval !== undefined) hc.StartInterval = c.startInterval;
      if (c.retries !== undefined) hc.Retries = c.retries;
      rc.Healthcheck = hc;
      const d = (n: number | undefined) => quote(formatGoDuration(n ?? 0));
      return `HEALTHCHECK &{${goQuoteList(hc.Test ?? [])} ${d(c.interval)} ${d(c.timeout)} ${d(c.startPeriod)} ${d(c.startInterval)} ${goQuoteRune(c.retries ?? 0)}}`;
    }
    case 'ONBUILD':
      rc.OnBuild = [...(rc.OnBuild ?? []), c.expression];
      return `ONBUILD ${c.expression}`;
    case 'MAINTAINER':
      edit.author = c.name;
      return `MAINTAINER ${c.name}`;
  }
}
