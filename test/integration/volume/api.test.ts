/**
 * The volume endpoints and container mount fields on the wire, where a CLI
 * would hide the details: status codes, JSON shapes, old API versions, and
 * request bodies no CLI sends.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

describe('volume API', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemonWithBusybox();
  });
  after(async () => {
    await d?.cleanup();
  });

  it('creates idempotently, lists, inspects and deletes with Docker\'s statuses and shapes', async () => {
    const first = await d.api('POST', '/v1.45/volumes/create', { Name: 'api1', Labels: { a: 'b' } });
    assert.equal(first.status, 201, first.text);
    const again = await d.api('POST', '/v1.45/volumes/create', { Name: 'api1', Labels: { a: 'other' } });
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.deepEqual(Object.keys(first.body as object), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    const list = await d.api('GET', '/volumes');
    assert.deepEqual(list.body, { Volumes: [first.body], Warnings: [] });
    assert.deepEqual((await d.api('GET', '/volumes/api1')).body, first.body);
    const filtered = await d.api('GET', `/volumes?filters=${encodeURIComponent(JSON.stringify({ label: { 'a=b': true } }))}`);
    assert.equal((filtered.body as { Volumes: unknown[] }).Volumes.length, 1);
    assert.equal((await d.api('GET', `/volumes?filters=${encodeURIComponent('{"bogus":["x"]}')}`)).status, 400);
    assert.equal((await d.api('DELETE', '/volumes/api1')).status, 204);
    const gone = await d.api('GET', '/volumes/api1');
    assert.deepEqual([gone.status, gone.body], [404, { message: 'get api1: no such volume' }]);
    assert.equal((await d.api('DELETE', '/volumes/api1?force=1')).status, 204);
  });

  it('refuses bad bodies and names with 400 and makes nothing', async () => {
    for (const body of [{ Name: '../../etc' }, { Name: 'a/b' }, { Name: 'ok1', Labels: ['x'] }, { Name: 'ok2', DriverOpts: { type: 'tmpfs' } }, { Name: 7 }]) {
      const r = await d.api('POST', '/volumes/create', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    }
    assert.equal((await d.api('POST', '/volumes/create', { Name: 'ok3', Driver: 'nfs' })).status, 404);
    assert.equal((await d.api('GET', '/volumes/..')).status, 404);
    assert.deepEqual(readdirSync(path.join(d.dataRoot, 'volumes')), []);
  });

  it('answers 409 for a volume in use, and prunes named volumes only for old clients or all=true', async () => {
    const c = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Binds: ['held:/h'] } });
    assert.equal(c.status, 201, c.text);
    const id = (c.body as { Id: string }).Id;
    const busy = await d.api('DELETE', '/volumes/held');
    assert.deepEqual([busy.status, busy.body], [409, { message: `remove held: volume is in use - [${id}]` }]);
    await d.api('POST', '/volumes/create', { Name: 'loose' });
    assert.deepEqual((await d.api('POST', '/v1.45/volumes/prune')).body, { VolumesDeleted: [], SpaceReclaimed: 0 });
    assert.deepEqual((await d.api('POST', '/v1.41/volumes/prune')).body, { VolumesDeleted: ['loose'], SpaceReclaimed: 0 });
    await d.api('POST', '/volumes/create', { Name: 'loose2' });
    const all = await d.api('POST', `/volumes/prune?filters=${encodeURIComponent('{"all":["true"]}')}`);
    assert.deepEqual(all.body, { VolumesDeleted: ['loose2'], SpaceReclaimed: 0 });
    assert.equal((await d.api('DELETE', `/containers/${id}?v=1`)).status, 204);
    assert.equal((await d.api('GET', '/volumes/held')).status, 200, 'rm -v keeps named volumes');
    assert.equal((await d.api('DELETE', '/volumes/held')).status, 204);
  });

  it('takes HostConfig.Mounts, VolumesFrom and Binds from the API as Docker does', async () => {
    const host = path.join(d.dir, 'created-by-mount');
    const mk = await d.api('POST', '/containers/create?name=m1', {
      Image: 'busybox',
      Cmd: ['sh', '-c', 'echo hi > /c/f'],
      HostConfig: {
        Mounts: [
          { Type: 'bind', Source: host, Target: '/c', BindOptions: { CreateMountpoint: true } },
          { Type: 'volume', Target: '/anon', VolumeOptions: { Labels: { from: 'mounts' } } },
        ],
      },
    });
    assert.equal(mk.status, 201, mk.text);
    assert.equal((await d.api('POST', '/containers/m1/start')).status, 204);
    assert.deepEqual((await d.api('POST', '/containers/m1/wait')).body, { StatusCode: 0, Error: null });
    assert.ok(existsSync(path.join(host, 'f')));
    const mounts = ((await d.api('GET', '/containers/m1/json')).body as { Mounts: Array<{ Name?: string; Destination: string }> }).Mounts;
    const anon = mounts.find((m) => m.Destination === '/anon')!.Name!;
    const vol = (await d.api('GET', `/volumes/${anon}`)).body as { Labels: Record<string, string> };
    assert.deepEqual(vol.Labels, { from: 'mounts', 'com.docker.volume.anonymous': '' });

    const bad = [
      { Binds: ['../x:/y'] },
      { Binds: ['./x:/y'] },
      { VolumesFrom: ['m1:rshared'] },
      { Mounts: [{ Type: 'volume', Target: '/' }] },
      { Binds: ['v:/x'], Tmpfs: { '/x': '' } },
      { VolumeDriver: 'nfs', Binds: ['v:/x'] },
    ];
    for (const h of bad) {
      const r = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: h });
      assert.ok(r.status === 400 || r.status === 404, `${JSON.stringify(h)}: ${r.status} ${r.text}`);
    }
    assert.equal((await d.api('GET', '/volumes/v')).status, 404);
    assert.equal((await d.api('DELETE', '/containers/m1?v=1')).status, 204);
    assert.equal((await d.api('GET', `/volumes/${anon}`)).status, 404);
  });
});
