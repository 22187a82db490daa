import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { mergeEnv, resolveCreate } from './create-request.js';

const IMAGE = { Env: ['PATH=/bin', 'LANG=C'], Cmd: ['sh'] };

describe('create request', () => {
  it("puts the request's env first and keeps image variables it does not set", () => {
    assert.deepEqual(mergeEnv(['PATH=/bin', 'LANG=C'], ['FOO=1', 'LANG=en']), ['FOO=1', 'LANG=en', 'PATH=/bin']);
    assert.deepEqual(mergeEnv(['PATH=/bin'], []), ['PATH=/bin']);
    assert.deepEqual(mergeEnv(['PATH=/bin'], ['BARE']), ['PATH=/bin']);
  });

  it("merges Entrypoint and Cmd with the image's as Docker does", () => {
    const image = { Entrypoint: ['/entry'], Cmd: ['default'] };
    const run = (body: object) => {
      const r = resolveCreate({ Image: 'x', ...body }, image);
      return [r.path, ...r.args];
    };
    assert.deepEqual(run({}), ['/entry', 'default']);
    assert.deepEqual(run({ Cmd: ['mine'] }), ['/entry', 'mine']);
    assert.deepEqual(run({ Cmd: [] }), ['/entry', 'default']);
    assert.deepEqual(run({ Entrypoint: ['echo'] }), ['echo']);
    assert.deepEqual(run({ Entrypoint: [] }), ['default']);
    assert.deepEqual(run({ Entrypoint: [''], Cmd: ['ls'] }), ['ls']);
    assert.throws(() => run({ Entrypoint: [''] }), /no command specified/);
  });

  it('stores the defaults Docker stores', () => {
    const r = resolveCreate({ Image: 'x', HostConfig: { PidsLimit: 0, Tmpfs: {} }, Volumes: {}, WorkingDir: '/a/./b/../c/' }, IMAGE);
    assert.deepEqual(r.hostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
    assert.equal(r.hostConfig.PidsLimit, null);
    assert.deepEqual(r.hostConfig.LogConfig, { Type: 'json-file', Config: {} });
    assert.equal(r.hostConfig.NetworkMode, 'bridge');
    assert.equal(r.config.Volumes, null);
    assert.equal(r.config.ExposedPorts, undefined);
    assert.equal(r.config.WorkingDir, '/a/c');
  });

  it("rejects bad restart policies with Docker's messages", () => {
    const create = (Name: string, MaximumRetryCount = 0) =>
      resolveCreate({ Image: 'x', HostConfig: { RestartPolicy: { Name: Name as 'no', MaximumRetryCount } } }, IMAGE);
    assert.throws(() => create('bogus'), {
      message: "invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
    });
    assert.throws(() => create('always', 3), { message: "invalid restart policy: maximum retry count can only be used with 'on-failure'" });
    assert.throws(() => create('no', -1), /can only be used with 'on-failure' and cannot be negative$/);
    assert.throws(() => create('on-failure', -1), { message: 'invalid restart policy: maximum retry count cannot be negative' });
    assert.doesNotThrow(() => create('on-failure', 5));
  });

  it('rejects an unknown stop signal and a relative working dir', () => {
    assert.throws(() => resolveCreate({ Image: 'x', StopSignal: 'SIGFOO' }, IMAGE), (err: unknown) => err instanceof InvalidArgumentError && err.message === 'invalid signal: SIGFOO');
    assert.throws(() => resolveCreate({ Image: 'x', WorkingDir: 'rel' }, IMAGE), /the working directory 'rel' is invalid, it needs to be an absolute path/);
  });
});
