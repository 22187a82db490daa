import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isErrno } from '../errors.js';
import { isMountPoint, listMounts, mount, mountPointsUnder, unmount, unmountTree } from './mount.js';

test('bind-mounts read-only at a path with a space, sees it in the mount table, and unmounts', async (t) => {
  const base = await fs.promises.mkdtemp(path.join(tmpdir(), 'berth-mount-'));
  t.after(async () => {
    await unmountTree(base);
    await fs.promises.rm(base, { recursive: true, force: true });
  });
  const src = path.join(base, 'src');
  const target = path.join(base, 'the target');
  fs.mkdirSync(src);
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(src, 'f'), 'x');

  assert.equal(await isMountPoint(target), false);
  await mount({ type: 'bind', source: src, options: ['rbind', 'ro'] }, target);
  assert.equal(await isMountPoint(target), true);
  assert.ok((await listMounts()).some((m) => m.mountPoint === target), 'mountinfo escapes are decoded');
  assert.deepEqual(await mountPointsUnder(base), [target]);
  assert.equal(fs.readFileSync(path.join(target, 'f'), 'utf8'), 'x');
  assert.throws(() => fs.writeFileSync(path.join(target, 'g'), 'y'), /EROFS/);

  await unmount(target);
  assert.equal(await isMountPoint(target), false);
  await assert.rejects(unmount(target), (err: unknown) => isErrno(err, 'EINVAL'));
  assert.equal(await isMountPoint(path.join(base, 'missing')), false);
});
