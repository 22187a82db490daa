/**
 * After `kill -9 berthd`, the next start removes what an interrupted
 * operation left (a partial upload, a half-made container, half-unpacked
 * layers, temp files of atomic writes) and keeps everything that was whole.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OverlaySnapshotter } from '../../../src/snapshots/overlay-snapshotter.js';
import { startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

describe('crash recovery', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemonWithBusybox();
  });
  after(async () => {
    await d?.cleanup();
  });

  it('sweeps leftovers of interrupted work and keeps whole state', async () => {
    const created = await d.api('POST', '/containers/create?name=keep', { Image: 'busybox', Cmd: ['echo', 'still here'] });
    assert.equal(created.status, 201, created.text);
    const keepId = (created.body as { Id: string }).Id;
    await d.stop('SIGKILL');

    // What a crash mid-way leaves behind.
    const ingest = path.join(d.dataRoot, 'content', 'ingest', 'partial-upload');
    writeFileSync(ingest, 'half a layer');
    const halfCreated = path.join(d.dataRoot, 'containers', 'f'.repeat(64));
    mkdirSync(halfCreated);
    writeFileSync(path.join(halfCreated, 'hostname'), 'x\n');
    const tornWrite = path.join(d.dataRoot, 'containers', keepId, '.tmp-config.json-0123456789ab');
    writeFileSync(tornWrite, '{"half":');
    const sn = new OverlaySnapshotter(path.join(d.dataRoot, 'snapshots'));
    await sn.init();
    const busyboxChain = (await sn.walk()).find((s) => s.kind === 'committed')!.name;
    await sn.prepare('extract-deadbeefdeadbeef', busyboxChain);
    await sn.prepare(`container-${'e'.repeat(64)}`, busyboxChain);

    await d.start();
    assert.deepEqual(readdirSync(path.dirname(ingest)), []);
    assert.equal(existsSync(halfCreated), false);
    assert.equal(existsSync(tornWrite), false);
    // A fresh reader: the daemon rewrote the metadata this instance cached.
    const reread = new OverlaySnapshotter(path.join(d.dataRoot, 'snapshots'));
    await reread.init();
    const names = (await reread.walk()).map((s) => s.name);
    assert.ok(!names.includes('extract-deadbeefdeadbeef'), names.join(' '));
    assert.ok(!names.includes(`container-${'e'.repeat(64)}`), names.join(' '));
    assert.ok(names.includes(`container-${keepId}`));

    // The whole container survived and runs.
    const list = (await d.api('GET', '/containers/json?all=1')).body as Array<{ Names: string[] }>;
    assert.deepEqual(list.map((c) => c.Names[0]), ['/keep']);
    assert.equal((await d.api('POST', '/containers/keep/start')).status, 204);
    assert.deepEqual((await d.api('POST', '/containers/keep/wait')).body, { StatusCode: 0, Error: null });
    const logs = await d.api('GET', '/containers/keep/logs?stdout=1');
    assert.match(logs.text, /still here/);
  });
});
