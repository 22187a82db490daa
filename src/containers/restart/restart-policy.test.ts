import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../errors.js';
import { checkAutoRemove, policyOf, restartsAfterExit, restartsOnDaemonStart, validateRestartPolicy, type RestartPolicy } from './restart-policy.js';

const invalid = (message: string) => (err: unknown) => err instanceof InvalidArgumentError && err.message === message;

describe('validateRestartPolicy', () => {
  it('accepts the four policies and stores an empty or missing one as "no"', () => {
    assert.deepEqual(validateRestartPolicy({ Name: 'always' }), { Name: 'always', MaximumRetryCount: 0 });
    assert.deepEqual(validateRestartPolicy({ Name: 'unless-stopped', MaximumRetryCount: 0 }), { Name: 'unless-stopped', MaximumRetryCount: 0 });
    assert.deepEqual(validateRestartPolicy({ Name: 'on-failure', MaximumRetryCount: 3 }), { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.deepEqual(validateRestartPolicy({ Name: 'no' }), { Name: 'no', MaximumRetryCount: 0 });
    assert.deepEqual(validateRestartPolicy({ Name: '', MaximumRetryCount: 5 }), { Name: 'no', MaximumRetryCount: 0 });
    assert.deepEqual(validateRestartPolicy(undefined), { Name: 'no', MaximumRetryCount: 0 });
  });

  it("rejects an unknown policy with Docker's message", () => {
    assert.throws(
      () => validateRestartPolicy({ Name: 'sometimes' as 'always' }),
      invalid("invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"),
    );
  });

  it('rejects a retry count on policies other than on-failure, and a negative one', () => {
    assert.throws(() => validateRestartPolicy({ Name: 'always', MaximumRetryCount: 2 }), invalid("invalid restart policy: maximum retry count can only be used with 'on-failure'"));
    assert.throws(
      () => validateRestartPolicy({ Name: 'unless-stopped', MaximumRetryCount: -1 }),
      invalid("invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative"),
    );
    assert.throws(() => validateRestartPolicy({ Name: 'on-failure', MaximumRetryCount: -3 }), invalid('invalid restart policy: maximum retry count cannot be negative'));
  });

  it('refuses a restart policy on an AutoRemove container', () => {
    assert.throws(() => checkAutoRemove(true, { Name: 'always' }), invalid("can't create 'AutoRemove' container with restart policy"));
    checkAutoRemove(true, { Name: 'no' });
    checkAutoRemove(true, { Name: '' });
    checkAutoRemove(false, { Name: 'always' });
  });

  it('reads a missing or broken stored policy as "no"', () => {
    assert.equal(policyOf(undefined).Name, 'no');
    assert.equal(policyOf({ Name: 'bogus' as 'no' }).Name, 'no');
  });
});

describe('restartsAfterExit', () => {
  const p = (Name: RestartPolicy['Name'], MaximumRetryCount = 0): RestartPolicy => ({ Name, MaximumRetryCount });
  const exit = (exitCode: number, manuallyStopped = false, restartCount = 0) => ({ exitCode, manuallyStopped, restartCount });

  it('never restarts with "no"', () => {
    assert.equal(restartsAfterExit(p('no'), exit(1)), false);
  });

  it('always restarts with "always", even a container the user stopped (the stop itself cancels)', () => {
    assert.equal(restartsAfterExit(p('always'), exit(0)), true);
    assert.equal(restartsAfterExit(p('always'), exit(137, true)), true);
  });

  it('restarts unless-stopped unless the user stopped it', () => {
    assert.equal(restartsAfterExit(p('unless-stopped'), exit(0)), true);
    assert.equal(restartsAfterExit(p('unless-stopped'), exit(1, true)), false);
  });

  it('restarts on-failure after a non-zero exit, up to its maximum', () => {
    assert.equal(restartsAfterExit(p('on-failure'), exit(0)), false);
    assert.equal(restartsAfterExit(p('on-failure'), exit(2, false, 1000)), true);
    assert.equal(restartsAfterExit(p('on-failure', 3), exit(1, false, 2)), true);
    assert.equal(restartsAfterExit(p('on-failure', 3), exit(1, false, 3)), false);
  });
});

describe('restartsOnDaemonStart', () => {
  it('brings back always, and unless-stopped not stopped by the user; never on-failure or no', () => {
    assert.equal(restartsOnDaemonStart({ Name: 'always', MaximumRetryCount: 0 }, true), true);
    assert.equal(restartsOnDaemonStart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, false), true);
    assert.equal(restartsOnDaemonStart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, true), false);
    assert.equal(restartsOnDaemonStart({ Name: 'on-failure', MaximumRetryCount: 0 }, false), false);
    assert.equal(restartsOnDaemonStart({ Name: 'no', MaximumRetryCount: 0 }, false), false);
  });
});
