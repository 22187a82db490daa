import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, InvalidArgumentError } from '../../errors.js';
import { v1Facts } from '../../runtime/spec/test-fixtures.js';
import { liveResources, mergeUpdate, parseUpdate } from './update-request.js';

const MiB = 1024 * 1024;
const facts = v1Facts({ onlineMems: '0' });
const parse = (body: Parameters<typeof parseUpdate>[0]) => parseUpdate(body, facts);

describe('parseUpdate', () => {
  it('keeps what changes and drops the zero values docker sends for the rest', () => {
    const { request, warnings } = parse({ Memory: 64 * MiB, MemorySwap: 0, CpuShares: 0, CpusetCpus: '', NanoCpus: 500_000_000, RestartPolicy: { Name: '', MaximumRetryCount: 0 } });
    assert.deepEqual(request, { Memory: 64 * MiB, NanoCpus: 500_000_000 });
    assert.deepEqual(warnings, []);
  });

  it('reads a pids limit of 0 or below as unlimited (0)', () => {
    assert.equal(parse({ PidsLimit: -1 }).request.PidsLimit, 0);
    assert.equal(parse({ PidsLimit: 100 }).request.PidsLimit, 100);
  });

  it("rejects what Docker rejects, with Docker's messages", () => {
    const bad = (body: Parameters<typeof parseUpdate>[0], message: string) =>
      assert.throws(() => parse(body), (err: unknown) => err instanceof InvalidArgumentError && err.message === message);
    bad({ Memory: 4 * MiB }, 'Minimum memory limit allowed is 6MB');
    bad({ Memory: 64 * MiB, MemorySwap: 32 * MiB }, 'Minimum memoryswap limit should be larger than memory limit, see usage');
    bad({ NanoCpus: 3_000_000_000 }, 'range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available');
    bad({ NanoCpus: 1_000_000_000, CpuQuota: 50_000 }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set');
    bad({ CpusetMems: '3' }, 'Requested memory nodes are not available - requested 3, available: 0');
    bad({ RestartPolicy: { Name: 'always', MaximumRetryCount: 1 } }, "invalid restart policy: maximum retry count can only be used with 'on-failure'");
    bad({ Memory: 'lots' as unknown as number }, 'invalid Memory: must be an integer');
  });

  it('allows a swap limit alone (it joins the memory limit already set)', () => {
    assert.deepEqual(parse({ MemorySwap: 128 * MiB }).request, { MemorySwap: 128 * MiB });
  });

  it('drops a block I/O weight the kernel cannot apply, with a warning, and checks its range otherwise', () => {
    const none = parseUpdate({ BlkioWeight: 300 }, v1Facts());
    assert.deepEqual(none.request, {});
    assert.deepEqual(none.warnings, ['Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.']);
    const withBlkio = v1Facts({ cgroup: { ...v1Facts().cgroup, blkioWeight: true } });
    assert.equal(parseUpdate({ BlkioWeight: 300 }, withBlkio).request.BlkioWeight, 300);
    assert.throws(() => parseUpdate({ BlkioWeight: 5 }, withBlkio), /Range of blkio weight is from 10 to 1000/);
  });
});

describe('mergeUpdate', () => {
  const id = 'abc';
  it('merges the changes into the stored HostConfig', () => {
    const next = mergeUpdate(id, { Memory: 32 * MiB, MemorySwap: 64 * MiB, CpuShares: 512 }, { Memory: 48 * MiB, PidsLimit: 10, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } });
    assert.deepEqual(next, { Memory: 48 * MiB, MemorySwap: 64 * MiB, CpuShares: 512, PidsLimit: 10, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } });
  });

  it('refuses what clashes with the container, as Docker (409, "Cannot update container …")', () => {
    const clash = (current: Parameters<typeof mergeUpdate>[1], req: Parameters<typeof mergeUpdate>[2], message: string) =>
      assert.throws(() => mergeUpdate(id, current, req), (err: unknown) => err instanceof ConflictError && err.message === `Cannot update container abc: ${message}`);
    clash({ CpuQuota: 50_000 }, { NanoCpus: 1e9 }, 'Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
    clash({ CpuPeriod: 50_000 }, { NanoCpus: 1e9 }, 'Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
    clash({ NanoCpus: 1e9 }, { CpuQuota: 50_000 }, 'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
    clash({ NanoCpus: 1e9 }, { CpuPeriod: 50_000 }, 'Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
    clash({ Memory: 16 * MiB, MemorySwap: 32 * MiB }, { Memory: 64 * MiB }, 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    clash({}, { Memory: 64 * MiB }, 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    clash({ AutoRemove: true }, { RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } }, 'Restart policy cannot be updated because AutoRemove is enabled for the container');
  });

  it('lets a memory limit through under an unlimited swap limit', () => {
    assert.equal(mergeUpdate(id, { MemorySwap: -1 }, { Memory: 64 * MiB }).Memory, 64 * MiB);
  });
});

describe('liveResources', () => {
  it('turns --cpus into a CFS quota and a lifted pids limit into -1', () => {
    assert.deepEqual(liveResources({ NanoCpus: 1_500_000_000, PidsLimit: 0, Memory: 64 * MiB }), { memory: 64 * MiB, cpuPeriod: 100_000, cpuQuota: 150_000, pidsLimit: -1 });
    assert.deepEqual(liveResources({ CpuQuota: 20_000, CpusetCpus: '0' }), { cpuQuota: 20_000, cpusetCpus: '0' });
  });
});
