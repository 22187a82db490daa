/**
 * `berth-monitor --nsexec`: a process started in a running runc container
 * by the monitor itself, as `runc exec -d` would start it.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { hostCgroupLayout } from '../../host/cgroups.js';
import { encodeExecPlan } from '../exec-plan.js';
import type { OciProcess, OciSpec } from '../spec/types.js';
import { launchMonitor, monitorBinaryPath, openAttach, watchExit, type MonitorLaunchOptions } from './monitor-client.js';
import { collectFrames, collectRaw, createRuncFixture, type RuncFixture } from './runc-test-fixture.js';

const T = { timeout: 30_000 };

interface Running {
  id: string;
  pid: number;
  spec: OciSpec;
}

async function runningContainer(fx: RuncFixture): Promise<Running> {
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sleep', '1000'] });
  await launchMonitor(fx.createOptions(id, paths));
  await fx.runc('start', id);
  const { pid } = JSON.parse(await fx.runc('state', id)) as { pid: number };
  const spec = JSON.parse(await fs.readFile(path.join(paths.bundle, 'config.json'), 'utf8')) as OciSpec;
  return { id, pid, spec };
}

function proc(args: string[], extra: Partial<OciProcess> = {}): OciProcess {
  return {
    user: { uid: 0, gid: 0 },
    args,
    env: ['PATH=/bin'],
    cwd: '/',
    capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
    ...extra,
  };
}

async function nsexecOptions(fx: RuncFixture, c: Running, name: string, p: OciProcess): Promise<MonitorLaunchOptions> {
  const dir = path.join(fx.dir, name);
  await fs.mkdir(dir);
  const pidFile = path.join(dir, 'exec.pid');
  const consoleSocket = path.join(dir, 'console.sock');
  const plan = path.join(dir, 'exec.plan');
  await fs.writeFile(plan, encodeExecPlan(c, p, { pidFile, consoleSocket }, hostCgroupLayout()));
  return {
    monitorPath: monitorBinaryPath(),
    runtimeArgv: [monitorBinaryPath(), '--nsexec', plan],
    attachSocket: path.join(dir, 'attach.sock'),
    exitFile: path.join(dir, 'exit.json'),
    pidFile,
    waitAttach: true,
    ...(p.terminal ? { consoleSocket, stdin: true, stdinOnce: true } : {}),
  };
}

async function execOutput(fx: RuncFixture, c: Running, name: string, p: OciProcess) {
  const opts = await nsexecOptions(fx, c, name, p);
  const launched = await launchMonitor(opts);
  const out = await collectFrames(await openAttach(opts.attachSocket, { stdin: false, stdout: true, stderr: true }));
  const exit = await watchExit(opts.attachSocket, opts.exitFile);
  return { ...out, exitCode: exit.exitCode, pid: launched.pid };
}

test('nsexec: the process joins the init\'s namespaces and cgroups, and the monitor reaps it', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const script =
    'for n in pid mnt net ipc uts; do busybox readlink /proc/self/ns/$n; busybox readlink /proc/1/ns/$n; done; ' +
    'echo "cgroup $(busybox md5sum < /proc/self/cgroup) $(busybox md5sum < /proc/1/cgroup)"; echo "host $(busybox hostname)"; ' +
    'echo "ppid $PPID"; busybox grep CapEff /proc/self/status; exit 3';
  const r = await execOutput(fx, c, 'ns', proc(['sh', '-c', script]));
  assert.equal(r.stderr, '');
  const lines = r.stdout.trim().split('\n');
  for (let i = 0; i < 10; i += 2) assert.equal(lines[i], lines[i + 1], `namespace ${lines[i]} vs the init's ${lines[i + 1]}`);
  const [, own, init] = /^cgroup (\S+)\s*-? (\S+)/.exec(lines[10]!) ?? [];
  assert.ok(own && own === init, lines[10]);
  assert.equal(lines[11], 'host monitor-test');
  assert.equal(lines[12], 'ppid 0', 'its parent is outside the container, as with runc exec');
  assert.equal(lines[13], 'CapEff:\t0000000000000020', 'root keeps the capabilities of the plan (CAP_KILL) only');
  assert.equal(r.exitCode, 3);
  assert.ok(r.pid > 0 && r.pid !== c.pid, 'the host pid of the process is reported');
});

test('nsexec: user, groups, capabilities, cwd, env, rlimits and no_new_privs come from the plan', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const p = proc(['sh', '-c', 'busybox grep -E "^(Uid|Gid|Groups|CapEff|CapPrm|CapBnd|NoNewPrivs):" /proc/self/status; pwd; echo "$FOO $HOME"; ulimit -n; ulimit -Hn; umask'], {
    user: { uid: 1000, gid: 1001, additionalGids: [5, 1002], umask: 0o027 },
    cwd: '/tmp',
    env: ['PATH=/bin', 'FOO=bar'],
    capabilities: { bounding: ['CAP_CHOWN', 'CAP_KILL'], effective: ['CAP_CHOWN', 'CAP_KILL'], permitted: ['CAP_CHOWN', 'CAP_KILL'] },
    rlimits: [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }],
    noNewPrivileges: true,
  });
  const r = await execOutput(fx, c, 'user', p);
  assert.equal(r.stderr, '');
  assert.equal(r.exitCode, 0);
  const status = Object.fromEntries(
    r.stdout.split('\n').filter((l) => l.includes(':\t')).map((l) => l.split(':\t').map((s) => s.trim()) as [string, string]),
  );
  assert.equal(status.Uid, '1000\t1000\t1000\t1000');
  assert.equal(status.Gid, '1001\t1001\t1001\t1001');
  assert.equal(status.Groups, '5 1002');
  // As with runc and Docker: a non-root user keeps no capability across execve, only the bounding set.
  assert.equal(status.CapEff, '0000000000000000');
  assert.equal(status.CapPrm, '0000000000000000');
  assert.equal(status.CapBnd, '0000000000000021');
  assert.equal(status.NoNewPrivs, '1');
  // No HOME in the env and no /etc/passwd in this rootfs: "/" as runc does.
  assert.match(r.stdout, /\n\/tmp\nbar \/\n100\n200\n0027\n$/);
});

test('nsexec: a terminal made in the container reaches the monitor, and input reaches the shell', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const opts = await nsexecOptions(fx, c, 'tty', proc(['sh'], { terminal: true, consoleSize: { height: 33, width: 101 } }));
  await launchMonitor(opts);
  const sock = await openAttach(opts.attachSocket, { stdin: true, stdout: true, stderr: true });
  const output = collectRaw(sock);
  sock.write('stty size; echo in""side; exit 6\n');
  const text = await output;
  assert.match(text, /\r\n33 101\r\n/);
  assert.match(text, /\r\ninside\r\n/);
  assert.equal((await watchExit(opts.attachSocket, opts.exitFile)).exitCode, 6);
});

test('nsexec: failures before exec come back with runc\'s words', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const failure = async (name: string, p: OciProcess, target: Running = c) => {
    const opts = await nsexecOptions(fx, target, name, p);
    const err = await launchMonitor(opts).then(
      () => assert.fail('started'),
      (e: Error) => e,
    );
    return { message: err.message, full: err.cause instanceof Error ? err.cause.message : err.message, name: err.name };
  };
  const missing = await failure('f1', proc(['nope']));
  assert.equal(missing.name, 'NotFoundError');
  assert.equal(missing.full, 'exec failed: unable to start container process: exec: "nope": executable file not found in $PATH');
  assert.equal((await failure('f2', proc(['/nope']))).full, 'exec failed: unable to start container process: exec: "/nope": stat /nope: no such file or directory');
  assert.equal((await failure('f3', proc(['/tmp']))).full, 'exec failed: unable to start container process: exec: "/tmp": permission denied');
  assert.equal(
    (await failure('f4', proc(['true'], { cwd: '/nope' }))).full,
    'exec failed: unable to start container process: chdir to cwd ("/nope") set in config.json failed: no such file or directory',
  );
  // A pid that is not (or no longer) the container's init is refused, not joined.
  assert.match((await failure('f5', proc(['true']), { ...c, pid: process.pid })).full, /container process \d+ is not running \(not in cgroup \/berth-test\/bm-/);
});
