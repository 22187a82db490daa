import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ConflictError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { CgroupV2Manager } from './cgroups-v2.js';
import { checkCgroupsPath, detectCgroupLayout, hostCgroupLayout, openCgroup, parseV1Mounts } from './cgroups.js';

const layout = hostCgroupLayout();
const V1_CONTROLLERS = ['memory', 'pids', 'cpuacct', 'cpu'];
const onV1 = layout.version === 1 && V1_CONTROLLERS.every((c) => layout.mounts.has(c));

/** A unique parent per test, so parallel runs and leftovers never collide. */
function testCgroupsPath(): string {
  return `/berth-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}/c1`;
}

/**
 * Cleanup that runs last-registered-first (node:test runs t.after hooks in
 * registration order, but a cgroup can only go once its processes are dead).
 */
function cleanupStack(t: TestContext): (fn: () => Promise<unknown> | unknown) => void {
  const stack: (() => Promise<unknown> | unknown)[] = [];
  t.after(async () => {
    while (stack.length > 0) await stack.pop()!();
  });
  return (fn) => void stack.push(fn);
}

interface Spawned {
  child: ChildProcess;
  /** Resolves with [code, signal]; created at spawn so an early exit is not missed. */
  exited: Promise<unknown[]>;
}

/** Starts `sh -c` that moves itself into the cgroup dirs before exec'ing `cmd`; killed and reaped on cleanup. */
async function spawnInCgroups(defer: ReturnType<typeof cleanupStack>, dirs: string[], cmd: string): Promise<Spawned> {
  const joins = dirs.map((d) => `echo $$ > ${d}/cgroup.procs`).join(' && ');
  const child = spawn('/bin/sh', ['-c', `${joins} && exec ${cmd}`], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  defer(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  // Wait until the child is in the last cgroup (it has exec'd or is about to).
  const procs = path.join(dirs.at(-1)!, 'cgroup.procs');
  for (let i = 0; i < 200 && child.exitCode === null && !readFileSync(procs, 'utf8').split('\n').includes(String(child.pid)); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, exited };
}

/** mkdir -p the cgroup in each v1 hierarchy (removed with its parent on cleanup); returns the memory, pids, cpuacct, cpu dirs. */
async function makeV1Cgroup(defer: ReturnType<typeof cleanupStack>, cgroupsPath: string): Promise<string[]> {
  if (layout.version !== 1) throw new Error('not a v1 host');
  const mounts = layout.mounts;
  const mountpoints = [...mounts.values(), ...(layout.unified ? [layout.unified] : [])];
  const dirs = [...new Set(mountpoints.map((m) => path.join(m, cgroupsPath)))];
  defer(async () => {
    for (const d of dirs) {
      for (const p of [d, path.dirname(d)]) await rmdir(p).catch(() => {});
    }
  });
  for (const d of dirs) await mkdir(d, { recursive: true });
  return V1_CONTROLLERS.map((c) => path.join(mounts.get(c)!, cgroupsPath));
}

describe('cgroup layout', () => {
  it('detects the host: v1 controllers from mountinfo unless /sys/fs/cgroup is unified', () => {
    const detected = detectCgroupLayout();
    assert.equal(detected.version, existsSync('/sys/fs/cgroup/cgroup.controllers') ? 2 : 1);
    if (detected.version === 1) assert.equal(detected.mounts.get('memory'), '/sys/fs/cgroup/memory');
  });

  it('reads combined and escaped v1 mounts and ignores other filesystems', () => {
    const parsed = parseV1Mounts(
      [
        '30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct',
        '31 25 0:27 / /sys/fs/cgroup/my\\040memory rw shared:10 - cgroup cgroup rw,memory',
        '32 25 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd',
        '33 25 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate',
        '34 1 8:1 / / rw - ext4 /dev/sda1 rw,memory',
      ].join('\n'),
    );
    assert.deepEqual([...parsed.mounts], [
      ['cpu', '/sys/fs/cgroup/cpu,cpuacct'],
      ['cpuacct', '/sys/fs/cgroup/cpu,cpuacct'],
      ['memory', '/sys/fs/cgroup/my memory'],
      ['name=systemd', '/sys/fs/cgroup/systemd'],
    ]);
    assert.equal(parsed.unified, '/sys/fs/cgroup/unified');
  });

  it('rejects cgroups paths that are relative or climb', () => {
    for (const bad of ['berth/x', '/berth/../x', '/', '/berth//x', '/berth/./x']) {
      assert.throws(() => checkCgroupsPath(bad), InvalidArgumentError, bad);
    }
    checkCgroupsPath('/berth/abc');
  });
});

describe('CgroupV1Manager on this host', { skip: !onV1 && 'host is not cgroup v1 with memory, pids, cpu, cpuacct' }, () => {
  it('lists the processes, counts pids and reads memory and cpu of a real cgroup', async (t) => {
    const defer = cleanupStack(t);
    const cgroupsPath = testCgroupsPath();
    const dirs = await makeV1Cgroup(defer, cgroupsPath);
    const cg = openCgroup(cgroupsPath);
    assert.equal(cg.version, 1);
    assert.equal(await cg.exists(), true);
    assert.deepEqual(await cg.pids(), []);

    await writeFile(path.join(dirs[0]!, 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
    const { child } = await spawnInCgroups(defer, dirs, 'sleep 30');
    assert.deepEqual(await cg.pids(), [child.pid]);
    assert.equal(await cg.pidsCurrent(), 1);
    const mem = await cg.memoryStats();
    assert.equal(mem.limit, 64 * 1024 * 1024);
    assert.ok(mem.usage > 0 && mem.maxUsage! >= mem.usage);
    assert.equal(mem.failcnt, 0);
    assert.equal(typeof mem.stats['rss'], 'number');
    assert.ok((await cg.cpuUsageNs()) > 0);
    assert.equal(await cg.oomKillCount(), 0);
  });

  it('reads the stats `docker stats` shows from a real cgroup', async (t) => {
    const defer = cleanupStack(t);
    const cgroupsPath = testCgroupsPath();
    const dirs = await makeV1Cgroup(defer, cgroupsPath);
    await writeFile(path.join(dirs[1]!, 'pids.max'), '50');
    // Burns a little CPU, then waits: usage is non-zero and stable to read.
    await spawnInCgroups(defer, dirs, "sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 30'");
    const cg = openCgroup(cgroupsPath);
    const cpu = await cg.cpuStats();
    assert.ok(Number(cpu.total) > 0);
    assert.equal(cpu.perCpu!.length >= 1, true);
    assert.ok(cpu.perCpu!.reduce<number>((a, b) => a + Number(b), 0) > 0);
    assert.equal(typeof cpu.throttling.periods, 'number');
    assert.deepEqual(await cg.pidsStats(), { current: 1, limit: 50 });
    if (layout.version === 1 && layout.mounts.has('blkio')) {
      const io = await cg.blkioStats();
      assert.ok(Array.isArray(io.serviceBytes) && Array.isArray(io.serviced));
    }
  });

  it('finds processes in child cgroups too', async (t) => {
    const defer = cleanupStack(t);
    const cgroupsPath = testCgroupsPath();
    const dirs = await makeV1Cgroup(defer, cgroupsPath);
    const sub = dirs.map((d) => path.join(d, 'sub'));
    for (const d of sub) await mkdir(d);
    defer(async () => {
      for (const d of sub) await rmdir(d).catch(() => {});
    });
    const { child } = await spawnInCgroups(defer, sub, 'sleep 30');
    assert.deepEqual(await openCgroup(cgroupsPath).pids(), [child.pid]);
  });

  it('reports unlimited memory as a null limit', async (t) => {
    const cgroupsPath = testCgroupsPath();
    await makeV1Cgroup(cleanupStack(t), cgroupsPath);
    assert.equal((await openCgroup(cgroupsPath).memoryStats()).limit, null);
  });

  it('counts a real OOM kill', async (t) => {
    const defer = cleanupStack(t);
    const cgroupsPath = testCgroupsPath();
    const dirs = await makeV1Cgroup(defer, cgroupsPath);
    const memDir = dirs[0]!;
    await writeFile(path.join(memDir, 'memory.limit_in_bytes'), String(16 * 1024 * 1024));
    if (existsSync(path.join(memDir, 'memory.memsw.limit_in_bytes'))) {
      await writeFile(path.join(memDir, 'memory.memsw.limit_in_bytes'), String(16 * 1024 * 1024));
    }
    // dd fills a 64 MiB buffer: more than the limit, so the kernel OOM-kills it.
    const { exited } = await spawnInCgroups(defer, dirs, 'dd if=/dev/zero of=/dev/null bs=64M count=1');
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
    assert.equal(await openCgroup(cgroupsPath).oomKillCount(), 1);
  });

  it('removes an empty cgroup from every hierarchy but refuses one with processes', async (t) => {
    const defer = cleanupStack(t);
    const cgroupsPath = testCgroupsPath();
    const dirs = await makeV1Cgroup(defer, cgroupsPath);
    const cg = openCgroup(cgroupsPath);
    const { child, exited } = await spawnInCgroups(defer, dirs, 'sleep 30');
    await assert.rejects(cg.remove(), ConflictError);
    child.kill('SIGKILL');
    await exited;
    await cg.remove();
    assert.equal(await cg.exists(), false);
    for (const d of dirs) assert.equal(existsSync(d), false, d);
    if (layout.version === 1 && layout.unified) assert.equal(existsSync(path.join(layout.unified, cgroupsPath)), false);
    await cg.remove(); // already gone is fine
    await assert.rejects(cg.pids(), (e: unknown) => e instanceof NotFoundError && e.message === `no such cgroup: ${cgroupsPath}`);
    await assert.rejects(cg.memoryStats(), NotFoundError);
  });
});

// Hybrid hosts mount an (controller-less) cgroup2 at /sys/fs/cgroup/unified: a real v2 hierarchy to test against.
const unified = layout.version === 2 ? layout.mountpoint : '/sys/fs/cgroup/unified';
const haveV2 = existsSync(path.join(unified, 'cgroup.procs'));

describe('CgroupV2Manager on a real cgroup2 hierarchy', { skip: !haveV2 && 'no cgroup2 mount' }, () => {
  it('lists processes and cpu usage, and reports missing controllers as a precondition', async (t) => {
    const defer = cleanupStack(t);
    const cgroupsPath = testCgroupsPath();
    const dir = path.join(unified, cgroupsPath);
    defer(async () => {
      for (const p of [dir, path.dirname(dir)]) await rmdir(p).catch(() => {});
    });
    await mkdir(dir, { recursive: true });
    const cg = new CgroupV2Manager(cgroupsPath, unified);
    assert.equal(await cg.exists(), true);
    const { child, exited } = await spawnInCgroups(defer, [dir], 'sleep 30');
    assert.deepEqual(await cg.pids(), [child.pid]);
    assert.equal(typeof (await cg.cpuUsageNs()), 'number');
    const cpu = await cg.cpuStats();
    assert.equal(cpu.perCpu, undefined);
    assert.ok(Number(cpu.total) >= Number(cpu.user) && typeof cpu.kernel === 'number');
    const controllers = readFileSync(path.join(unified, 'cgroup.subtree_control'), 'utf8');
    if (!controllers.includes('memory')) {
      await assert.rejects(cg.memoryStats(), FailedPreconditionError);
      await assert.rejects(cg.oomKillCount(), FailedPreconditionError);
    }
    if (!controllers.includes('io')) await assert.rejects(cg.blkioStats(), FailedPreconditionError);
    if (!controllers.includes('pids')) await assert.rejects(cg.pidsStats(), FailedPreconditionError);
    child.kill('SIGKILL');
    await exited;
    await cg.remove();
    assert.equal(await cg.exists(), false);
  });
});
