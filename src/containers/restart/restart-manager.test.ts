import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Digest } from '../../content/digest.js';
import type { RestartPolicyWire } from '../../api/types/container-wire.js';
import { initialState, type ContainerId, type ContainerRecord } from '../container.js';
import { RestartManager } from './restart-manager.js';

function rec(policy: RestartPolicyWire, over: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    id: 'c1'.padEnd(64, '0') as ContainerId,
    name: 'c1',
    created: '2024-01-01T00:00:00Z',
    image: 'busybox',
    imageId: 'sha256:busybox' as Digest,
    path: 'true',
    args: [],
    config: {},
    hostConfig: { RestartPolicy: policy },
    state: initialState(),
    snapshotKey: '',
    restartCount: 0,
    hasBeenManuallyStopped: false,
    ...over,
  };
}

/** An exit after a run of `ranMs`. */
const exit = (exitCode: number, ranMs = 50) => ({ exitCode, startedAt: '2024-01-01T00:00:00.000Z', finishedAt: new Date(Date.parse('2024-01-01T00:00:00.000Z') + ranMs).toISOString() });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RestartManager', () => {
  it('decides by policy and backs off: at once, then 100 ms, 200 ms', () => {
    const m = new RestartManager();
    const c = rec({ Name: 'always' });
    assert.deepEqual([m.decide(c, exit(0)), m.decide(c, exit(1)), m.decide(c, exit(1))], [0, 100, 200]);
    assert.equal(m.decide(rec({ Name: 'no' }), exit(1)), undefined);
  });

  it('stops on-failure at its maximum, counted on the record', () => {
    const m = new RestartManager();
    const c = rec({ Name: 'on-failure', MaximumRetryCount: 2 });
    assert.notEqual(m.decide(c, exit(1)), undefined);
    c.restartCount = 2;
    assert.equal(m.decide(c, exit(1)), undefined);
    assert.equal(m.decide(rec({ Name: 'on-failure' }), exit(0)), undefined);
  });

  it('runs the start once the delay has passed', async () => {
    const m = new RestartManager();
    let started = 0;
    m.schedule('a', 20, async () => void started++);
    assert.equal(m.pending('a'), true);
    await tick(5);
    assert.equal(started, 0);
    await tick(40);
    assert.equal(started, 1);
    assert.equal(m.pending('a'), false);
  });

  it('a cancel drops the waiting start and refuses later restarts until a reset', async () => {
    const m = new RestartManager();
    const c = rec({ Name: 'always' });
    let started = 0;
    m.schedule(c.id, 10, async () => void started++);
    assert.equal(m.cancel(c.id), true);
    await tick(30);
    assert.equal(started, 0);
    assert.equal(m.decide(c, exit(1)), undefined);
    m.schedule(c.id, 0, async () => void started++);
    await tick(5);
    assert.equal(started, 0);
    m.reset(c.id);
    assert.equal(m.cancelled(c.id), false);
    assert.equal(m.decide(c, exit(1)), 0);
  });

  it('close clears every timer and refuses new ones', async () => {
    const m = new RestartManager();
    let started = 0;
    m.schedule('a', 10, async () => void started++);
    m.schedule('b', 0, async () => void started++);
    m.close();
    m.schedule('c', 0, async () => void started++);
    await tick(30);
    assert.equal(started, 0);
    assert.equal(m.decide(rec({ Name: 'always' }), exit(1)), undefined);
  });

  it('a failing start does not escape as an unhandled rejection', async () => {
    const m = new RestartManager();
    m.schedule('a', 0, async () => {
      throw new Error('no such image');
    });
    await tick(10);
  });
});
