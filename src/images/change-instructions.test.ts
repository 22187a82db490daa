import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { applyChanges, exposedPorts } from './change-instructions.js';

const base = { Env: ['PATH=/bin', 'HOME=/root'], Cmd: ['sh'], WorkingDir: '/srv' };

describe('applyChanges', () => {
  it('sets CMD from the JSON form and the shell form', () => {
    assert.deepEqual(applyChanges(base, ['CMD ["/bin/sh","-c","echo imported"]']).Cmd, ['/bin/sh', '-c', 'echo imported']);
    assert.deepEqual(applyChanges(base, ['CMD echo "hi there"']).Cmd, ['/bin/sh', '-c', 'echo "hi there"']);
  });

  it('uses the config Shell for the shell form', () => {
    assert.deepEqual(applyChanges({ ...base, Shell: ['/bin/bash', '-ec'] }, ['cmd ls']).Cmd, ['/bin/bash', '-ec', 'ls']);
  });

  it('falls back to the shell form when the JSON does not parse', () => {
    assert.deepEqual(applyChanges(base, ['CMD [oops']).Cmd, ['/bin/sh', '-c', '[oops']);
  });

  it('drops an inherited CMD on ENTRYPOINT but keeps one set earlier in the changes', () => {
    assert.equal(applyChanges(base, ['ENTRYPOINT ["/bin/tini"]']).Cmd, null);
    const c = applyChanges(base, ['CMD ["run"]', 'ENTRYPOINT ["/bin/tini","--"]']);
    assert.deepEqual(c.Cmd, ['run']);
    assert.deepEqual(c.Entrypoint, ['/bin/tini', '--']);
  });

  it('adds and replaces ENV, expanding variables from the previous env', () => {
    const c = applyChanges(base, ['ENV X=1 HOME=/home/u', 'ENV P=$PATH:/opt Q="a b" R=${X:-none}']);
    assert.deepEqual(c.Env, ['PATH=/bin', 'HOME=/home/u', 'X=1', 'P=/bin:/opt', 'Q=a b', 'R=1']);
  });

  it('accepts the legacy ENV name value form', () => {
    assert.deepEqual(applyChanges({}, ['ENV GREETING hello big world']).Env, ['GREETING=hello big world']);
  });

  it('does not modify the input config', () => {
    const input = { Env: ['A=1'] };
    applyChanges(input, ['ENV A=2']);
    assert.deepEqual(input.Env, ['A=1']);
  });

  it('merges LABELs with quotes and escapes', () => {
    const c = applyChanges({ Labels: { a: '1' } }, ['LABEL b="two words" c=three\\ x', "LABEL 'd'='$HOME'"]);
    assert.deepEqual(c.Labels, { a: '1', b: 'two words', c: 'three x', d: '$HOME' });
  });

  it('expands EXPOSE ports, ranges and protocols', () => {
    const c = applyChanges({}, ['EXPOSE 80 53/udp 8000-8001']);
    assert.deepEqual(Object.keys(c.ExposedPorts!).sort(), ['53/udp', '80/tcp', '8000/tcp', '8001/tcp']);
  });

  it('resolves a relative WORKDIR against the current one', () => {
    assert.equal(applyChanges(base, ['WORKDIR app']).WorkingDir, '/srv/app');
    assert.equal(applyChanges(base, ['WORKDIR /data/../opt']).WorkingDir, '/opt');
  });

  it('sets USER, STOPSIGNAL and VOLUME in both forms', () => {
    const c = applyChanges({}, ['USER nobody:nogroup', 'STOPSIGNAL SIGINT', 'VOLUME /data /logs', 'VOLUME ["/cache"]']);
    assert.equal(c.User, 'nobody:nogroup');
    assert.equal(c.StopSignal, 'SIGINT');
    assert.deepEqual(Object.keys(c.Volumes!).sort(), ['/cache', '/data', '/logs']);
  });

  it('parses HEALTHCHECK flags and command forms', () => {
    const c = applyChanges({}, ['HEALTHCHECK --interval=5s --timeout=1m30s --retries=3 CMD curl -f http://localhost/']);
    assert.deepEqual(c.Healthcheck, { Interval: 5e9, Timeout: 90e9, Retries: 3, Test: ['CMD-SHELL', 'curl -f http://localhost/'] });
    assert.deepEqual(applyChanges({}, ['HEALTHCHECK CMD ["true"]']).Healthcheck, { Test: ['CMD', 'true'] });
    assert.deepEqual(applyChanges({}, ['HEALTHCHECK NONE']).Healthcheck, { Test: ['NONE'] });
  });

  it('appends ONBUILD triggers and refuses chaining', () => {
    assert.deepEqual(applyChanges({}, ['ONBUILD RUN echo hi']).OnBuild, ['RUN echo hi']);
    assert.throws(() => applyChanges({}, ['ONBUILD ONBUILD RUN x']), /ONBUILD/);
    assert.throws(() => applyChanges({}, ['ONBUILD FROM busybox']), /FROM isn't allowed/);
  });

  it('rejects instructions that are not config changes, naming them', () => {
    assert.throws(() => applyChanges({}, ['RUN echo hi']), (err: unknown) => err instanceof InvalidArgumentError && err.message === 'run is not a valid change command');
    assert.throws(() => applyChanges({}, ['FROM busybox']), /from is not a valid change command/);
  });

  it('names the instruction in argument errors', () => {
    assert.throws(() => applyChanges({}, ['EXPOSE http']), /^InvalidArgumentError: EXPOSE: invalid port: http$/);
    assert.throws(() => applyChanges({}, ['STOPSIGNAL SIGNOPE']), /STOPSIGNAL: invalid signal/);
    assert.throws(() => applyChanges({}, ['USER']), /USER requires exactly one argument/);
    assert.throws(() => applyChanges({}, ['ENV A=1 B']), /ENV: syntax error/);
    // A bare CMD is Docker's `sh -c ""` (its parser accepts it), not an error.
    assert.deepEqual(applyChanges({}, ['CMD']).Cmd, ['/bin/sh', '-c', '']);
    assert.throws(() => applyChanges({}, ['HEALTHCHECK --interval=1us CMD true']), /HEALTHCHECK:? --interval cannot be less than 1ms/);
    assert.throws(() => applyChanges({}, ['HEALTHCHECK --bogus=1 CMD true']), /HEALTHCHECK:? unknown flag/);
    assert.throws(() => applyChanges({}, ['VOLUME [""]']), /VOLUME specified can not be an empty string/);
    assert.throws(() => applyChanges({}, ['LABEL a="unterminated']), /matching double-quote/);
  });

  it('ignores blank and comment lines and joins continuations', () => {
    const c = applyChanges({}, ['', '# comment', 'ENV A=1 \\', 'B=2']);
    assert.deepEqual(c.Env, ['A=1', 'B=2']);
  });
});

describe('exposedPorts', () => {
  it('rejects an inverted range and a bad protocol', () => {
    assert.throws(() => exposedPorts('90-80'), /invalid port range/);
    assert.throws(() => exposedPorts('80/icmp'), /invalid port/);
  });
});
