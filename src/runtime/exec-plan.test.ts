import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CgroupLayout } from '../host/cgroups.js';
import { cgroupProcsFiles, encodeExecPlan } from './exec-plan.js';
import type { OciProcess, OciSpec } from './spec/types.js';

const v1: CgroupLayout = {
  version: 1,
  mounts: new Map([
    ['cpu', '/sys/fs/cgroup/cpu,cpuacct'],
    ['cpuacct', '/sys/fs/cgroup/cpu,cpuacct'],
    ['memory', '/sys/fs/cgroup/memory'],
    ['name=systemd', '/sys/fs/cgroup/systemd'],
  ]),
  unified: '/sys/fs/cgroup/unified',
};
const v2: CgroupLayout = { version: 2, mountpoint: '/sys/fs/cgroup', controllers: ['memory', 'pids'] };

const spec = {
  linux: { cgroupsPath: '/berth/abc', namespaces: [{ type: 'mount' }, { type: 'network' }, { type: 'pid' }, { type: 'uts' }, { type: 'ipc' }] },
} as unknown as OciSpec;

const proc: OciProcess = {
  user: { uid: 1, gid: 2, additionalGids: [2, 10] },
  args: ['sh', '-c', 'echo a=b'],
  env: ['PATH=/bin', 'X=1=2'],
  cwd: '/work',
  capabilities: { bounding: ['CAP_CHOWN', 'CAP_KILL'], effective: ['CAP_KILL'] },
  rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: -1 }],
  noNewPrivileges: true,
  oomScoreAdj: 0,
};

function entries(buf: Buffer): string[] {
  const text = buf.toString('utf8');
  assert.ok(text.endsWith('\0'));
  return text.slice(0, -1).split('\0');
}

test('cgroup.procs files: one per mounted v1 hierarchy (shared mounts once) plus the hybrid unified one; one on v2', () => {
  assert.deepEqual(cgroupProcsFiles(v1, '/berth/abc'), [
    '/sys/fs/cgroup/cpu,cpuacct/berth/abc/cgroup.procs',
    '/sys/fs/cgroup/memory/berth/abc/cgroup.procs',
    '/sys/fs/cgroup/systemd/berth/abc/cgroup.procs',
    '/sys/fs/cgroup/unified/berth/abc/cgroup.procs',
  ]);
  assert.deepEqual(cgroupProcsFiles(v2, '/berth/abc'), ['/sys/fs/cgroup/berth/abc/cgroup.procs']);
});

test('the plan lists namespaces in join order (mount last), values as numbers, and keeps "=" inside values', () => {
  const e = entries(encodeExecPlan({ pid: 42, spec }, proc, { pidFile: '/run/x/exec.pid' }, v2));
  assert.deepEqual(e, [
    'pid=42',
    'cgroups-path=/berth/abc',
    'pid-file=/run/x/exec.pid',
    'ns=ipc',
    'ns=uts',
    'ns=net',
    'ns=pid',
    'ns=mnt',
    'cgroup-procs=/sys/fs/cgroup/berth/abc/cgroup.procs',
    'arg=sh',
    'arg=-c',
    'arg=echo a=b',
    'env=PATH=/bin',
    'env=X=1=2',
    'cwd=/work',
    'uid=1',
    'gid=2',
    'group=2',
    'group=10',
    'rlimit=7 1024 18446744073709551615',
    'oom-score-adj=0',
    'no-new-privileges=1',
    'cap-bounding=0',
    'cap-bounding=5',
    'cap-effective=5',
  ]);
});

test('a terminal brings the console socket and size; without a socket it is refused', () => {
  const tty = { ...proc, terminal: true, consoleSize: { height: 24, width: 80 } };
  const e = entries(encodeExecPlan({ pid: 42, spec }, tty, { pidFile: '/p', consoleSocket: '/c.sock' }, v2));
  assert.ok(e.includes('tty=1') && e.includes('console-socket=/c.sock') && e.includes('rows=24') && e.includes('cols=80'));
  assert.throws(() => encodeExecPlan({ pid: 42, spec }, tty, { pidFile: '/p' }, v2), /console socket/);
});

test('refuses what cannot be expressed: NUL bytes, unknown capabilities and rlimits, no cgroupsPath', () => {
  const plan = (p: Partial<OciProcess>, s: OciSpec = spec) => () => encodeExecPlan({ pid: 1, spec: s }, { ...proc, ...p }, { pidFile: '/p' }, v2);
  assert.throws(plan({ env: ['A=b\0c'] }), /env must not contain a NUL byte/);
  assert.throws(plan({ capabilities: { bounding: ['CAP_NOPE'] } }), /unknown capability: "CAP_NOPE"/);
  assert.throws(plan({ rlimits: [{ type: 'RLIMIT_NOPE', soft: 1, hard: 1 }] }), /unknown rlimit type RLIMIT_NOPE/);
  assert.throws(plan({}, { linux: { namespaces: [] } } as unknown as OciSpec), /no cgroupsPath/);
});
