/**
 * Instructions that only change the image config: ENV, LABEL, CMD,
 * ENTRYPOINT, EXPOSE, VOLUME, USER, STOPSIGNAL, SHELL, HEALTHCHECK, ONBUILD,
 * MAINTAINER, ARG. Each applies itself to the stage and returns the comment
 * Docker's builder puts in the history ("/bin/sh -c #(nop)  CMD [\"sh\"]"),
 * which is also the step's cache key text.
 */
import { InvalidArgumentError } from '../../errors.js';
import { exposedPorts } from '../../images/change-instructions.js';
import { formatGoDuration } from '../../units/duration.js';
import { quote } from '../../units/go-strconv.js';
import { parseSignal } from '../../units/signals.js';
import type { BuildArgs } from './build-args.js';
import { expandWord as expandOne, expandWords as expandMany } from './expand.js';
import type { Command, CommandLine } from '../dockerfile/types.js';
import { expansionEnv, runConfig, setEnv, shellOf, type StageState } from './stage-state.js';

/** Go's %q of a []string: ["a" "b"]. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map((s) => quote(s)).join(' ')}]`;
}

function commandArgs(state: StageState, cmd: CommandLine): string[] {
  return cmd.shellForm ? [...shellOf(state), cmd.args.join(' ')] : [...cmd.args];
}

/** Go's %q of a rune (HEALTHCHECK's Retries is printed that way by moby). */
function goQuoteRune(n: number): string {
  if (n >= 0x20 && n < 0x7f && n !== 0x27 && n !== 0x5c) return `'${String.fromCharCode(n)}'`;
  if (n === 0x27) return `'\\''`;
  if (n === 0x5c) return `'\\\\'`;
  return n < 0x100 ? `'\\x${n.toString(16).padStart(2, '0')}'` : `'\\u${n.toString(16).padStart(4, '0')}'`;
}

export type MetadataCommand = Exclude<Command, { kind: 'FROM' | 'RUN' | 'COPY' | 'ADD' | 'WORKDIR' }>;

export function isMetadataCommand(c: Command): c is MetadataCommand {
  return !['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR'].includes(c.kind);
}

/** Applies a metadata instruction to the stage; returns the history comment. */
export function applyMetadata(state: StageState, c: MetadataCommand, args: BuildArgs, escape = '\\'): string {
  const env = expansionEnv(state);
  const expandWord = (w: string, e: ReadonlyMap<string, string>) => expandOne(w, e, escape);
  const expandWords = (w: string, e: ReadonlyMap<string, string>) => expandMany(w, e, escape);
  const rc = runConfig(state);
  switch (c.kind) {
    case 'ENV': {
      const pairs = c.pairs.map(({ key, value }) => [expandWord(key, env), expandWord(value, env)] as const);
      for (const [k, v] of pairs) {
        if (k === '') throw new InvalidArgumentError('ENV names can not be blank');
        rc.Env = setEnv(rc.Env ?? [], k, v);
      }
      return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'LABEL': {
      const pairs = c.pairs.map(({ key, value }) => [expandWord(key, env), expandWord(value, env)] as const);
      rc.Labels = { ...(rc.Labels ?? {}) };
      for (const [k, v] of pairs) {
        if (k === '') throw new InvalidArgumentError('LABEL names can not be blank');
        rc.Labels[k] = v;
      }
      return `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'CMD': {
      rc.Cmd = commandArgs(state, c.cmd);
      state.cmdSet = true;
      return `CMD ${goQuoteList(rc.Cmd)}`;
    }
    case 'ENTRYPOINT': {
      rc.Entrypoint = commandArgs(state, c.cmd);
      if (!state.cmdSet) rc.Cmd = null; // an inherited CMD does not survive a new ENTRYPOINT
      return `ENTRYPOINT ${goQuoteList(rc.Entrypoint)}`;
    }
    case 'EXPOSE': {
      const ports = c.ports.flatMap((p) => expandWords(p, env));
      rc.ExposedPorts = { ...(rc.ExposedPorts ?? {}) };
      for (const p of ports) for (const port of exposedPorts(p)) rc.ExposedPorts[port] = {};
      return `EXPOSE ${ports.join(' ')}`;
    }
    case 'VOLUME': {
      const vols = c.volumes.map((v) => expandWord(v, env).trim());
      rc.Volumes = { ...(rc.Volumes ?? {}) };
      for (const v of vols) {
        if (v === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
        rc.Volumes[v] = {};
      }
      return `VOLUME ${goQuoteList(vols)}`;
    }
    case 'USER':
      rc.User = expandWord(c.user, env);
      return `USER ${rc.User}`;
    case 'STOPSIGNAL': {
      const sig = expandWord(c.signal, env);
      parseSignal(sig); // Docker's "invalid signal: X"
      rc.StopSignal = sig;
      return `STOPSIGNAL ${sig}`;
    }
    case 'SHELL':
      rc.Shell = [...c.shell];
      return `SHELL ${goQuoteList(c.shell)}`;
    case 'HEALTHCHECK': {
      const hc = {
        Test: [...c.test],
        ...(c.interval !== undefined ? { Interval: c.interval } : {}),
        ...(c.timeout !== undefined ? { Timeout: c.timeout } : {}),
        ...(c.startPeriod !== undefined ? { StartPeriod: c.startPeriod } : {}),
        ...(c.startInterval !== undefined ? { StartInterval: c.startInterval } : {}),
        ...(c.retries !== undefined ? { Retries: c.retries } : {}),
      };
      rc.Healthcheck = hc;
      const d = (n: number | undefined) => quote(formatGoDuration(n ?? 0));
      return `HEALTHCHECK &{${goQuoteList(hc.Test)} ${d(c.interval)} ${d(c.timeout)} ${d(c.startPeriod)} ${d(c.startInterval)} ${goQuoteRune(c.retries ?? 0)}}`;
    }
    case 'ONBUILD':
      rc.OnBuild = [...(rc.OnBuild ?? []), c.expression];
      return `ONBUILD ${c.expression}`;
    case 'MAINTAINER':
      state.config.author = c.name;
      return `MAINTAINER ${c.name}`;
    case 'ARG': {
      const parts: string[] = [];
      for (const a of c.args) {
        const value = args.resolve(a.key, a.value === undefined ? undefined : expandWord(a.value, env), true);
        state.args.set(a.key, value);
        parts.push(a.value === undefined ? a.key : `${a.key}=${expandWord(a.value, env)}`);
      }
      return `ARG ${parts.join(' ')}`;
    }
  }
}
