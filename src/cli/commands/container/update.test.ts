import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { updateConfig } from './update.js';

describe('update request body', () => {
  it('sends zero for every unset limit and an empty restart policy, as docker does', () => {
    assert.deepEqual(updateConfig({ memory: 64 * 1024 * 1024 }), {
      BlkioWeight: 0,
      CpusetCpus: '',
      CpusetMems: '',
      CpuShares: 0,
      Memory: 64 * 1024 * 1024,
      MemoryReservation: 0,
      MemorySwap: 0,
      CpuPeriod: 0,
      CpuQuota: 0,
      NanoCpus: 0,
      RestartPolicy: { Name: '', MaximumRetryCount: 0 },
    });
  });

  it('parses --restart and sends --pids-limit only when not 0', () => {
    const c = updateConfig({ restart: 'on-failure:3', pidsLimit: -1, cpus: 500_000_000 });
    assert.deepEqual(c.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.equal(c.PidsLimit, -1);
    assert.equal(c.NanoCpus, 500_000_000);
    assert.equal('PidsLimit' in updateConfig({ pidsLimit: 0 }), false);
  });

  it('rejects a malformed --restart with the CLI message', () => {
    assert.throws(() => updateConfig({ restart: 'on-failure:x' }), /invalid restart policy format: maximum retry count must be an integer/);
  });
});
