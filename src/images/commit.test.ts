import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './change-instructions.js';
import { imageFields, mergeWithContainer } from './commit.js';

const container = imageFields({
  Hostname: 'abc',
  Tty: true,
  Env: ['PATH=/bin', 'A=1'],
  Cmd: ['sh', '-c', 'work'],
  Entrypoint: null,
  Labels: { team: 'x' },
  ExposedPorts: { '80/tcp': {} },
  WorkingDir: '/srv',
  Volumes: {},
  StopSignal: 'SIGTERM',
});

describe('commit config', () => {
  it('keeps only the image-config fields of a container config', () => {
    assert.deepEqual(container, {
      Env: ['PATH=/bin', 'A=1'],
      Cmd: ['sh', '-c', 'work'],
      Entrypoint: null,
      Labels: { team: 'x' },
      ExposedPorts: { '80/tcp': {} },
      WorkingDir: '/srv',
      StopSignal: 'SIGTERM',
    });
  });

  it('applies --change on top of the container config', () => {
    const c = mergeWithContainer(applyChanges(container, ['ENV X=1', 'EXPOSE 443']), container);
    assert.deepEqual(c.Env, ['PATH=/bin', 'A=1', 'X=1']);
    assert.deepEqual(Object.keys(c.ExposedPorts!).sort(), ['443/tcp', '80/tcp']);
    assert.deepEqual(c.Cmd, ['sh', '-c', 'work']);
  });

  it("fills what a request Config leaves empty from the container's, as Docker's merge does", () => {
    const c = mergeWithContainer({ Env: ['A=2', 'B=3'], Labels: { own: 'y' } }, container);
    assert.deepEqual(c.Env, ['A=2', 'B=3', 'PATH=/bin']);
    assert.deepEqual(c.Labels, { team: 'x', own: 'y' });
    assert.deepEqual(c.Cmd, ['sh', '-c', 'work']);
    assert.equal(c.WorkingDir, '/srv');
    assert.equal(c.StopSignal, 'SIGTERM');
  });

  it('keeps a Cmd cleared by an ENTRYPOINT change cleared', () => {
    const c = mergeWithContainer(applyChanges(container, ['ENTRYPOINT ["/bin/echo"]']), container);
    assert.deepEqual(c.Entrypoint, ['/bin/echo']);
    assert.equal(c.Cmd, null);
  });

  it('fills unset healthcheck fields from the container', () => {
    const withHc = { ...container, Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, Retries: 3 } };
    const c = mergeWithContainer(applyChanges(withHc, ['HEALTHCHECK --timeout=2s CMD false']), withHc);
    assert.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'false'], Interval: 5e9, Retries: 3, Timeout: 2e9 });
  });
});
