/**
 * The plan `berth-monitor --nsexec` runs to start a process in a running
 * container (src/runtime/monitor/nsexec.c): the exec's OCI process plus
 * where the container lives (its init's pid, namespaces and cgroups), all
 * resolved to numbers and paths here, so the C side parses no JSON.
 *
 * Format: NUL-terminated "key=value" entries; list keys repeat.
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { CgroupLayout } from '../host/cgroups.js';
import { KNOWN_CAPABILITIES } from './spec/default-capabilities.js';
import type { OciNamespaceType, OciProcess, OciSpec } from './spec/types.js';

export interface ExecTarget {
  /** The container's init process (host pid). */
  pid: number;
  /** The container's bundle spec: its namespaces and cgroupsPath. */
  spec: OciSpec;
}

export interface ExecPlanFiles {
  /** Where nsexec writes the process's pid; none for a health probe, whose monitor is told over a pipe (probe.c). */
  pidFile?: string;
  /** Only with a terminal: where the pty master is sent. */
  consoleSocket?: string;
}

/** /proc/<pid>/ns names, in the order they are joined: user first (it grants the rest), mount last. */
const NAMESPACE_ORDER: ReadonlyArray<[OciNamespaceType, string]> = [
  ['user', 'user'],
  ['ipc', 'ipc'],
  ['uts', 'uts'],
  ['network', 'net'],
  ['pid', 'pid'],
  ['cgroup', 'cgroup'],
  ['mount', 'mnt'],
];

const RLIMITS: readonly string[] = [
  'RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_DATA', 'RLIMIT_STACK', 'RLIMIT_CORE', 'RLIMIT_RSS',
  'RLIMIT_NPROC', 'RLIMIT_NOFILE', 'RLIMIT_MEMLOCK', 'RLIMIT_AS', 'RLIMIT_LOCKS',
  'RLIMIT_SIGPENDING', 'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_RTPRIO', 'RLIMIT_RTTIME',
];

const RLIM_INFINITY = '18446744073709551615';

/** An rlimit value as the kernel's unsigned 64-bit number; negative or beyond 2^63 means unlimited. */
function rlimitValue(n: number): string {
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid rlimit value ${n}`);
  return n < 0 || n >= 2 ** 63 ? RLIM_INFINITY : String(n);
}

function capabilityBits(names: readonly string[] | undefined): number[] {
  return (names ?? []).map((name) => {
    const bit = KNOWN_CAPABILITIES.indexOf(name);
    if (bit < 0) throw new InvalidArgumentError(`unknown capability: ${JSON.stringify(name)}`);
    return bit;
  });
}

/** Every cgroup.procs file the container's cgroup has, one per mounted hierarchy. */
export function cgroupProcsFiles(layout: CgroupLayout, cgroupsPath: string): string[] {
  const mounts = layout.version === 2 ? [layout.mountpoint] : [...new Set(layout.mounts.values()), ...(layout.unified ? [layout.unified] : [])];
  return mounts.map((m) => path.join(m, cgroupsPath, 'cgroup.procs'));
}

export function encodeExecPlan(target: ExecTarget, proc: OciProcess, files: ExecPlanFiles, layout: CgroupLayout): Buffer {
  const cgroupsPath = target.spec.linux?.cgroupsPath;
  if (!cgroupsPath) throw new InvalidArgumentError('the container spec has no cgroupsPath');
  const entries: Array<[string, string | number]> = [
    ['pid', target.pid],
    ['cgroups-path', cgroupsPath],
  ];
  if (files.pidFile !== undefined) entries.push(['pid-file', files.pidFile]);
  const present = new Set((target.spec.linux?.namespaces ?? []).map((n) => n.type));
  for (const [type, procName] of NAMESPACE_ORDER) if (present.has(type)) entries.push(['ns', procName]);
  for (const f of cgroupProcsFiles(layout, cgroupsPath)) entries.push(['cgroup-procs', f]);
  if (proc.terminal) {
    if (!files.consoleSocket) throw new InvalidArgumentError('a terminal needs a console socket');
    entries.push(['tty', 1], ['console-socket', files.consoleSocket]);
    if (proc.consoleSize) entries.push(['rows', proc.consoleSize.height], ['cols', proc.consoleSize.width]);
  }
  for (const a of proc.args) entries.push(['arg', a]);
  for (const e of proc.env) entries.push(['env', e]);
  entries.push(['cwd', proc.cwd], ['uid', proc.user.uid], ['gid', proc.user.gid]);
  for (const g of proc.user.additionalGids ?? []) entries.push(['group', g]);
  if (proc.user.umask !== undefined) entries.push(['umask', proc.user.umask]);
  for (const r of proc.rlimits ?? []) {
    const resource = RLIMITS.indexOf(r.type);
    if (resource < 0) throw new InvalidArgumentError(`unknown rlimit type ${r.type}`);
    entries.push(['rlimit', `${resource} ${rlimitValue(r.soft)} ${rlimitValue(r.hard)}`]);
  }
  if (proc.oomScoreAdj !== undefined) entries.push(['oom-score-adj', proc.oomScoreAdj]);
  if (proc.noNewPrivileges) entries.push(['no-new-privileges', 1]);
  const caps = proc.capabilities ?? {};
  for (const [key, set] of [
    ['cap-bounding', caps.bounding],
    ['cap-effective', caps.effective],
    ['cap-permitted', caps.permitted],
    ['cap-inheritable', caps.inheritable],
    ['cap-ambient', caps.ambient],
  ] as const) {
    for (const bit of capabilityBits(set)) entries.push([key, bit]);
  }
  const parts: string[] = [];
  for (const [k, v] of entries) {
    const value = String(v);
    if (value.includes('\0')) throw new InvalidArgumentError(`${k} must not contain a NUL byte`);
    parts.push(`${k}=${value}\0`);
  }
  return Buffer.from(parts.join(''), 'utf8');
}
