/**
 * The `process` of a container's config.json and the process.json of each
 * `runc exec --process`.
 *
 * An exec process starts as a copy of the container's process (so it keeps
 * its capabilities, rlimits, no_new_privileges, oom score and user) and then
 * takes the exec's own args, env, cwd, tty and, when given, user — as moby's
 * ContainerExecStart does. `--privileged` on exec raises the capabilities to
 * everything the daemon holds.
 */
import { capabilitySets } from './default-capabilities.js';
import { hostFacts } from './host-facts.js';
import type { OciProcess, OciSpec, ResolvedUser } from './types.js';

/** Docker's default PATH for Linux containers. */
export const DEFAULT_PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * moby's ReplaceOrAppendEnvValues: `overrides` replace same-named entries of
 * `defaults` in place or are appended; a bare "KEY" (no "=") removes KEY.
 */
export function replaceOrAppendEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const out: (string | null)[] = [...defaults];
  const index = new Map<string, number>();
  out.forEach((e, i) => index.set(e!.split('=', 1)[0]!, i));
  for (const value of overrides) {
    const eq = value.indexOf('=');
    if (eq < 0) {
      const i = index.get(value);
      if (i !== undefined) out[i] = null;
      continue;
    }
    const i = index.get(value.slice(0, eq));
    if (i !== undefined) out[i] = value;
    else out.push(value);
  }
  return out.filter((e): e is string => e !== null);
}

/** The container's environment: PATH, HOSTNAME and (tty) TERM defaults, overridden by `env`. */
export function containerEnv(env: readonly string[], hostname: string, tty: boolean): string[] {
  const defaults = [`PATH=${DEFAULT_PATH_ENV}`, `HOSTNAME=${hostname}`];
  if (tty) defaults.push('TERM=xterm');
  return replaceOrAppendEnv(defaults, env);
}

export function ociUser(user: ResolvedUser): OciProcess['user'] {
  return { uid: user.uid, gid: user.gid, additionalGids: [...user.additionalGids] };
}

export interface ExecProcessOptions {
  /** The exec's command (entrypoint + args). */
  args: string[];
  /** Exec-specific KEY=VALUE entries, merged over the container's env. */
  env: string[];
  /** Default: the container's working directory. */
  cwd?: string;
  /** Default: the container's user. Resolve `docker exec -u` with resolveUser first. */
  user?: ResolvedUser;
  tty: boolean;
  privileged: boolean;
  consoleSize?: { height: number; width: number };
  /** The daemon's capabilities, for --privileged; default: this host's. */
  availableCapabilities?: readonly string[];
}

/** The process.json for `runc exec --process`, derived from the container's spec. */
export function buildExecProcess(spec: OciSpec, opts: ExecProcessOptions): OciProcess {
  const base: OciProcess = structuredClone(spec.process);
  let env = [...base.env];
  // moby rebuilds the env with TERM=xterm when the exec has a tty.
  if (opts.tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  env = replaceOrAppendEnv(env, opts.env);

  const proc: OciProcess = {
    ...base,
    args: [...opts.args],
    env,
    cwd: opts.cwd || base.cwd || '/',
    user: opts.user ? ociUser(opts.user) : base.user,
    terminal: opts.tty,
  };
  delete proc.consoleSize;
  if (opts.tty && opts.consoleSize) proc.consoleSize = { ...opts.consoleSize };
  if (opts.privileged) {
    proc.capabilities = capabilitySets(opts.availableCapabilities ?? hostFacts().capabilities);
  }
  return proc;
}
