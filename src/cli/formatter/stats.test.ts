import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatsCpuJson, StatsJson } from '../client/stats.js';
import { assertGolden } from './golden-file.js';
import {
  blankEntry,
  calculateBlockIO,
  calculateCpuPercentUnix,
  calculateMemUsageUnixNoCache,
  STATS_HEADERS,
  StatsContext,
  statsEntryFromJson,
  statsFormat,
  type StatsEntry,
} from './stats.js';
import { renderTable } from './table.js';

const cpu = (total: number, system: number, online?: number, percpu?: number[]): StatsCpuJson => ({
  cpu_usage: { total_usage: total, usage_in_kernelmode: 0, usage_in_usermode: 0, ...(percpu ? { percpu_usage: percpu } : {}) },
  ...(system ? { system_cpu_usage: system } : {}),
  ...(online ? { online_cpus: online } : {}),
});

const ZERO = '0001-01-01T00:00:00Z';

/** A v1 record: 0.5 s of CPU over 2 s of host time on 2 CPUs = 50 %. */
const V1_RECORD: StatsJson = {
  read: '2024-05-01T10:00:01.5Z',
  preread: '2024-05-01T10:00:00.5Z',
  pids_stats: { current: 3 },
  blkio_stats: {
    io_service_bytes_recursive: [
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
      { major: 8, minor: 0, op: 'Sync', value: 12288 },
      { major: 8, minor: 0, op: 'Total', value: 12288 },
    ],
  },
  cpu_stats: cpu(1_500_000_000, 12_000_000_000, 2),
  precpu_stats: cpu(1_000_000_000, 10_000_000_000, 2),
  memory_stats: { usage: 25165824, limit: 67108864, stats: { total_inactive_file: 1048576, inactive_file: 0 } },
  name: '/web',
  id: '3f1a9c0d2b7e4f6a8c5d1e0b9a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c',
  networks: {
    eth0: { rx_bytes: 1296, rx_packets: 16, rx_errors: 0, rx_dropped: 0, tx_bytes: 648, tx_packets: 8, tx_errors: 0, tx_dropped: 0 },
    eth1: { rx_bytes: 4, rx_packets: 1, rx_errors: 0, rx_dropped: 0, tx_bytes: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 0 },
  },
};

/** A stopped container's record: zeros, name and ID only. */
const STOPPED: StatsJson = { read: ZERO, preread: ZERO, cpu_stats: cpu(0, 0), precpu_stats: cpu(0, 0), memory_stats: {}, name: '/idle', id: 'b'.repeat(64) };

/** An unlimited v2 container: 1.5 MiB over the machine's 23.4 GiB. */
const V2_RECORD: StatsJson = {
  read: '2024-05-01T10:00:01Z',
  preread: ZERO,
  pids_stats: { current: 12, limit: 100 },
  blkio_stats: { io_service_bytes_recursive: [{ major: 8, minor: 16, op: 'read', value: 1459200 }, { major: 8, minor: 16, op: 'write', value: 314773504 }] },
  cpu_stats: cpu(7_000_000, 99_000_000_000, 4),
  precpu_stats: cpu(0, 0),
  memory_stats: { usage: 1.5 * 1024 * 1024 + 4096, limit: Math.round(23.4 * 1024 ** 3), stats: { inactive_file: 4096 } },
  name: '/db',
  id: 'c'.repeat(64),
};

function rows(trunc: boolean): StatsContext[] {
  const invalid: StatsEntry = { ...blankEntry('gone'), name: '/gone', id: 'd'.repeat(64), isInvalid: true };
  return [
    new StatsContext(statsEntryFromJson('web', V1_RECORD), trunc),
    new StatsContext(statsEntryFromJson('db', V2_RECORD), trunc),
    new StatsContext(statsEntryFromJson('idle', STOPPED), trunc),
    new StatsContext(invalid, trunc),
    new StatsContext(blankEntry('pending'), trunc),
  ];
}

describe('stats calculations', () => {
  it('computes CPU % from the deltas between precpu_stats and cpu_stats', () => {
    assert.equal(calculateCpuPercentUnix(V1_RECORD.precpu_stats, V1_RECORD.cpu_stats), 50);
    // The first record of a stream has zero precpu_stats: the share since boot.
    assert.equal(calculateCpuPercentUnix(cpu(0, 0), cpu(1e9, 4e10, 4)), 10);
  });

  it('counts per-cpu entries when online_cpus is absent', () => {
    assert.equal(calculateCpuPercentUnix(cpu(0, 1e9), cpu(5e8, 3e9, undefined, [1, 2, 3, 4])), 100);
  });

  it('reports 0 % when the container or the host did not advance', () => {
    assert.equal(calculateCpuPercentUnix(cpu(5, 10, 2), cpu(5, 20, 2)), 0);
    assert.equal(calculateCpuPercentUnix(cpu(5, 10, 2), cpu(9, 10, 2)), 0);
    assert.equal(calculateCpuPercentUnix(cpu(9, 10, 2), cpu(5, 20, 2)), 0);
  });

  it('leaves inactive page cache out of memory usage (v1 and v2 keys)', () => {
    assert.equal(calculateMemUsageUnixNoCache({ usage: 100, stats: { total_inactive_file: 30, inactive_file: 10 } }), 70);
    assert.equal(calculateMemUsageUnixNoCache({ usage: 100, stats: { inactive_file: 10 } }), 90);
    assert.equal(calculateMemUsageUnixNoCache({ usage: 100, stats: { total_inactive_file: 300 } }), 100);
    assert.equal(calculateMemUsageUnixNoCache({}), 0);
  });

  it('sums block I/O by the first letter of the op', () => {
    assert.deepEqual(calculateBlockIO(V1_RECORD.blkio_stats!.io_service_bytes_recursive), { read: 4096, write: 8192 });
    assert.deepEqual(calculateBlockIO(null), { read: 0, write: 0 });
  });

  it('formats units as docker does', () => {
    const [web, db, idle, gone] = rows(true);
    assert.equal(web!.MemUsage, '23MiB / 64MiB');
    assert.equal(web!.MemPerc, '35.94%');
    assert.equal(web!.NetIO, '1.3kB / 648B');
    assert.equal(web!.BlockIO, '4.1kB / 8.19kB');
    assert.equal(db!.MemUsage, '1.5MiB / 23.4GiB');
    assert.equal(db!.BlockIO, '1.46MB / 315MB');
    assert.equal(idle!.MemUsage, '0B / 0B');
    assert.equal(idle!.NetIO, '0B / 0B');
    assert.equal(idle!.CPUPerc, '0.00%');
    assert.equal(gone!.MemUsage, '-- / --');
    assert.equal(gone!.PIDs, '--');
  });
});

describe('stats table', () => {
  it('prints docker\'s default columns', () => {
    assertGolden('stats-default', renderTable(statsFormat(''), rows(true), STATS_HEADERS));
  });

  it('prints full IDs with --no-trunc', () => {
    assertGolden('stats-no-trunc', renderTable(statsFormat('table'), rows(false), STATS_HEADERS));
  });

  it('renders json rows and custom templates', () => {
    assertGolden('stats-json', renderTable('json', rows(true).slice(0, 2), STATS_HEADERS));
    assertGolden('stats-custom', renderTable('table {{.Container}}\t{{.CPUPerc}}\t{{.PIDs}}', rows(true), STATS_HEADERS));
    assert.equal(renderTable('{{.Name}}: {{.MemPerc}}', rows(true).slice(0, 1), STATS_HEADERS), 'web: 35.94%\n');
  });

  it('prints only the header when nothing runs', () => {
    assert.match(renderTable(statsFormat(''), [], STATS_HEADERS), /^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS\n$/);
  });
});
