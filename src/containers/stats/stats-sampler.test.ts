/**
 * The sampler on fixture cgroup trees (v1 as on this host, v2 from the kernel
 * docs) and a fixture /proc: the record has moby's fields, order, omitted
 * zeros and per-version differences. Real containers are sampled in
 * test/integration/container/stats.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { CgroupLayout } from '../../host/cgroups.js';
import { goJsonStringify } from '../../units/go-json.js';
import { initialState, ZERO_TIME, type ContainerRecord, type ContainerStatus } from '../container.js';
import { V1_MEMORY_KEYS, V2_MEMORY_KEYS } from './memory-stats.js';
import { StatsSampler } from './stats-sampler.js';
import { emptyStats } from './stats-types.js';

const ID = 'c0ffee'.padEnd(64, '0');
const PID = 4242;
const MACHINE_MEMORY = 2 * 1024 * 1024 * 1024;

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
}

interface Fixture {
  root: string;
  procRoot: string;
  layout: CgroupLayout;
}

async function fixture(t: TestContext, version: 1 | 2, opts: { memoryLimit?: string } = {}): Promise<Fixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-sampler-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const procRoot = path.join(root, 'proc');
  await writeFiles(procRoot, {
    stat: 'cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\ncpu1 50 0 25 400 25 0 0 0 0 0\nintr 1\n',
    meminfo: `MemTotal:       ${MACHINE_MEMORY / 1024} kB\n`,
  });
  await writeFiles(path.join(procRoot, String(PID), 'net'), {
    dev: [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0',
      '  eth0:    1296      16    0    0    0     0          0         0      796      10    0    0    0     0       0          0',
      ' tunl0:       7       1    0    0    0     0          0         0        0       0    0    0    0     0       0          0',
      '',
    ].join('\n'),
  });
  const cg = `/berth/${ID}`;
  if (version === 1) {
    const mounts = new Map(['cpu', 'cpuacct', 'memory', 'blkio', 'pids'].map((c) => [c, path.join(root, c)]));
    const at = (c: string) => path.join(root, c, cg);
    await writeFiles(at('cpuacct'), { 'cpuacct.usage': '300000000\n', 'cpuacct.usage_percpu': '200000000 100000000\n', 'cpuacct.stat': 'user 20\nsystem 10\n' });
    await writeFiles(at('cpu'), { 'cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n' });
    await writeFiles(at('memory'), {
      'memory.usage_in_bytes': '25165824\n',
      'memory.max_usage_in_bytes': '26214400\n',
      'memory.limit_in_bytes': `${opts.memoryLimit ?? '67108864'}\n`,
      'memory.failcnt': '0\n',
      'memory.stat': 'cache 20971520\nrss 4194304\nhierarchical_memsw_limit 9223372036854771712\ntotal_inactive_file 1048576\nunknown_key 5\n',
    });
    await writeFiles(at('blkio'), {
      'blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 8192\nTotal 12288\n',
      'blkio.throttle.io_serviced_recursive': '8:0 Read 1\n8:0 Write 2\nTotal 3\n',
    });
    await writeFiles(at('pids'), { 'pids.current': '3\n', 'pids.max': 'max\n' });
    return { root, procRoot, layout: { version: 1, mounts } };
  }
  await writeFiles(path.join(root, 'unified', cg), {
    'cpu.stat': 'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n',
    'memory.current': '31457280\n',
    'memory.max': `${opts.memoryLimit ?? 'max'}\n`,
    'memory.peak': '33554432\n',
    'memory.events': 'oom 2\noom_kill 1\n',
    'memory.stat': 'anon 4194304\ninactive_file 2097152\n',
    'io.stat': '8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n',
    'pids.current': '5\n',
    'pids.max': '100\n',
  });
  return { root, procRoot, layout: { version: 2, mountpoint: path.join(root, 'unified'), controllers: [] } };
}

function record(over: Partial<ContainerRecord> = {}, status: ContainerStatus = 'running'): ContainerRecord {
  return {
    id: ID as ContainerRecord['id'],
    name: 'web',
    created: ZERO_TIME,
    image: 'busybox',
    imageId: 'sha256:0' as ContainerRecord['imageId'],
    path: 'sh',
    args: [],
    config: {},
    hostConfig: { NetworkMode: 'bridge' },
    state: { ...initialState(), status, pid: PID },
    snapshotKey: 'k',
    restartCount: 0,
    hasBeenManuallyStopped: false,
    netAttachment: {
      endpoints: {
        bridge: { networkId: 'n', endpointId: 'e', ipv4: '172.17.0.2', prefixLen: 16, gateway: '172.17.0.1', mac: '02:42:ac:11:00:02', hostIfname: 'veth0', ifname: 'eth0' },
      },
      ports: [],
    },
    ...over,
  };
}

function sampler(f: Fixture, others: ContainerRecord[] = []): StatsSampler {
  return new StatsSampler({
    layout: f.layout,
    cgroupsPath: (c) => `/berth/${c.id}`,
    lookup: (ref) => others.find((o) => o.id === ref || o.name === ref),
    procRoot: f.procRoot,
    onError: (_c, err) => assert.fail(`unexpected sampler error: ${String(err)}`),
  });
}

const FIELD_ORDER = ['read', 'preread', 'pids_stats', 'blkio_stats', 'num_procs', 'storage_stats', 'cpu_stats', 'precpu_stats', 'memory_stats', 'name', 'id', 'networks'];

describe('stats sampler on cgroup v1', () => {
  it('produces moby\'s record: fields in order, cpu with per-cpu and host time, memory, blkio, pids, eth0', async (t) => {
    const s = await sampler(await fixture(t, 1)).sample(record());
    assert.deepEqual(Object.keys(s), FIELD_ORDER);
    assert.match(s.read, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.equal(s.preread, ZERO_TIME);
    assert.equal(s.name, '/web');
    assert.equal(s.id, ID);
    assert.deepEqual(s.cpu_stats, {
      cpu_usage: { total_usage: 300000000, percpu_usage: [200000000, 100000000], usage_in_kernelmode: 100000000, usage_in_usermode: 200000000 },
      system_cpu_usage: (100 + 50 + 800 + 50) * 10_000_000,
      online_cpus: 2,
      throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
    });
    assert.deepEqual(Object.keys(s.memory_stats), ['usage', 'max_usage', 'stats', 'limit']); // failcnt 0 is omitted
    assert.equal(s.memory_stats.usage, 25165824);
    assert.equal(s.memory_stats.limit, 67108864);
    assert.deepEqual(Object.keys(s.memory_stats.stats!), [...V1_MEMORY_KEYS].sort());
    assert.equal(s.memory_stats.stats!['total_inactive_file'], 1048576);
    assert.equal(s.memory_stats.stats!['hierarchical_memsw_limit'], 9223372036854771712n);
    assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
    ]);
    assert.equal(s.blkio_stats.io_serviced_recursive!.length, 2);
    assert.deepEqual(s.blkio_stats.io_queue_recursive, [], 'v1 lists without data are [] in moby, not null');
    assert.deepEqual(s.pids_stats, { current: 3 });
    assert.deepEqual(s.networks, { eth0: { rx_bytes: 1296, rx_packets: 16, rx_errors: 0, rx_dropped: 0, tx_bytes: 796, tx_packets: 10, tx_errors: 0, tx_dropped: 0 } });
    assert.match(goJsonStringify(s), /"hierarchical_memsw_limit":9223372036854771712,/);
  });

  it('reports the machine\'s memory as the limit of an unlimited container', async (t) => {
    const s = await sampler(await fixture(t, 1, { memoryLimit: '9223372036854771712' })).sample(record());
    assert.equal(s.memory_stats.limit, MACHINE_MEMORY);
  });

  it('sends the empty record for a stopped container and for one whose cgroup is gone', async (t) => {
    const f = await fixture(t, 1);
    assert.deepEqual(await sampler(f).sample(record({}, 'exited')), emptyStats(record()));
    assert.deepEqual(await sampler(f).sample(record({ id: 'gone'.padEnd(64, '1') as ContainerRecord['id'] })), emptyStats({ id: 'gone'.padEnd(64, '1'), name: 'web' }));
  });

  it('reports no networks with host networking, and the owner\'s interfaces with container:<name>', async (t) => {
    const f = await fixture(t, 1);
    assert.equal((await sampler(f).sample(record({ hostConfig: { NetworkMode: 'host' } }))).networks, undefined);
    assert.equal((await sampler(f).sample(record({ hostConfig: { NetworkMode: 'none' }, netAttachment: { endpoints: {}, ports: [] } }))).networks, undefined);
    const owner = record({ name: 'net-owner' });
    const joined = record({ hostConfig: { NetworkMode: 'container:net-owner' }, netAttachment: { endpoints: {}, ports: [] } });
    assert.deepEqual(Object.keys((await sampler(f, [owner]).sample(joined)).networks!), ['eth0']);
  });
});

describe('stats sampler on cgroup v2', () => {
  it('reports what moby reports from v2: no per-cpu, no max_usage, oom count as failcnt, io bytes only', async (t) => {
    const s = await sampler(await fixture(t, 2)).sample(record());
    assert.deepEqual(Object.keys(s), FIELD_ORDER);
    assert.deepEqual(s.cpu_stats.cpu_usage, { total_usage: 2_500_000, usage_in_kernelmode: 500_000, usage_in_usermode: 2_000_000 });
    assert.deepEqual(Object.keys(s.memory_stats), ['usage', 'stats', 'failcnt', 'limit']);
    assert.equal(s.memory_stats.failcnt, 2);
    assert.equal(s.memory_stats.limit, MACHINE_MEMORY);
    assert.deepEqual(Object.keys(s.memory_stats.stats!), [...V2_MEMORY_KEYS].sort());
    assert.equal(s.memory_stats.stats!['inactive_file'], 2097152);
    assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
      { major: 8, minor: 16, op: 'read', value: 1459200 },
      { major: 8, minor: 16, op: 'write', value: 314773504 },
    ]);
    assert.equal(s.blkio_stats.io_serviced_recursive, null);
    assert.deepEqual(s.pids_stats, { current: 5, limit: 100 });
  });

  it('reports null blkio lists when io.stat lists no device', async (t) => {
    const f = await fixture(t, 2);
    await writeFile(path.join((f.layout as { mountpoint: string }).mountpoint, `/berth/${ID}`, 'io.stat'), '');
    const s = await sampler(f).sample(record());
    assert.equal(s.blkio_stats.io_service_bytes_recursive, null);
  });

  it('keeps a v2 memory.max below the machine\'s memory', async (t) => {
    const s = await sampler(await fixture(t, 2, { memoryLimit: '104857600' })).sample(record());
    assert.equal(s.memory_stats.limit, 104857600);
  });
});

describe('empty stats record', () => {
  it('is byte for byte what moby sends for a stopped container', () => {
    const zeroCpu = '{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}}';
    const blkio = ['io_service_bytes_recursive', 'io_serviced_recursive', 'io_queue_recursive', 'io_service_time_recursive', 'io_wait_time_recursive', 'io_merged_recursive', 'io_time_recursive', 'sectors_recursive']
      .map((k) => `"${k}":null`)
      .join(',');
    assert.equal(
      goJsonStringify(emptyStats({ id: ID, name: 'web' })),
      `{"read":"0001-01-01T00:00:00Z","preread":"0001-01-01T00:00:00Z","pids_stats":{},"blkio_stats":{${blkio}},"num_procs":0,"storage_stats":{},` +
        `"cpu_stats":${zeroCpu},"precpu_stats":${zeroCpu},"memory_stats":{},"name":"/web","id":"${ID}"}`,
    );
  });
});
