import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import { buildContainerSpec } from './spec-builder.js';
import { baseInput, v1Facts } from './test-fixtures.js';
import type { ResourcesInput } from './types.js';
import { validateResources } from './validate.js';

const MiB = 1024 * 1024;
const specResources = (resources: ResourcesInput, facts = v1Facts()) =>
  buildContainerSpec(baseInput({ resources }), facts).linux.resources!;

/** Asserts that validation fails with exactly Docker's message, as an InvalidArgumentError. */
function rejects(resources: ResourcesInput, message: string, facts = v1Facts()): void {
  assert.throws(
    () => validateResources({ resources }, facts),
    (e: unknown) => e instanceof InvalidArgumentError && e.message === message,
    message,
  );
}

describe('memory limits', () => {
  it('sets the limit and defaults swap to twice the memory, as Docker', () => {
    assert.deepEqual(specResources({ memory: 64 * MiB }).memory, { limit: 64 * MiB, swap: 128 * MiB, disableOOMKiller: false });
  });

  it('leaves swap out when memorySwap is -1 (unlimited) and passes an explicit one', () => {
    assert.deepEqual(specResources({ memory: 64 * MiB, memorySwap: -1 }).memory, { limit: 64 * MiB, disableOOMKiller: false });
    assert.equal(specResources({ memory: 64 * MiB, memorySwap: 100 * MiB }).memory!.swap, 100 * MiB);
  });

  it('passes reservation and oom-kill-disable', () => {
    const m = specResources({ memory: 64 * MiB, memoryReservation: 32 * MiB, oomKillDisable: true }).memory!;
    assert.equal(m.reservation, 32 * MiB);
    assert.equal(m.disableOOMKiller, true);
  });

  it("rejects limits the way Docker does, with Docker's messages", () => {
    rejects({ memory: 4 * MiB }, 'Minimum memory limit allowed is 6MB');
    rejects({ memory: 64 * MiB, memorySwap: 32 * MiB }, 'Minimum memoryswap limit should be larger than memory limit, see usage');
    rejects({ memorySwap: 32 * MiB }, 'You should always set the Memory limit when using Memoryswap limit, see usage');
    rejects({ memoryReservation: MiB }, 'Minimum memory reservation allowed is 6MB');
    rejects({ memory: 16 * MiB, memoryReservation: 32 * MiB }, 'Minimum memory limit can not be less than memory reservation limit, see usage');
  });

  it('drops swap with a warning where the kernel has no swap accounting', () => {
    const facts = v1Facts({ cgroup: { ...v1Facts().cgroup, swap: false } });
    assert.deepEqual(validateResources({ resources: { memory: 64 * MiB } }, facts), [
      'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.',
    ]);
    assert.equal(specResources({ memory: 64 * MiB }, facts).memory!.swap, undefined);
  });

  it('warns that disabling the OOM killer without a memory limit is risky', () => {
    const w = validateResources({ resources: { oomKillDisable: true } }, v1Facts());
    assert.match(w[0]!, /^OOM killer is disabled for the container, but no memory limit is set/);
  });

  it('omits disableOOMKiller on cgroup v2, which has no such knob', () => {
    const facts = v1Facts({ cgroupVersion: 2, cgroup: { ...v1Facts().cgroup, oomKillDisable: false } });
    assert.equal(specResources({}, facts).memory, undefined);
    assert.equal(specResources({ memory: 64 * MiB }, facts).memory!.disableOOMKiller, undefined);
  });
});

describe('cpu limits', () => {
  it('turns --cpus into a quota over a 100ms period', () => {
    assert.deepEqual(specResources({ nanoCpus: 1.5e9 }).cpu, { period: 100000, quota: 150000 });
    assert.deepEqual(specResources({ nanoCpus: 0.01e9 }).cpu, { period: 100000, quota: 1000 });
  });

  it('passes shares, cpuset, and explicit period and quota', () => {
    assert.deepEqual(specResources({ cpuShares: 512, cpusetCpus: '0-1', cpuPeriod: 50000, cpuQuota: 25000 }).cpu, {
      shares: 512,
      cpus: '0-1',
      period: 50000,
      quota: 25000,
    });
  });

  it('rejects more CPUs than the host has', () => {
    rejects({ nanoCpus: 3e9 }, 'range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available');
    rejects({ nanoCpus: 9e9 }, 'range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available', v1Facts({ cpuCount: 8 }));
    assert.deepEqual(validateResources({ resources: { nanoCpus: 2e9 } }, v1Facts()), []);
  });

  it('rejects conflicting and out-of-range CPU settings', () => {
    rejects({ nanoCpus: 1e9, cpuPeriod: 100000 }, 'Conflicting options: Nano CPUs and CPU Period cannot both be set');
    rejects({ nanoCpus: 1e9, cpuQuota: 100000 }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set');
    rejects({ cpuPeriod: 500 }, 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
    rejects({ cpuQuota: 500 }, 'CPU cfs quota can not be less than 1ms (i.e. 1000)');
    rejects({ cpuShares: -2 }, 'invalid CPU shares (-2): value must be a positive integer');
    rejects({ cpusetCpus: '0-3' }, 'Requested CPUs are not available - requested 0-3, available: 0-1');
    rejects({ cpusetCpus: 'x' }, 'Invalid value x for cpuset cpus');
  });
});

describe('pids and ulimits', () => {
  it('passes a positive pids limit and turns zero or negative into -1 (unlimited)', () => {
    assert.deepEqual(specResources({ pidsLimit: 100 }).pids, { limit: 100 });
    assert.deepEqual(specResources({ pidsLimit: 0 }).pids, { limit: -1 });
    assert.deepEqual(specResources({ pidsLimit: -5 }).pids, { limit: -1 });
    assert.equal(specResources({}).pids, undefined);
  });

  it('maps ulimit names to RLIMIT_ types, the last of a name winning', () => {
    const spec = buildContainerSpec(
      baseInput({ resources: { ulimits: [{ name: 'nofile', soft: 1, hard: 2 }, { name: 'nproc', soft: 10, hard: 20 }, { name: 'nofile', soft: 100, hard: 200 }] } }),
      v1Facts(),
    );
    assert.deepEqual(spec.process.rlimits, [
      { type: 'RLIMIT_NOFILE', soft: 100, hard: 200 },
      { type: 'RLIMIT_NPROC', soft: 10, hard: 20 },
    ]);
  });

  it('rejects unknown ulimits and a soft limit above the hard one', () => {
    rejects({ ulimits: [{ name: 'bogus', soft: 1, hard: 1 }] }, 'invalid ulimit type: bogus');
    rejects({ ulimits: [{ name: 'nofile', soft: 10, hard: 5 }] }, 'ulimit soft limit must be less than or equal to hard limit: 10 > 5');
  });
});

describe('validateResources', () => {
  it('checks capabilities, mounts, hostname and oom score before anything is created', () => {
    assert.throws(() => validateResources({ resources: {}, capAdd: ['FOO'] }, v1Facts()), { message: 'unknown capability: "CAP_FOO"' });
    assert.throws(() => validateResources({ resources: {}, tmpfs: { x: '' } }, v1Facts()), {
      message: `invalid mount config for type "tmpfs": invalid mount path: 'x' mount path must be absolute`,
    });
    assert.throws(() => validateResources({ resources: {}, hostname: 'h'.repeat(65) }, v1Facts()), /is too long \(maximum 64 bytes\)/);
    assert.throws(() => validateResources({ resources: {}, oomScoreAdj: 1001 }, v1Facts()), {
      message: 'Invalid value 1001, range for oom score adj is [-1000, 1000]',
    });
    assert.throws(() => validateResources({ resources: {}, shmSize: -1 }, v1Facts()), { message: 'SHM size can not be less than 0' });
    assert.deepEqual(validateResources({ resources: { memory: 64 * MiB }, capAdd: ['NET_ADMIN'], tmpfs: { '/run': 'size=1m' } }, v1Facts()), []);
  });
});
