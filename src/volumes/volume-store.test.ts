import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { LocalVolumeStore } from './volume-store.js';

function tempRoot(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bt-vol-'));
  t.after(() => {
    spawnSync('umount', ['-R', '-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return path.join(dir, 'volumes');
}

describe('LocalVolumeStore', () => {
  it('creates a volume whole: record and an empty 0755 _data, and finds it again after a restart', async (t) => {
    const root = tempRoot(t);
    const store = new LocalVolumeStore(root);
    await store.init();
    const v = await store.create({ name: 'web', driver: 'local', labels: { a: 'b' }, options: null });
    assert.match(v.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.equal(statSync(store.dataPath('web')).mode & 0o7777, 0o755);
    assert.deepEqual(readdirSync(store.dataPath('web')), []);
    assert.deepEqual(readdirSync(root), ['web']);

    const again = new LocalVolumeStore(root);
    await again.init();
    assert.deepEqual(again.get('web'), v);
  });

  it('refuses names that would leave the volumes directory', async (t) => {
    const store = new LocalVolumeStore(tempRoot(t));
    await store.init();
    for (const name of ['../escape', 'a/b', '..', '.hidden', 'x']) {
      await assert.rejects(store.create({ name, driver: 'local', labels: null, options: null }), /create /);
    }
    assert.deepEqual(readdirSync(store.root), []);
  });

  it('sweeps what a crash left, and adopts a bare data directory as a plain volume', async (t) => {
    const root = tempRoot(t);
    const store = new LocalVolumeStore(root);
    await store.init();
    await store.create({ name: 'keep', driver: 'local', labels: null, options: null });
    mkdirSync(path.join(root, '.tmp-vol-half', '_data'), { recursive: true });
    mkdirSync(path.join(root, 'legacy', '_data'), { recursive: true });
    writeFileSync(path.join(root, 'legacy', '_data', 'f'), 'x');
    writeFileSync(path.join(root, 'keep', '.tmp-volume.json-abc'), '{"torn":');

    const again = new LocalVolumeStore(root);
    await again.init();
    assert.deepEqual(readdirSync(root).sort(), ['keep', 'legacy']);
    assert.deepEqual(readdirSync(path.join(root, 'keep')).sort(), ['_data', 'volume.json']);
    assert.deepEqual(again.get('legacy')?.labels, null);
    assert.deepEqual(again.list().map((v) => v.name).sort(), ['keep', 'legacy']);
  });

  it('removes a volume and its data, but never through a mount', async (t) => {
    const root = tempRoot(t);
    const store = new LocalVolumeStore(root);
    await store.init();
    await store.create({ name: 'busy', driver: 'local', labels: null, options: null });
    writeFileSync(path.join(store.dataPath('busy'), 'f'), 'data');
    const host = mkdtempSync(path.join(os.tmpdir(), 'bt-host-'));
    t.after(() => rmSync(host, { recursive: true, force: true }));
    writeFileSync(path.join(host, 'precious'), 'keep me');
    assert.equal(spawnSync('mount', ['--bind', host, store.dataPath('busy')]).status, 0);

    await assert.rejects(store.remove('busy'), /still mounted/);
    assert.ok(existsSync(path.join(host, 'precious')));

    assert.equal(spawnSync('umount', [store.dataPath('busy')]).status, 0);
    await store.remove('busy');
    assert.equal(store.get('busy'), undefined);
    assert.deepEqual(readdirSync(root), []);
    assert.ok(existsSync(path.join(host, 'precious')));
  });
});
