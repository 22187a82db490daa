import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { FailedPreconditionError } from '../errors.js';
import { mount, mountAll, mountPointsUnder, unmountTree } from '../host/mount.js';
import { extractTar } from '../archive/tar-extract.js';
import { collect, listTar, makeTar, streamOf } from '../archive/tar-fixtures.js';
import { packDirectory } from '../archive/tar-pack.js';
import { OverlaySnapshotter } from './overlay-snapshotter.js';
import { runSnapshotterSuite } from './testsuite.js';

async function makeRoot(): Promise<string> {
  return fs.promises.mkdtemp(path.join(tmpdir(), 'berth-overlay-'));
}

async function removeRoot(root: string): Promise<void> {
  await unmountTree(root);
  await fs.promises.rm(root, { recursive: true, force: true });
}

runSnapshotterSuite('overlay', async () => {
  const root = await makeRoot();
  const sn = new OverlaySnapshotter(root);
  await sn.init();
  return {
    sn,
    cleanup: () => removeRoot(root),
    reopen: async () => {
      const again = new OverlaySnapshotter(root);
      await again.init();
      return again;
    },
  };
});

async function fresh(t: TestContext): Promise<{ root: string; sn: OverlaySnapshotter }> {
  const root = await makeRoot();
  t.after(() => removeRoot(root));
  const sn = new OverlaySnapshotter(root);
  await sn.init();
  return { root, sn };
}

async function target(t: TestContext): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(tmpdir(), 'berth-overlay-mnt-'));
  t.after(async () => {
    await unmountTree(dir);
    await fs.promises.rm(dir, { recursive: true, force: true });
  });
  return dir;
}

test('hands out a rw bind for a parentless active snapshot and an overlay on top of parents', async (t) => {
  const { root, sn } = await fresh(t);
  const [bind] = await sn.prepare('a');
  assert.deepEqual(bind, { type: 'bind', source: path.join(root, 'snapshots/1/fs'), options: ['rbind', 'rw'] });
  await sn.commit('A', 'a');
  const [ov] = await sn.prepare('b', 'A');
  assert.equal(ov!.type, 'overlay');
  assert.ok(ov!.options.includes(`lowerdir=${path.join(root, 'snapshots/1/fs')}`));
  assert.ok(ov!.options.includes(`upperdir=${path.join(root, 'snapshots/2/fs')}`));
  assert.ok(ov!.options.includes(`workdir=${path.join(root, 'snapshots/2/work')}`));
  const [view] = await sn.view('v', 'A');
  assert.deepEqual(view, { type: 'bind', source: path.join(root, 'snapshots/1/fs'), options: ['rbind', 'ro'] });
});

test('init sweeps directories no record names and metadata temp files, keeping real snapshots', async (t) => {
  const { root, sn } = await fresh(t);
  await sn.prepare('kept');
  fs.writeFileSync(path.join(await sn.upperDir('kept'), 'f'), 'x');
  fs.mkdirSync(path.join(root, 'snapshots/999/fs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'snapshots/999/fs/half-unpacked'), 'x');
  fs.mkdirSync(path.join(root, 'snapshots/new-tmp'));
  fs.writeFileSync(path.join(root, '.tmp-metadata.json-abc123'), '{');

  const again = new OverlaySnapshotter(root);
  await again.init();
  assert.deepEqual(fs.readdirSync(path.join(root, 'snapshots')), ['1']);
  assert.equal(fs.existsSync(path.join(root, '.tmp-metadata.json-abc123')), false);
  assert.equal(fs.readFileSync(path.join(await again.upperDir('kept'), 'f'), 'utf8'), 'x');
});

test('init unmounts a leftover mount inside an orphan directory instead of deleting through it', async (t) => {
  const { root } = await fresh(t);
  const outside = await target(t);
  fs.writeFileSync(path.join(outside, 'precious'), 'must survive');
  const orphanFs = path.join(root, 'snapshots/42/fs');
  fs.mkdirSync(orphanFs, { recursive: true });
  await mount({ type: 'bind', source: outside, options: ['rbind', 'rw'] }, orphanFs);

  const again = new OverlaySnapshotter(root);
  await again.init();
  assert.deepEqual(await mountPointsUnder(root), []);
  assert.equal(fs.existsSync(path.join(root, 'snapshots/42')), false);
  assert.equal(fs.readFileSync(path.join(outside, 'precious'), 'utf8'), 'must survive');
});

test('remove refuses a snapshot whose overlay is still mounted', async (t) => {
  const { sn } = await fresh(t);
  await sn.prepare('a');
  await sn.commit('A', 'a');
  const m = await target(t);
  await mountAll(await sn.prepare('c', 'A'), m);
  await assert.rejects(sn.remove('c'), FailedPreconditionError);
  await unmountTree(m);
  await sn.remove('c');
});

test('mounts a chain whose lowerdir option is longer than a page (relative-path fallback)', async (t) => {
  const { sn } = await fresh(t);
  const layers = 130;
  let parent: string | undefined;
  for (let i = 0; i < layers; i++) {
    const key = `k${i}`;
    await sn.prepare(key, parent);
    fs.writeFileSync(path.join(await sn.upperDir(key), `file-${i}`), String(i));
    await sn.commit(`layer-${i}`, key);
    parent = `layer-${i}`;
  }
  const mounts = await sn.prepare('top', parent);
  assert.ok(mounts[0]!.options.join(',').length > 4096, 'the absolute form would not fit in one page');
  const m = await target(t);
  await mountAll(mounts, m);
  assert.equal(fs.readdirSync(m).length, layers);
  assert.equal(fs.readFileSync(path.join(m, 'file-0'), 'utf8'), '0');
  assert.equal(fs.readFileSync(path.join(m, `file-${layers - 1}`), 'utf8'), String(layers - 1));
});

test('commit flow: a container upper packed with overlay-to-oci and unpacked as a new layer gives the same view', async (t) => {
  const { sn } = await fresh(t);
  await sn.prepare('u1');
  const base = await makeTar([{ name: 'a', content: 'a' }, { name: 'dir/' }, { name: 'dir/x', content: 'x' }, { name: 'dir/y', content: 'y' }]);
  await extractTar(streamOf(base), await sn.upperDir('u1'), { whiteouts: 'overlay', symlinks: 'reject-parents' });
  await sn.commit('L1', 'u1');

  const c = await target(t);
  await mountAll(await sn.prepare('container', 'L1'), c);
  fs.rmSync(path.join(c, 'a'));
  fs.rmSync(path.join(c, 'dir'), { recursive: true });
  fs.mkdirSync(path.join(c, 'dir'));
  fs.writeFileSync(path.join(c, 'dir/z'), 'z');
  fs.writeFileSync(path.join(c, 'new'), 'n');
  await unmountTree(c);

  const tar = await collect(packDirectory(await sn.upperDir('container'), { whiteouts: 'overlay-to-oci' }));
  const names = (await listTar(tar)).map((e) => e.name);
  assert.deepEqual(names, ['.wh.a', 'dir/', 'dir/.wh..wh..opq', 'dir/z', 'new']);

  await sn.prepare('u2', 'L1');
  await extractTar(streamOf(tar), await sn.upperDir('u2'), { whiteouts: 'overlay', symlinks: 'reject-parents' });
  await sn.commit('L2', 'u2');
  const v = await target(t);
  await mountAll(await sn.view('v', 'L2'), v);
  assert.deepEqual(fs.readdirSync(v).sort(), ['dir', 'new']);
  assert.deepEqual(fs.readdirSync(path.join(v, 'dir')), ['z']);
});
