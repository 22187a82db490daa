import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KNOWN_CAPABILITIES } from './default-capabilities.js';
import { buildExecProcess, replaceOrAppendEnv } from './process-spec.js';
import { buildContainerSpec } from './spec-builder.js';
import { baseInput, v1Facts } from './test-fixtures.js';

const containerSpec = () =>
  buildContainerSpec(
    baseInput({
      cwd: '/work',
      user: { uid: 1000, gid: 1000, additionalGids: [1000, 10] },
      capDrop: ['NET_RAW'],
      noNewPrivileges: true,
      oomScoreAdj: 100,
      resources: { ulimits: [{ name: 'nofile', soft: 10, hard: 20 }] },
    }),
    v1Facts(),
  );

describe('replaceOrAppendEnv', () => {
  it('replaces in place, appends new keys and unsets bare names', () => {
    assert.deepEqual(replaceOrAppendEnv(['A=1', 'B=2', 'C=3'], ['B=x', 'D=4', 'C']), ['A=1', 'B=x', 'D=4']);
  });
});

describe('buildExecProcess', () => {
  it("inherits the container's user, cwd, capabilities, rlimits, no_new_privileges and oom score", () => {
    const spec = containerSpec();
    const p = buildExecProcess(spec, { args: ['ps'], env: [], tty: false, privileged: false });
    assert.deepEqual(p.args, ['ps']);
    assert.deepEqual(p.user, { uid: 1000, gid: 1000, additionalGids: [1000, 10] });
    assert.equal(p.cwd, '/work');
    assert.deepEqual(p.capabilities, spec.process.capabilities);
    assert.ok(!p.capabilities!.effective!.includes('CAP_NET_RAW'));
    assert.deepEqual(p.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 20 }]);
    assert.equal(p.noNewPrivileges, true);
    assert.equal(p.oomScoreAdj, 100);
    assert.deepEqual(p.env, spec.process.env);
    assert.equal(p.terminal, false);
  });

  it('takes its own env, cwd, user and tty, and does not change the container spec', () => {
    const spec = containerSpec();
    const before = structuredClone(spec);
    const p = buildExecProcess(spec, {
      args: ['sh'],
      env: ['FOO=exec', 'NEW=1'],
      cwd: '/tmp',
      user: { uid: 0, gid: 0, additionalGids: [0] },
      tty: true,
      privileged: false,
      consoleSize: { height: 24, width: 80 },
    });
    assert.deepEqual(p.env, [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=c1host',
      'FOO=exec',
      'TERM=xterm',
      'NEW=1',
    ]);
    assert.equal(p.cwd, '/tmp');
    assert.deepEqual(p.user, { uid: 0, gid: 0, additionalGids: [0] });
    assert.equal(p.terminal, true);
    assert.deepEqual(p.consoleSize, { height: 24, width: 80 });
    assert.deepEqual(spec, before);
  });

  it('gives a privileged exec every capability the daemon holds', () => {
    const held = KNOWN_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE');
    const p = buildExecProcess(containerSpec(), { args: ['sh'], env: [], tty: false, privileged: true, availableCapabilities: held });
    assert.deepEqual(p.capabilities, { bounding: held, effective: held, permitted: held });
  });
});
