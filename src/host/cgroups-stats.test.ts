/**
 * The stats readers of both cgroup versions against fixture trees laid out
 * as the kernel lays them out (file names and formats from the kernel's
 * cgroup-v1/*.rst and cgroup-v2.rst), in a temp dir, plus the parsers' edge
 * cases. The v1 readers also run against this host's real cgroups in
 * cgroups.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { FailedPreconditionError, NotFoundError } from '../errors.js';
import { openCgroup, type CgroupLayout } from './cgroups.js';
import { parseBlkioV1, parseFlatKeyedU64, parseIoStatV2, parsePidsMax, parseU64, ticksToNanos } from './cgroups-stats.js';

const CG = '/berth/abc';

async function tempRoot(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-cgstats-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
}

/** A v1 host with cpu and cpuacct mounted apart (as this host) and the container's cgroup in each. */
async function v1Fixture(t: TestContext, omit: string[] = []): Promise<CgroupLayout> {
  const root = await tempRoot(t);
  const mounts = new Map<string, string>();
  for (const c of ['cpu', 'cpuacct', 'memory', 'blkio', 'pids']) {
    if (!omit.includes(c)) mounts.set(c, path.join(root, c));
  }
  const at = (c: string) => path.join(root, c, CG);
  if (mounts.has('cpuacct')) {
    await writeFiles(at('cpuacct'), {
      'cpuacct.usage': '123456789\n',
      'cpuacct.usage_percpu': '100000000 23456789 \n',
      'cpuacct.stat': 'user 7\nsystem 3\n',
    });
  }
  if (mounts.has('cpu')) await writeFiles(at('cpu'), { 'cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 5000000\nnr_bursts 0\nburst_time 0\n' });
  if (mounts.has('memory')) {
    await writeFiles(at('memory'), {
      'memory.usage_in_bytes': '25165824\n',
      'memory.max_usage_in_bytes': '26214400\n',
      'memory.limit_in_bytes': '67108864\n',
      'memory.failcnt': '0\n',
      'memory.stat': 'cache 20971520\nrss 4194304\ninactive_file 1048576\nhierarchical_memory_limit 67108864\nhierarchical_memsw_limit 9223372036854771712\ntotal_cache 20971520\ntotal_inactive_file 1048576\n',
    });
  }
  if (mounts.has('blkio')) {
    await writeFiles(at('blkio'), {
      'blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 12288\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n',
      'blkio.throttle.io_serviced_recursive': '8:0 Read 1\n8:0 Write 2\n8:0 Sync 3\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 3\nTotal 3\n',
    });
  }
  if (mounts.has('pids')) await writeFiles(at('pids'), { 'pids.current': '3\n', 'pids.max': 'max\n' });
  return { version: 1, mounts };
}

/** A v2 host: one directory, controller files as cgroup-v2.rst has them. */
async function v2Fixture(t: TestContext, files: Record<string, string> = V2_FILES): Promise<CgroupLayout> {
  const root = await tempRoot(t);
  await writeFiles(path.join(root, CG), { 'cgroup.procs': '42\n', ...files });
  return { version: 2, mountpoint: root, controllers: ['cpu', 'io', 'memory', 'pids'] };
}

const V2_FILES: Record<string, string> = {
  'cpu.stat': 'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\nthrottled_usec 300\nnr_bursts 0\nburst_usec 0\n',
  'memory.current': '31457280\n',
  'memory.max': 'max\n',
  'memory.peak': '33554432\n',
  'memory.events': 'low 0\nhigh 0\nmax 5\noom 2\noom_kill 1\noom_group_kill 0\n',
  'memory.stat': 'anon 4194304\nfile 25165824\ninactive_file 2097152\nactive_file 23068672\nworkingset_refault_anon 0\n',
  'io.stat': '8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n253:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n',
  'pids.current': '5\n',
  'pids.max': '100\n',
};

describe('cgroup v1 stats readers on a fixture tree', () => {
  it('reads cpu time per cpu, user and kernel ticks as nanoseconds, and throttling', async (t) => {
    const cg = openCgroup(CG, await v1Fixture(t));
    assert.deepEqual(await cg.cpuStats(), {
      total: 123456789,
      perCpu: [100000000, 23456789],
      kernel: 30_000_000,
      user: 70_000_000,
      throttling: { periods: 10, throttledPeriods: 2, throttledTime: 5000000 },
    });
  });

  it('reports no throttling when the cpu controller is not mounted', async (t) => {
    const cg = openCgroup(CG, await v1Fixture(t, ['cpu']));
    assert.deepEqual((await cg.cpuStats()).throttling, { periods: 0, throttledPeriods: 0, throttledTime: 0 });
  });

  it('keeps memory.stat values past 2^53 exact', async (t) => {
    const mem = await openCgroup(CG, await v1Fixture(t)).memoryStats();
    assert.equal(mem.usage, 25165824);
    assert.equal(mem.maxUsage, 26214400);
    assert.equal(mem.limit, 67108864);
    assert.equal(mem.stats['total_inactive_file'], 1048576);
    assert.equal(mem.stats['hierarchical_memsw_limit'], 9223372036854771712n);
  });

  it('reads per-device bytes and operations from the recursive throttle files', async (t) => {
    const io = await openCgroup(CG, await v1Fixture(t)).blkioStats();
    assert.deepEqual(io.serviceBytes.map((e) => [e.major, e.minor, e.op, e.value]), [
      [8, 0, 'Read', 4096], [8, 0, 'Write', 8192], [8, 0, 'Sync', 12288], [8, 0, 'Async', 0], [8, 0, 'Discard', 0], [8, 0, 'Total', 12288],
    ]);
    assert.equal(io.serviced.find((e) => e.op === 'Write')?.value, 2);
  });

  it('falls back to the flat throttle files of older kernels', async (t) => {
    const layout = await v1Fixture(t);
    const dir = path.join((layout as { mounts: Map<string, string> }).mounts.get('blkio')!, CG);
    await rm(path.join(dir, 'blkio.throttle.io_service_bytes_recursive'));
    await writeFile(path.join(dir, 'blkio.throttle.io_service_bytes'), '8:0 Read 1\n8:0 Write 2\nTotal 3\n');
    const io = await openCgroup(CG, layout).blkioStats();
    assert.deepEqual(io.serviceBytes.map((e) => e.value), [1, 2]);
  });

  it('reads pids current and an unlimited pids.max as null', async (t) => {
    assert.deepEqual(await openCgroup(CG, await v1Fixture(t)).pidsStats(), { current: 3, limit: null });
  });

  it('tells a missing controller from a vanished cgroup', async (t) => {
    await assert.rejects(openCgroup(CG, await v1Fixture(t, ['blkio'])).blkioStats(), FailedPreconditionError);
    const layout = await v1Fixture(t);
    await assert.rejects(openCgroup('/berth/gone', layout).cpuStats(), NotFoundError);
    await assert.rejects(openCgroup('/berth/gone', layout).pidsStats(), NotFoundError);
  });
});

describe('cgroup v2 stats readers on a fixture tree', () => {
  it('turns cpu.stat microseconds into nanoseconds, with no per-cpu figures', async (t) => {
    assert.deepEqual(await openCgroup(CG, await v2Fixture(t)).cpuStats(), {
      total: 2_500_000,
      kernel: 500_000,
      user: 2_000_000,
      throttling: { periods: 4, throttledPeriods: 1, throttledTime: 300_000 },
    });
  });

  it('reads cpu.stat without the cpu controller as unthrottled', async (t) => {
    const cg = openCgroup(CG, await v2Fixture(t, { 'cpu.stat': 'usage_usec 10\nuser_usec 6\nsystem_usec 4\n' }));
    assert.deepEqual((await cg.cpuStats()).throttling, { periods: 0, throttledPeriods: 0, throttledTime: 0 });
  });

  it('reads memory with "max" as no limit and the oom count as failcnt', async (t) => {
    const mem = await openCgroup(CG, await v2Fixture(t)).memoryStats();
    assert.equal(mem.usage, 31457280);
    assert.equal(mem.limit, null);
    assert.equal(mem.maxUsage, 33554432);
    assert.equal(mem.failcnt, 2);
    assert.equal(mem.stats['inactive_file'], 2097152);
  });

  it('splits io.stat into read and write entries per device', async (t) => {
    const io = await openCgroup(CG, await v2Fixture(t)).blkioStats();
    assert.deepEqual(io.serviceBytes, [
      { major: 8, minor: 16, op: 'read', value: 1459200 },
      { major: 8, minor: 16, op: 'write', value: 314773504 },
      { major: 253, minor: 0, op: 'read', value: 4096 },
      { major: 253, minor: 0, op: 'write', value: 0 },
    ]);
    assert.deepEqual(io.serviced.map((e) => e.value), [192, 353, 1, 0]);
  });

  it('reads a numeric pids.max', async (t) => {
    assert.deepEqual(await openCgroup(CG, await v2Fixture(t)).pidsStats(), { current: 5, limit: 100 });
  });

  it('reports controllers the parent did not enable as a precondition', async (t) => {
    const cg = openCgroup(CG, await v2Fixture(t, { 'cpu.stat': 'usage_usec 1\nuser_usec 1\nsystem_usec 0\n' }));
    await assert.rejects(cg.blkioStats(), FailedPreconditionError);
    await assert.rejects(cg.pidsStats(), FailedPreconditionError);
    await assert.rejects(cg.memoryStats(), FailedPreconditionError);
  });
});

describe('cgroup stat parsers', () => {
  it('keeps u64 values exact and rejects what is not one', () => {
    assert.equal(parseU64('42\n', 'x'), 42);
    assert.equal(parseU64('18446744073709551615', 'x'), 18446744073709551615n);
    assert.throws(() => parseU64('-1', 'x'), /unexpected value in x/);
    assert.deepEqual(parseFlatKeyedU64('a 1\nb -2\nc 3 4\n\nd 9007199254740993\n'), { a: 1, d: 9007199254740993n });
  });

  it('converts USER_HZ ticks without float error', () => {
    assert.equal(ticksToNanos(1), 10_000_000);
    assert.equal(ticksToNanos(2n ** 60n), (2n ** 60n) * 10_000_000n);
  });

  it('parses blkio files with and without an op column and rejects garbage', () => {
    assert.deepEqual(parseBlkioV1('8:0 2048\nTotal 2048\n', 'blkio.sectors'), [{ major: 8, minor: 0, op: '', value: 2048 }]);
    assert.deepEqual(parseBlkioV1('', 'f'), []);
    assert.throws(() => parseBlkioV1('what is this line\n', 'f'), /unexpected line in f/);
  });

  it('skips io.stat lines that are not a device', () => {
    assert.deepEqual(parseIoStatV2('\nnonsense\n').serviceBytes, []);
  });

  it('parses pids.max', () => {
    assert.equal(parsePidsMax('max\n'), null);
    assert.equal(parsePidsMax('4096\n'), 4096);
    assert.throws(() => parsePidsMax('lots'));
  });
});
