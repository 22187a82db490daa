/**
 * The conformance suite every Snapshotter implementation runs (containerd's
 * core/snapshots/testsuite): real mounts, real files, one fresh snapshotter
 * per test. An implementation's test file calls
 *
 *   runSnapshotterSuite('overlay', async () => ({ sn, cleanup, reopen }))
 *
 * `cleanup` must undo everything make() did; mounts the suite makes are
 * unmounted by the suite before it. `reopen`, when given, builds a second
 * instance over the same state (a daemon restart).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { mountAll, unmountTree } from '../host/mount.js';
import type { Mount, Snapshotter } from './types.js';

export interface SnapshotterFixture {
  sn: Snapshotter;
  cleanup(): Promise<void>;
  reopen?(): Promise<Snapshotter>;
}

interface Harness {
  sn: Snapshotter;
  fixture: SnapshotterFixture;
  /** Mounts at a fresh temp dir; unmounted and removed after the test. */
  mountAt(mounts: Mount[]): Promise<string>;
  unmount(target: string): Promise<void>;
  /** prepare → write files through the mount → commit. */
  layer(name: string, parent: string | undefined, files: Record<string, string>, remove?: string[]): Promise<void>;
}

async function harness(t: TestContext, make: () => Promise<SnapshotterFixture>): Promise<Harness> {
  const fixture = await make();
  const targets: string[] = [];
  t.after(async () => {
    for (const target of targets.reverse()) {
      await unmountTree(target);
      await fs.promises.rm(target, { recursive: true, force: true });
    }
    await fixture.cleanup();
  });
  const h: Harness = {
    sn: fixture.sn,
    fixture,
    async mountAt(mounts) {
      const target = await fs.promises.mkdtemp(path.join(tmpdir(), 'berth-snap-mnt-'));
      targets.push(target);
      await mountAll(mounts, target);
      return target;
    },
    async unmount(target) {
      await unmountTree(target);
    },
    async layer(name, parent, files, remove = []) {
      const key = `${name}-active`;
      const target = await h.mountAt(await h.sn.prepare(key, parent));
      for (const [rel, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
        fs.writeFileSync(path.join(target, rel), content);
      }
      for (const rel of remove) fs.rmSync(path.join(target, rel), { recursive: true });
      await h.unmount(target);
      await h.sn.commit(name, key);
    },
  };
  return h;
}

const read = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const exists = (root: string, rel: string) => fs.existsSync(path.join(root, rel));

export function runSnapshotterSuite(name: string, make: () => Promise<SnapshotterFixture>): void {
  describe(`snapshotter conformance: ${name}`, () => {
    test('an active snapshot written through its mount and committed is visible read-only through a view', async (t) => {
      const h = await harness(t, make);
      await h.layer('base', undefined, { 'etc/hostname': 'base\n' });
      await assert.rejects(h.sn.stat('base-active'), NotFoundError, 'the key is gone after commit');
      const v = await h.mountAt(await h.sn.view('v', 'base'));
      assert.equal(read(v, 'etc/hostname'), 'base\n');
      assert.throws(() => fs.writeFileSync(path.join(v, 'x'), 'x'), /EROFS/);
    });

    test("a child's mount shows its parents' files, nearest layer winning", async (t) => {
      const h = await harness(t, make);
      await h.layer('l1', undefined, { a: '1', shared: 'from l1' });
      await h.layer('l2', 'l1', { b: '2', shared: 'from l2' });
      await h.layer('l3', 'l2', { c: '3' });
      const m = await h.mountAt(await h.sn.prepare('top', 'l3'));
      assert.deepEqual([read(m, 'a'), read(m, 'b'), read(m, 'c'), read(m, 'shared')], ['1', '2', '3', 'from l2']);
      const v = await h.mountAt(await h.sn.view('v', 'l3'));
      assert.equal(read(v, 'shared'), 'from l2', 'a view of several layers merges them too');
    });

    test('writes in an active snapshot stay out of its parent and its siblings (copy-on-write)', async (t) => {
      const h = await harness(t, make);
      await h.layer('base', undefined, { f: 'original' });
      const s1 = await h.mountAt(await h.sn.prepare('s1', 'base'));
      const s2 = await h.mountAt(await h.sn.prepare('s2', 'base'));
      fs.writeFileSync(path.join(s1, 'f'), 'changed in s1');
      fs.writeFileSync(path.join(s1, 'new'), 'only s1');
      assert.equal(read(s2, 'f'), 'original');
      assert.equal(exists(s2, 'new'), false);
      const v = await h.mountAt(await h.sn.view('v', 'base'));
      assert.equal(read(v, 'f'), 'original');
      assert.equal(exists(v, 'new'), false);
    });

    test("a deletion in a child hides the parent's file without touching the parent", async (t) => {
      const h = await harness(t, make);
      await h.layer('base', undefined, { 'keep': 'k', 'gone': 'g', 'dir/inner': 'i' });
      await h.layer('child', 'base', {}, ['gone', 'dir']);
      const c = await h.mountAt(await h.sn.view('vc', 'child'));
      assert.deepEqual(fs.readdirSync(c), ['keep']);
      const b = await h.mountAt(await h.sn.view('vb', 'base'));
      assert.deepEqual(fs.readdirSync(b).sort(), ['dir', 'gone', 'keep']);
    });

    test('files unpacked into upperDir without mounting become the layer; lowerDirs lists the chain nearest first', async (t) => {
      const h = await harness(t, make);
      await h.sn.prepare('unpack-1');
      fs.writeFileSync(path.join(await h.sn.upperDir('unpack-1'), 'from-upper'), 'u');
      await h.sn.commit('l1', 'unpack-1');
      await h.sn.prepare('unpack-2', 'l1');
      fs.writeFileSync(path.join(await h.sn.upperDir('unpack-2'), 'second'), 's');
      await h.sn.commit('l2', 'unpack-2');
      await h.sn.prepare('c', 'l2');
      const lowers = await h.sn.lowerDirs('c');
      assert.equal(lowers.length, 2);
      assert.ok(exists(lowers[0]!, 'second') && exists(lowers[1]!, 'from-upper'));
      assert.deepEqual(await h.sn.lowerDirs('l1'), []);
      const m = await h.mountAt(await h.sn.mounts('c'));
      assert.equal(read(m, 'from-upper'), 'u');
    });

    test('a layer unpacked without a parent and committed with one shows below its children like any other', async (t) => {
      const h = await harness(t, make);
      await h.layer('base', undefined, { 'etc/base': 'b', shadowed: 'lower' });
      await h.sn.prepare('staged');
      const upper = await h.sn.upperDir('staged');
      fs.writeFileSync(path.join(upper, 'shadowed'), 'upper');
      fs.writeFileSync(path.join(upper, 'own'), 'o');
      await assert.rejects(h.sn.commit('L', 'staged', { parent: 'missing' }), NotFoundError);
      await h.sn.commit('L', 'staged', { parent: 'base' });
      assert.deepEqual([(await h.sn.stat('L')).parent, (await h.sn.stat('L')).kind], ['base', 'committed']);
      assert.equal((await h.sn.lowerDirs('L')).length, 1);
      const m = await h.mountAt(await h.sn.view('v', 'L'));
      assert.deepEqual([read(m, 'etc/base'), read(m, 'shadowed'), read(m, 'own')], ['b', 'upper', 'o']);
      await assert.rejects(h.sn.remove('base'), FailedPreconditionError, 'the new parent is a parent now');
    });

    test('commit refuses another parent for a snapshot that is mounted', async (t) => {
      const h = await harness(t, make);
      await h.layer('base', undefined, { f: 'x' });
      await h.layer('other', undefined, { g: 'y' });
      const m = await h.mountAt(await h.sn.prepare('c', 'base'));
      await assert.rejects(h.sn.commit('C', 'c', { parent: 'other' }), FailedPreconditionError);
      await h.unmount(m);
      await h.sn.commit('C', 'c', { parent: 'base' });
      assert.equal((await h.sn.stat('C')).parent, 'base');
    });

    test('remove refuses a snapshot with children and succeeds once they are gone', async (t) => {
      const h = await harness(t, make);
      await h.layer('base', undefined, { f: 'x' });
      await h.sn.prepare('child', 'base');
      await assert.rejects(h.sn.remove('base'), FailedPreconditionError);
      await h.sn.remove('child');
      await h.sn.remove('base');
      await assert.rejects(h.sn.stat('base'), NotFoundError);
      await assert.rejects(h.sn.remove('base'), NotFoundError);
      assert.deepEqual(await h.sn.walk(), []);
    });

    test('stat and walk report kind, parent and labels', async (t) => {
      const h = await harness(t, make);
      await h.sn.prepare('a', undefined, { 'berth/purpose': 'test' });
      await h.sn.commit('A', 'a');
      await h.sn.prepare('b', 'A', { x: 'y' });
      await h.sn.view('v', 'A');
      const a = await h.sn.stat('A');
      assert.equal(a.kind, 'committed');
      assert.equal(a.parent, undefined);
      assert.deepEqual(a.labels, { 'berth/purpose': 'test' }, 'labels carry over on commit');
      assert.ok(!Number.isNaN(Date.parse(a.created)));
      const b = await h.sn.stat('b');
      assert.deepEqual([b.kind, b.parent, b.labels], ['active', 'A', { x: 'y' }]);
      assert.deepEqual(
        (await h.sn.walk()).map((i) => `${i.name}:${i.kind}:${i.parent ?? '-'}`),
        ['A:committed:-', 'b:active:A', 'v:view:A'],
      );
    });

    test('refuses duplicate keys, unknown or uncommitted parents, and verbs the kind does not allow', async (t) => {
      const h = await harness(t, make);
      await h.sn.prepare('a');
      await assert.rejects(h.sn.prepare('a'), AlreadyExistsError);
      await assert.rejects(h.sn.prepare('b', 'missing'), NotFoundError);
      await assert.rejects(h.sn.prepare('b', 'a'), InvalidArgumentError, 'an active snapshot cannot be a parent');
      await h.sn.commit('A', 'a');
      await h.sn.prepare('a2', 'A');
      await assert.rejects(h.sn.commit('A', 'a2'), AlreadyExistsError);
      await h.sn.view('v', 'A');
      await assert.rejects(h.sn.commit('V', 'v'), FailedPreconditionError, 'a view cannot be committed');
      await assert.rejects(h.sn.mounts('A'), FailedPreconditionError, 'a committed snapshot is not mounted directly');
      await assert.rejects(h.sn.mounts('nope'), NotFoundError);
      // Nothing half-made is left behind by the refusals.
      assert.deepEqual((await h.sn.walk()).map((i) => i.name), ['A', 'a2', 'v']);
    });

    test("usage counts the snapshot's own files only, hard links once", async (t) => {
      const h = await harness(t, make);
      await h.layer('base', undefined, { big: 'x'.repeat(10_000) });
      const m = await h.mountAt(await h.sn.prepare('c', 'base'));
      fs.writeFileSync(path.join(m, 'mine'), 'y'.repeat(300));
      fs.linkSync(path.join(m, 'mine'), path.join(m, 'mine-again'));
      const u = await h.sn.usage('c');
      assert.equal(u.size, 300);
      assert.ok(u.inodes >= 2 && u.inodes < 10, `inodes ${u.inodes}`);
      assert.equal((await h.sn.usage('base')).size, 10_000);
    });

    test('state survives a restart of the snapshotter', async (t) => {
      const h = await harness(t, make);
      if (!h.fixture.reopen) return t.skip('implementation has no reopen');
      await h.layer('base', undefined, { f: 'persisted' });
      await h.sn.prepare('c', 'base', { k: 'v' });
      const again = await h.fixture.reopen();
      assert.deepEqual((await again.walk()).map((i) => `${i.name}:${i.kind}`), ['base:committed', 'c:active']);
      assert.deepEqual((await again.stat('c')).labels, { k: 'v' });
      const m = await h.mountAt(await again.mounts('c'));
      assert.equal(read(m, 'f'), 'persisted');
    });
  });
}
