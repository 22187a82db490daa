import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isErrno } from '../errors.js';
import { dumpXattrs, getXattr, getXattrMany, setXattr, setXattrs } from './xattr.js';

const AWKWARD = ['plain', 'with space', 'new\nline', 'back\\slash', 'equals=sign', 'été', '#hash'];

test('batch-writes and reads back binary values on awkwardly named files, without following symlinks', async (t) => {
  const dir = await fs.promises.mkdtemp(path.join(tmpdir(), 'berth-xattr-'));
  t.after(() => fs.promises.rm(dir, { recursive: true, force: true }));
  const value = Buffer.from([0x00, 0x80, 0xff, 0x0a, 0x3d]);
  for (const n of AWKWARD) fs.writeFileSync(path.join(dir, n), n);
  fs.symlinkSync('plain', path.join(dir, 'link'));

  const failures = await setXattrs([
    ...AWKWARD.map((n) => ({ path: path.join(dir, n), name: 'user.v', value })),
    { path: path.join(dir, 'link'), name: 'user.v', value }, // user.* is refused on a symlink itself
  ]);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.write.path, path.join(dir, 'link'));
  assert.ok(isErrno(failures[0]!.error, 'EPERM'), failures[0]!.error.message);

  for (const n of AWKWARD) assert.deepEqual(await getXattr(path.join(dir, n), 'user.v'), value, n);
  const many = await getXattrMany([...AWKWARD, 'link'].map((n) => path.join(dir, n)), 'user.v');
  assert.equal(many.size, AWKWARD.length, 'the symlink has none, and did not report its target');
  const dump = await dumpXattrs(dir, '^user\\.');
  assert.deepEqual([...dump.keys()].map((p) => path.basename(p)).sort(), [...AWKWARD].sort());
  assert.equal(await getXattr(path.join(dir, 'plain'), 'user.absent'), undefined);
});

test('a single write that fails throws with a Node-style code', async (t) => {
  const dir = await fs.promises.mkdtemp(path.join(tmpdir(), 'berth-xattr-'));
  t.after(() => fs.promises.rm(dir, { recursive: true, force: true }));
  await assert.rejects(setXattr(path.join(dir, 'missing'), 'user.x', 'y'), (err: unknown) => isErrno(err, 'ENOENT'));
});
