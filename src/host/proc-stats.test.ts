import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMemTotal, parseNetDev, parseProcStat, readMachineMemory, readNetDev, readSystemCpuUsage } from './proc-stats.js';

const PROC_STAT = [
  'cpu  1602504 0 614338 2972828 24891 0 9987 2189 0 0',
  'cpu0 791557 0 303501 1508028 6721 0 1835 1076 0 0',
  'cpu1 810947 0 310836 1464800 18169 0 8151 1113 0 0',
  'intr 61506791 0 0',
  'cpu9 1 1 1 1 1 1 1 1 0 0',
  '',
].join('\n');

const NET_DEV = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  '    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0',
  '  eth0:    1296      16    1    2    0     0          0         0      796      10    3    4    0     0       0          0',
  'eth1: 9007199254740993 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0',
  '',
].join('\n');

describe('/proc readers', () => {
  it('sums the first seven fields of the cpu line into nanoseconds and counts cpuN lines up to the first other line', () => {
    const ticks = 1602504 + 0 + 614338 + 2972828 + 24891 + 0 + 9987; // steal and guest are not counted, as moby
    assert.deepEqual(parseProcStat(PROC_STAT), { systemUsage: ticks * 10_000_000, onlineCpus: 2 });
  });

  it('rejects a short cpu line', () => {
    assert.throws(() => parseProcStat('cpu  1 2 3\n'), /invalid number of cpu fields/);
  });

  it('reads MemTotal in bytes', () => {
    assert.equal(parseMemTotal('MemTotal:       16318324 kB\nMemFree:  1 kB\n'), 16318324 * 1024);
    assert.throws(() => parseMemTotal('MemFree: 1 kB\n'), /no MemTotal/);
  });

  it('reads interface counters by name, exact past 2^53', () => {
    const dev = parseNetDev(NET_DEV);
    assert.deepEqual([...dev.keys()], ['lo', 'eth0', 'eth1']);
    assert.deepEqual(dev.get('eth0'), {
      rx_bytes: 1296, rx_packets: 16, rx_errors: 1, rx_dropped: 2,
      tx_bytes: 796, tx_packets: 10, tx_errors: 3, tx_dropped: 4,
    });
    assert.equal(dev.get('eth1')!.rx_bytes, 9007199254740993n);
  });

  it('reads this host', async () => {
    const sys = await readSystemCpuUsage();
    assert.ok(Number(sys.systemUsage) > 0 && sys.onlineCpus > 0);
    assert.ok((await readMachineMemory()) > 0);
    assert.ok((await readNetDev(process.pid)).has('lo'));
  });
});
