import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError } from '../errors.js';
import { planMounts } from './mount-plan.js';
import type { MountPoint } from './volume.js';

const DATA: MountPoint[] = [
  { type: 'volume', name: 'shared', source: '/v/shared/_data', destination: '/data', driver: 'local', mode: 'z', rw: true, propagation: '', copyData: true },
  { type: 'bind', source: '/host/logs', destination: '/logs', mode: '', rw: true, propagation: 'rprivate', createSource: true },
  { type: 'tmpfs', source: '', destination: '/scratch', mode: '', rw: true, propagation: '', tmpfsData: '' },
];

const lookup = (ref: string) => {
  if (ref !== 'store') throw new NotFoundError(`No such container: ${ref}`);
  return { id: 'c'.repeat(64), mounts: DATA };
};

describe('planMounts', () => {
  it('takes volumes and binds (not tmpfs) from --volumes-from, read-only with :ro, never copying again', () => {
    const plan = planMounts({ volumesFrom: ['store:ro'], lookup });
    assert.deepEqual(plan.map((p) => [p.point.destination, p.point.rw, p.point.mode, p.point.copyData, p.shared]), [
      ['/data', false, '', false, true],
      ['/logs', false, '', false, true],
    ]);
  });

  it('lets -v replace a --volumes-from mount at the same path', () => {
    const plan = planMounts({ volumesFrom: ['store'], binds: ['mine:/data'], lookup });
    const data = plan.find((p) => p.point.destination === '/data')!;
    assert.equal(data.point.name, 'mine');
    assert.equal(data.shared, undefined);
  });

  it('adds an anonymous volume for each Config.Volumes path nothing else mounts', () => {
    const plan = planMounts({ binds: ['named:/a'], tmpfs: ['/t'], configVolumes: ['/a', '/b/', '/t'], lookup });
    assert.deepEqual(plan.map((p) => [p.point.destination, p.point.name, p.point.mode]), [
      ['/a', 'named', 'z'],
      ['/b', '', ''],
    ]);
  });

  it('refuses the same destination twice among binds, mounts and tmpfs', () => {
    assert.throws(() => planMounts({ binds: ['a:/x', 'b:/x/'], lookup }), { message: 'Duplicate mount point: /x' });
    assert.throws(() => planMounts({ binds: ['a:/x'], mounts: [{ Type: 'volume', Source: 'b', Target: '/x' }], lookup }), { message: 'Duplicate mount point: /x' });
    assert.throws(() => planMounts({ binds: ['/h:/x'], tmpfs: ['/x'], lookup }), { message: 'Duplicate mount point: /x' });
  });

  it('answers an unknown --volumes-from container as a bad request', () => {
    assert.throws(() => planMounts({ volumesFrom: ['ghost'], lookup }), (err: Error) => err.constructor.name === 'InvalidArgumentError' && err.message === 'No such container: ghost');
  });

  it('uses HostConfig.VolumeDriver for -v and image volumes', () => {
    const plan = planMounts({ binds: ['v:/a'], configVolumes: ['/b'], volumeDriver: 'nfsplugin', lookup });
    assert.deepEqual(plan.map((p) => p.volume?.driver), ['nfsplugin', 'nfsplugin']);
  });

  it('refuses a relative image volume path', () => {
    assert.throws(() => planMounts({ configVolumes: ['data'], lookup }), { message: /invalid mount path: 'data' mount path must be absolute/ });
  });
});
