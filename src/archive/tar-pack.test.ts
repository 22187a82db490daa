import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { NotFoundError } from '../errors.js';
import { makeWhiteout, mknod } from '../host/mknod.js';
import { getXattr, setXattr } from '../host/xattr.js';
import { DigestStream } from './digest-stream.js';
import { collect, describeTree, listTar, streamOf, tempDir } from './tar-fixtures.js';
import { extractTar } from './tar-extract.js';
import { packDirectory } from './tar-pack.js';

// Bytes >= 0x80 (cap_setuid) make this the case a UTF-8 PAX codec would corrupt.
const CAPABILITY = Buffer.from('0100000280200000000000000000000000000000', 'hex');

/** A tree with every kind of entry and metadata pack and extract must carry. */
async function buildTree(root: string): Promise<void> {
  const w = (rel: string, content: string | Buffer, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
    fs.chmodSync(path.join(root, rel), mode);
  };
  w('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  w('etc/shadow', 'root:*::0:::::\n', 0o000);
  w('bin/busybox', 'ELF…', 0o755);
  fs.linkSync(path.join(root, 'bin/busybox'), path.join(root, 'bin/ls'));
  fs.linkSync(path.join(root, 'bin/busybox'), path.join(root, 'bin/cat'));
  fs.symlinkSync('busybox', path.join(root, 'bin/sh'));
  fs.symlinkSync('/nowhere/at/all', path.join(root, 'dangling'));
  w('bin/su', 'ELF', 0o4755);
  w('bin/ping', 'ELF', 0o755);
  w('home/user/.profile', 'export PS1=$\n', 0o600);
  fs.chownSync(path.join(root, 'home/user'), 1000, 1000);
  fs.chownSync(path.join(root, 'home/user/.profile'), 1000, 1000);
  fs.chmodSync(path.join(root, 'home/user'), 0o700);
  w('big-uid', 'x');
  fs.chownSync(path.join(root, 'big-uid'), 3_000_000, 3_000_001);
  w(`${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(120)}`, 'long name');
  w('données/été.txt', 'unicode');
  const big = Buffer.alloc(2 * 1024 * 1024 + 3, 0x5a);
  w('var/big.bin', big);
  fs.mkdirSync(path.join(root, 'empty'));
  fs.mkdirSync(path.join(root, 'dev'));
  await mknod(path.join(root, 'dev/null'), 'char', 0o666, 1, 3);
  await mknod(path.join(root, 'dev/sda'), 'block', 0o660, 8, 0);
  fs.mkdirSync(path.join(root, 'run'));
  await mknod(path.join(root, 'run/ctl'), 'fifo', 0o620);
  await setXattr(path.join(root, 'etc/passwd'), 'user.note', 'hello');
  await setXattr(path.join(root, 'bin/ping'), 'security.capability', CAPABILITY);
  // Fixed times, deepest first so setting a child does not disturb its parent.
  const all: string[] = [];
  const walk = (rel: string) => {
    all.push(rel);
    const st = fs.lstatSync(path.join(root, rel));
    if (st.isDirectory()) for (const n of fs.readdirSync(path.join(root, rel))) walk(path.join(rel, n));
  };
  walk('');
  for (const rel of all.reverse()) fs.lutimesSync(path.join(root, rel), 1_234_567_890, 1_234_567_890 + rel.length);
}

test('pack then extract reproduces the tree: types, modes, owners, links, devices, times, xattrs', async (t) => {
  const base = await tempDir(t);
  const src = path.join(base, 'src');
  const out = path.join(base, 'out');
  fs.mkdirSync(src);
  await buildTree(src);
  const tar = await collect(packDirectory(src, { whiteouts: 'none' }));
  await extractTar(streamOf(tar, 65536), out, { whiteouts: 'keep', symlinks: 'reject-parents' });
  assert.deepEqual(describeTree(out), describeTree(src));
  assert.deepEqual(await getXattr(path.join(out, 'etc/passwd'), 'user.note'), Buffer.from('hello'));
  assert.deepEqual(await getXattr(path.join(out, 'bin/ping'), 'security.capability'), CAPABILITY, 'binary xattr survives both ways');
});

test('pack writes relative names, directories with a trailing slash, and hard links to the first name', async (t) => {
  const src = await tempDir(t);
  await buildTree(src);
  const entries = await listTar(await collect(packDirectory(src, { whiteouts: 'none' })));
  const names = entries.map((e) => e.name);
  assert.ok(names.every((n) => !n.startsWith('/') && !n.startsWith('./')));
  assert.equal(names[0], `${'a'.repeat(60)}/`);
  assert.ok(names.includes('etc/') && names.includes('etc/passwd') && names.includes('données/été.txt'));
  const links = entries.filter((e) => e.type === 'link').map((e) => e.name);
  assert.deepEqual(links, ['bin/cat', 'bin/ls'], 'sorted order: busybox is written first, the others link to it');
  assert.equal(entries.find((e) => e.name === 'etc/shadow')!.mode, 0, 'mode 0 is kept, not defaulted');
});

test('pack output is deterministic for the same tree', async (t) => {
  const src = await tempDir(t);
  await buildTree(src);
  const digest = async () => {
    const d = new DigestStream();
    await pipeline(packDirectory(src, { whiteouts: 'overlay-to-oci' }), d, async function* (s) {
      for await (const _ of s) void _;
    });
    return d.digest;
  };
  const first = await digest();
  fs.readFileSync(path.join(src, 'etc/passwd')); // atime changes must not matter
  assert.equal(await digest(), first);
  const tar = await collect(packDirectory(src, { whiteouts: 'overlay-to-oci' }));
  assert.equal(`sha256:${createHash('sha256').update(tar).digest('hex')}`, first);
});

test('overlay-to-oci writes whiteout devices as .wh. files and opaque directories as .wh..wh..opq, and extraction turns them back', async (t) => {
  const base = await tempDir(t);
  const upper = path.join(base, 'upper');
  fs.mkdirSync(path.join(upper, 'd'), { recursive: true });
  fs.mkdirSync(path.join(upper, 'e'));
  await makeWhiteout(path.join(upper, 'd/gone'));
  fs.linkSync(path.join(upper, 'd/gone'), path.join(upper, 'd/also')); // shared whiteout inode, as extraction makes them
  await setXattr(path.join(upper, 'e'), 'trusted.overlay.opaque', 'y');
  fs.writeFileSync(path.join(upper, 'e/keep'), 'k');

  const tar = await collect(packDirectory(upper, { whiteouts: 'overlay-to-oci' }));
  const entries = await listTar(tar);
  assert.deepEqual(
    entries.map((e) => `${e.name} ${e.type} ${e.size}`),
    ['d/ directory 0', 'd/.wh.also file 0', 'd/.wh.gone file 0', 'e/ directory 0', 'e/.wh..wh..opq file 0', 'e/keep file 1'],
  );
  assert.ok(entries.every((e) => !Object.keys(e.pax).some((k) => k.includes('trusted.overlay'))), 'overlay xattrs never leave the host');

  const back = path.join(base, 'back');
  await extractTar(streamOf(tar), back, { whiteouts: 'overlay', symlinks: 'reject-parents' });
  for (const n of ['gone', 'also']) {
    const st = fs.lstatSync(path.join(back, 'd', n));
    assert.ok(st.isCharacterDevice() && st.rdev === 0);
  }
  assert.deepEqual(await getXattr(path.join(back, 'e'), 'trusted.overlay.opaque'), Buffer.from('y'));

  const plain = await listTar(await collect(packDirectory(upper, { whiteouts: 'none' })));
  assert.equal(plain.find((e) => e.name === 'd/also')?.type, 'character-device', "'none' leaves devices as they are");
  assert.equal(plain.find((e) => e.name === 'd/gone')?.type, 'link');
});

test('paths restricts the tar to subtrees and files; rebaseTo prefixes every name', async (t) => {
  const src = await tempDir(t);
  for (const f of ['a/x', 'a/y/z', 'b/w', 'c']) {
    fs.mkdirSync(path.dirname(path.join(src, f)), { recursive: true });
    fs.writeFileSync(path.join(src, f), f);
  }
  const names = async (opts: Parameters<typeof packDirectory>[1], dir = src) => (await listTar(await collect(packDirectory(dir, opts)))).map((e) => e.name);
  assert.deepEqual(await names({ whiteouts: 'none', paths: ['c', 'a/y', 'a/y/z'] }), ['a/y/', 'a/y/z', 'c']);
  assert.deepEqual(await names({ whiteouts: 'none', paths: ['a/y'], rebaseTo: 'out' }), ['out/a/y/', 'out/a/y/z']);
  assert.deepEqual(await names({ whiteouts: 'none', rebaseTo: 'root' }), ['root/', 'root/a/', 'root/a/x', 'root/a/y/', 'root/a/y/z', 'root/b/', 'root/b/w', 'root/c']);
  assert.deepEqual(await names({ whiteouts: 'none', rebaseTo: 'renamed' }, path.join(src, 'a/x')), ['renamed'], 'a file source is one entry');
  await assert.rejects(collect(packDirectory(src, { whiteouts: 'none', paths: ['nope'] })), NotFoundError);
});
