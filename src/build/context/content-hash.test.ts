import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';
import { tempDir } from '../../archive/tar-fixtures.js';
import { hashTree } from './content-hash.js';

const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');

async function ctx(t: Parameters<typeof tempDir>[0], files: Record<string, string | Buffer>): Promise<string> {
  const root = await tempDir(t, 'berth-hash-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  return root;
}

describe('hashing build context content', () => {
  it('ignores timestamps', async (t) => {
    const root = await ctx(t, { 'src/a.txt': 'a', 'src/b.txt': 'b' });
    const before = await hashTree(root, ['src']);
    fs.utimesSync(path.join(root, 'src/a.txt'), 1, 2);
    fs.utimesSync(path.join(root, 'src'), 3, 4);
    fs.writeFileSync(path.join(root, 'src/b.txt'), 'b'); // same bytes, new mtime
    const after = await hashTree(root, ['src']);
    assert.equal(after.digest, before.digest);
    assert.deepEqual(after.files, before.files);
  });

  it('changes with content, mode, owner, names and new files, and says which path changed', async (t) => {
    const root = await ctx(t, { 'src/a.txt': 'a', 'src/b.txt': 'b', 'other.txt': 'o' });
    const base = await hashTree(root, ['src']);
    assert.deepEqual([...base.files.keys()].sort(), ['src', 'src/a.txt', 'src/b.txt']);
    const changed = async (mutate: () => void, undo: () => void): Promise<string[]> => {
      mutate();
      const h = await hashTree(root, ['src']);
      undo();
      assert.notEqual(h.digest, base.digest);
      const keys = new Set([...h.files.keys(), ...base.files.keys()]);
      return [...keys].filter((k) => h.files.get(k) !== base.files.get(k)).sort();
    };
    const a = path.join(root, 'src/a.txt');
    assert.deepEqual(await changed(() => fs.writeFileSync(a, 'A'), () => fs.writeFileSync(a, 'a')), ['src/a.txt']);
    assert.deepEqual(await changed(() => fs.chmodSync(a, 0o755), () => fs.chmodSync(a, 0o644)), ['src/a.txt']);
    assert.deepEqual(await changed(() => fs.chmodSync(a, 0o4644), () => fs.chmodSync(a, 0o644)), ['src/a.txt']);
    assert.deepEqual(await changed(() => fs.chownSync(a, 1000, 0), () => fs.chownSync(a, 0, 0)), ['src/a.txt']);
    const c = path.join(root, 'src/c.txt');
    assert.deepEqual(await changed(() => fs.writeFileSync(c, ''), () => fs.rmSync(c)), ['src/c.txt']);
    const renamed = path.join(root, 'src/z.txt');
    assert.deepEqual(await changed(() => fs.renameSync(a, renamed), () => fs.renameSync(renamed, a)), ['src/a.txt', 'src/z.txt']);
    assert.deepEqual(await changed(() => fs.chmodSync(path.join(root, 'src'), 0o700), () => fs.chmodSync(path.join(root, 'src'), 0o755)), ['src']);
    // Outside the given paths nothing counts.
    fs.writeFileSync(path.join(root, 'other.txt'), 'changed');
    assert.equal((await hashTree(root, ['src'])).digest, base.digest);
  });

  it('records exactly path, type, mode, owner, size, link and content sha256, big files included', async (t) => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 0x61);
    const root = await ctx(t, { 'big.bin': big, small: 'hello' });
    fs.symlinkSync('small', path.join(root, 'ln'));
    const h = await hashTree(root, ['.']);
    const record = (rel: string, type: string, mode: number, size: number, link: string, content: string) =>
      `${rel}\0${type}\0${mode.toString(8)}\0${0}\0${0}\0${size}\0${link}\0${content}\n`;
    const bigRecord = record('big.bin', 'file', 0o644, big.length, '', sha(big));
    const smallRecord = record('small', 'file', 0o644, 5, '', sha('hello'));
    const lnRecord = record('ln', 'symlink', 0o777, 0, 'small', '');
    assert.equal(h.files.get('big.bin'), `sha256:${sha(bigRecord)}`);
    assert.equal(h.files.get('small'), `sha256:${sha(smallRecord)}`);
    assert.equal(h.files.get('ln'), `sha256:${sha(lnRecord)}`);
    const rootRecord = record('.', 'dir', fs.statSync(root).mode & 0o7777, 0, '', '');
    assert.equal(h.digest, `sha256:${sha(rootRecord + bigRecord + lnRecord + smallRecord)}`);
  });

  it('does not depend on the order or overlap of the given paths', async (t) => {
    const root = await ctx(t, { 'a/x': '1', 'b/y': '2' });
    const one = await hashTree(root, ['a', 'b']);
    const two = await hashTree(root, ['b', 'a/x', './a/', 'a']);
    assert.equal(one.digest, two.digest);
  });

  it('follows a given symlink inside the context, and walks symlinks without following them', async (t) => {
    const root = await ctx(t, { 'real/f': 'v1', 'real/sub/g': 'x' });
    fs.symlinkSync('real', path.join(root, 'alias'));
    fs.symlinkSync('../real/f', path.join(root, 'real/sub/up'));
    const viaLink = await hashTree(root, ['alias']);
    assert.ok(viaLink.files.has('alias/f'));
    assert.ok(viaLink.files.has('alias/sub/up'));
    assert.ok(!viaLink.files.has('alias/sub/up/f'));
    const before = viaLink.digest;
    fs.writeFileSync(path.join(root, 'real/f'), 'v2');
    assert.notEqual((await hashTree(root, ['alias'])).digest, before);
    // Parents too: alias/sub/g is real/sub/g.
    const g = await hashTree(root, ['alias/sub/g']);
    assert.deepEqual([...g.files.keys()], ['alias/sub/g']);
    // A dangling link is hashed as a link; walking the root records "alias" as a link even after following it elsewhere.
    fs.symlinkSync('nowhere', path.join(root, 'dangling'));
    assert.ok((await hashTree(root, ['dangling'])).files.has('dangling'));
    const both = await hashTree(root, ['alias', '.']);
    assert.equal(both.digest, (await hashTree(root, ['.', 'alias'])).digest);
    assert.ok(both.files.has('alias/f'));
  });

  it('refuses paths that leave the context', async (t) => {
    const root = await ctx(t, { 'in/f': 'x' });
    fs.symlinkSync('/etc', path.join(root, 'abs'));
    fs.symlinkSync('../..', path.join(root, 'in/up'));
    fs.symlinkSync('/etc/passwd', path.join(root, 'passwd'));
    for (const bad of ['../x', 'in/../../x', 'abs/passwd', 'in/up/etc', 'passwd']) {
      await assert.rejects(hashTree(root, [bad]), InvalidArgumentError, bad);
    }
    await assert.rejects(hashTree(root, ['missing']), NotFoundError);
    await assert.rejects(hashTree(root, ['in/f/g']), NotFoundError);
  });
});
