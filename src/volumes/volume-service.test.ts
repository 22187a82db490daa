import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { isMountPoint } from '../host/mount.js';
import { VolumeService } from './volume-service.js';
import { ANONYMOUS_LABEL } from './volume.js';

async function service(t: { after(fn: () => void): void }): Promise<VolumeService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bt-vols-'));
  t.after(() => {
    spawnSync('umount', ['-R', '-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  const s = new VolumeService(path.join(dir, 'volumes'));
  await s.init();
  return s;
}

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

describe('VolumeService', () => {
  it('returns the existing volume when a name is created twice', async (t) => {
    const s = await service(t);
    const first = await s.create({ name: 'data', labels: { v: '1' } });
    const second = await s.create({ name: 'data', labels: { v: '2' } });
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.deepEqual(second.volume.labels, { v: '1' });
  });

  it('names an anonymous volume with 64 hex digits and labels it', async (t) => {
    const s = await service(t);
    const { volume } = await s.create({});
    assert.match(volume.name, /^[0-9a-f]{64}$/);
    assert.deepEqual(volume.labels, { [ANONYMOUS_LABEL]: '' });
  });

  it('refuses other drivers, bad names and bad options before making anything', async (t) => {
    const s = await service(t);
    await assert.rejects(s.create({ name: 'x1', driver: 'nfs' }), { message: 'create x1: error looking up volume plugin nfs: plugin "nfs" not found' });
    await assert.rejects(s.create({ name: '../../etc' }), { message: /includes invalid characters for a local volume name/ });
    await assert.rejects(s.create({ name: 'x2', driverOpts: { type: 'tmpfs' } }), { message: 'create x2: missing required option: "device"' });
    assert.deepEqual(s.list(), []);
  });

  it('refuses to remove a volume in use, naming its users, even with force', async (t) => {
    const s = await service(t);
    await s.create({ name: 'shared', ref: ID_A });
    await s.reference('shared', ID_B);
    await assert.rejects(s.remove('shared'), (err: Error) => err.message === `remove shared: volume is in use - [${ID_A}, ${ID_B}]` && err.constructor.name === 'ConflictError');
    await assert.rejects(s.remove('shared', { force: true }), /volume is in use/);
    s.release('shared', ID_A);
    s.release('shared', ID_B);
    await s.remove('shared');
    await assert.rejects(s.remove('shared'), { message: 'get shared: no such volume' });
    await s.remove('shared', { force: true });
  });

  it('prunes unused anonymous volumes and reports the space', async (t) => {
    const s = await service(t);
    const anon = (await s.create({})).volume.name;
    const used = (await s.create({ ref: ID_A })).volume.name;
    await s.create({ name: 'named' });
    writeFileSync(path.join(s.mountpoint(anon), 'f'), 'x'.repeat(1000));
    const report = await s.prune();
    assert.deepEqual(report, { deleted: [anon], reclaimed: 1000 });
    assert.deepEqual(s.list().map((v) => v.name).sort(), [used, 'named'].sort());
  });

  it('mounts a tmpfs volume for its first user and unmounts it after the last', async (t) => {
    const s = await service(t);
    await s.create({ name: 'scratch', driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } });
    const data = await s.activate('scratch', ID_A);
    assert.ok(await isMountPoint(data));
    writeFileSync(path.join(data, 'f'), 'in tmpfs');
    await s.activate('scratch', ID_B);
    await s.deactivate('scratch', ID_A);
    assert.equal(readFileSync(path.join(data, 'f'), 'utf8'), 'in tmpfs');
    await s.deactivate('scratch', ID_B);
    assert.equal(await isMountPoint(data), false);
  });

  it('after a restart, keeps the mount of a volume a running container uses and drops a stale one', async (t) => {
    const s = await service(t);
    const opts = { type: 'tmpfs', device: 'tmpfs' };
    await s.create({ name: 'live', driverOpts: opts, ref: ID_A });
    await s.create({ name: 'stale', driverOpts: opts });
    await s.activate('live', ID_A);
    await s.activate('stale', ID_B);

    const again = new VolumeService(s.root);
    await again.init();
    await again.restore([{ ref: ID_A, volumes: ['live'], running: true }]);
    assert.ok(await isMountPoint(again.mountpoint('live')));
    assert.equal(await isMountPoint(again.mountpoint('stale')), false);
    assert.deepEqual(again.refs('live'), [ID_A]);
    await again.deactivate('live', ID_A);
    assert.equal(await isMountPoint(again.mountpoint('live')), false);
  });

  it('reports size and references of plain local volumes for system df', async (t) => {
    const s = await service(t);
    await s.create({ name: 'big', ref: ID_A });
    await s.create({ name: 'mem', driverOpts: { type: 'tmpfs', device: 'tmpfs' } });
    writeFileSync(path.join(s.mountpoint('big'), 'f'), 'x'.repeat(2048));
    const usage = await s.diskUsage();
    assert.deepEqual(usage.map((u) => [u.volume.name, u.size, u.refCount]), [['big', 2048, 1]]);
  });
});
