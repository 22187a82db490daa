import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { InvalidArgumentError, NotImplementedError } from '../errors.js';
import { getXattr } from '../host/xattr.js';
import { makeTar, streamOf, tempDir } from './tar-fixtures.js';
import { extractTar } from './tar-extract.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from './tar-header.js';

const layer = { whiteouts: 'overlay', symlinks: 'reject-parents' } as const;

test('extracts files, directories, symlinks, hard links, devices and fifos with owners, modes and times', async (t) => {
  const dest = await tempDir(t);
  const mtime = new Date(1_500_000_000_000);
  const tar = await makeTar([
    { name: 'etc/', mode: 0o750, uid: 1000, gid: 1001, mtime },
    { name: 'etc/passwd', content: 'root:x:0:0\n', mode: 0o644, mtime },
    { name: 'bin/', mtime },
    { name: 'bin/su', content: 'ELF', mode: 0o4755, uid: 0, gid: 0, mtime },
    { name: 'bin/sg', content: 'ELF', mode: 0o2711, uid: 5, gid: 6, mtime },
    { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', mtime },
    { name: 'bin/newgrp', type: 'link', linkname: 'bin/sg' },
    { name: 'dev/', mtime },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666, mtime },
    { name: 'dev/loop0', type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660, gid: 6, mtime },
    { name: 'run/fifo', type: 'fifo', mode: 0o600, mtime },
  ]);
  const stats = await extractTar(streamOf(tar), dest, layer);
  assert.equal(stats.entries, 11);
  assert.equal(stats.bytes, 'root:x:0:0\n'.length + 6);

  const etc = fs.lstatSync(path.join(dest, 'etc'));
  assert.equal(etc.mode & 0o7777, 0o750);
  assert.deepEqual([etc.uid, etc.gid], [1000, 1001]);
  assert.equal(etc.mtimeMs, mtime.getTime(), 'directory mtime set after its contents were written');
  assert.equal(fs.readFileSync(path.join(dest, 'etc/passwd'), 'utf8'), 'root:x:0:0\n');
  assert.equal(fs.lstatSync(path.join(dest, 'bin/su')).mode & 0o7777, 0o4755, 'setuid survives the chown');
  const sg = fs.lstatSync(path.join(dest, 'bin/sg'));
  assert.equal(sg.mode & 0o7777, 0o2711);
  assert.deepEqual([sg.uid, sg.gid], [5, 6]);
  assert.equal(sg.mtimeMs, mtime.getTime());
  assert.equal(fs.readlinkSync(path.join(dest, 'bin/sh')), '/bin/busybox', 'symlink target written as-is');
  assert.equal(fs.lstatSync(path.join(dest, 'bin/sh')).mtimeMs, mtime.getTime());
  assert.equal(fs.lstatSync(path.join(dest, 'bin/newgrp')).ino, sg.ino, 'hard link shares the inode');
  const devnull = fs.lstatSync(path.join(dest, 'dev/null'));
  assert.ok(devnull.isCharacterDevice());
  assert.equal(devnull.rdev, (1 << 8) | 3);
  assert.equal(devnull.mode & 0o7777, 0o666);
  const loop = fs.lstatSync(path.join(dest, 'dev/loop0'));
  assert.ok(loop.isBlockDevice());
  assert.equal(loop.gid, 6);
  assert.ok(fs.lstatSync(path.join(dest, 'run/fifo')).isFIFO());
  assert.equal(fs.lstatSync(path.join(dest, 'run')).mode & 0o777, 0o755, 'missing parents are made 0755');
});

for (const name of ['../evil', 'a/../../evil', './../evil', '/../evil']) {
  test(`rejects the entry ${JSON.stringify(name)} that climbs out of the destination`, async (t) => {
    const base = await tempDir(t);
    const dest = path.join(base, 'dest');
    const tar = await makeTar([{ name, content: 'pwned' }]);
    await assert.rejects(extractTar(streamOf(tar), dest, layer), (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.equal(err.message, `tar entry ${JSON.stringify(name)} escapes the destination`);
      return true;
    });
    assert.equal(fs.existsSync(path.join(base, 'evil')), false);
    assert.deepEqual(fs.readdirSync(dest), []);
  });
}

test('rejects a hard link whose target climbs out of the destination', async (t) => {
  const base = await tempDir(t);
  const dest = path.join(base, 'a', 'b');
  fs.writeFileSync(path.join(base, 'secret'), 'host file');
  const tar = await makeTar([{ name: 'passwd', type: 'link', linkname: '../../secret' }]);
  await assert.rejects(extractTar(streamOf(tar), dest, layer), (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError);
    assert.match(err.message, /^tar entry "passwd" escapes the destination: hard link to "..\/..\/secret"$/);
    return true;
  });
  assert.equal(fs.existsSync(path.join(dest, 'passwd')), false);
  assert.equal(fs.lstatSync(path.join(base, 'secret')).nlink, 1, 'the host file gained no link');
});

test('reject-parents refuses to write through a symlinked parent', async (t) => {
  const base = await tempDir(t);
  const dest = path.join(base, 'dest');
  // link -> / would put link/<base>/x at <base>/x on the host.
  const hostRel = path.relative('/', base);
  const tar = await makeTar([
    { name: 'link', type: 'symlink', linkname: '/' },
    { name: `link/${hostRel}/x`, content: 'escaped' },
  ]);
  await assert.rejects(extractTar(streamOf(tar), dest, layer), (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError);
    assert.match(err.message, /parent "link" is a symlink/);
    return true;
  });
  assert.equal(fs.existsSync(path.join(base, 'x')), false);
  assert.equal(fs.readlinkSync(path.join(dest, 'link')), '/', 'the symlink itself is fine as a link');
});

test('scoped resolves symlinks as if the destination were the root', async (t) => {
  const base = await tempDir(t);
  const dest = path.join(base, 'dest');
  const hostRel = path.relative('/', base);
  const tar = await makeTar([
    { name: 'link', type: 'symlink', linkname: '/' },
    { name: 'link/etc/x', content: 'inside' },
    { name: 'up', type: 'symlink', linkname: '../../../..' },
    { name: `up/${hostRel}/y`, content: 'inside too' },
    { name: 'hl', type: 'link', linkname: 'link/etc/x' },
  ]);
  await extractTar(streamOf(tar), dest, { whiteouts: 'keep', symlinks: 'scoped' });
  assert.equal(fs.readFileSync(path.join(dest, 'etc/x'), 'utf8'), 'inside');
  assert.equal(fs.readFileSync(path.join(dest, hostRel, 'y'), 'utf8'), 'inside too');
  assert.equal(fs.existsSync(path.join(base, 'y')), false);
  assert.equal(fs.lstatSync(path.join(dest, 'hl')).ino, fs.lstatSync(path.join(dest, 'etc/x')).ino);
});

test('replaces what is at an entry path, merging a directory into a directory', async (t) => {
  const dest = await tempDir(t);
  await extractTar(
    streamOf(await makeTar([{ name: 'd/' }, { name: 'd/a', content: '1' }, { name: 'x', content: 'file' }, { name: 'l/' }, { name: 'l/in', content: 'i' }])),
    dest,
    layer,
  );
  await extractTar(
    streamOf(
      await makeTar([
        { name: 'd/', mode: 0o700 },
        { name: 'd/b', content: '2' },
        { name: 'x/', mode: 0o711 },
        { name: 'l', type: 'symlink', linkname: 'd' },
        { name: 'd/a', content: 'replaced' },
      ]),
    ),
    dest,
    layer,
  );
  assert.deepEqual(fs.readdirSync(path.join(dest, 'd')).sort(), ['a', 'b']);
  assert.equal(fs.readFileSync(path.join(dest, 'd/a'), 'utf8'), 'replaced');
  assert.equal(fs.lstatSync(path.join(dest, 'd')).mode & 0o777, 0o700);
  assert.ok(fs.lstatSync(path.join(dest, 'x')).isDirectory());
  assert.equal(fs.readlinkSync(path.join(dest, 'l')), 'd', 'a directory is replaced by a symlink, not followed');
});

test('detects gzip input and streams files larger than one chunk', async (t) => {
  const dest = await tempDir(t);
  const big = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  const tar = await makeTar([{ name: 'big.bin', content: big }, { name: 'small', content: 's' }], { gzip: true });
  const stats = await extractTar(streamOf(tar, 65536), dest, layer);
  assert.equal(stats.bytes, big.length + 1);
  assert.ok(fs.readFileSync(path.join(dest, 'big.bin')).equals(big));
});

test('refuses compressions Node cannot decode, by name', async (t) => {
  const dest = await tempDir(t);
  const xz = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]);
  await assert.rejects(extractTar(streamOf(xz), dest, layer), NotImplementedError);
});

test('overlay mode turns whiteouts into 0:0 devices and opaque markers into the xattr', async (t) => {
  const dest = await tempDir(t);
  const tar = await makeTar([
    { name: 'd/' },
    { name: 'd/.wh.gone', uid: 7, gid: 8 },
    { name: 'd/.wh.also' },
    { name: 'e/' },
    { name: 'e/.wh..wh..opq' },
    { name: 'e/keep', content: 'k' },
    { name: '.wh..wh.plnk/', type: 'directory' },
  ]);
  await extractTar(streamOf(tar), dest, layer);
  for (const name of ['gone', 'also']) {
    const st = fs.lstatSync(path.join(dest, 'd', name));
    assert.ok(st.isCharacterDevice(), `${name} is a char device`);
    assert.equal(st.rdev, 0);
  }
  assert.deepEqual([fs.lstatSync(path.join(dest, 'd/gone')).uid, fs.lstatSync(path.join(dest, 'd/gone')).gid], [7, 8]);
  assert.deepEqual(await getXattr(path.join(dest, 'e'), 'trusted.overlay.opaque'), Buffer.from('y'));
  assert.deepEqual(fs.readdirSync(path.join(dest, 'e')), ['keep']);
  assert.deepEqual(fs.readdirSync(dest).sort(), ['d', 'e'], 'no .wh. names and no leftover whiteout template');
});

test('apply mode deletes whited-out paths and empties opaque directories of older content', async (t) => {
  const dest = await tempDir(t);
  await extractTar(
    streamOf(await makeTar([{ name: 'd/gone/deep', content: 'x' }, { name: 'd/stay', content: 's' }, { name: 'e/old', content: 'o' }])),
    dest,
    layer,
  );
  await extractTar(
    streamOf(await makeTar([{ name: 'd/.wh.gone' }, { name: 'e/new', content: 'n' }, { name: 'e/.wh..wh..opq' }])),
    dest,
    { whiteouts: 'apply', symlinks: 'reject-parents' },
  );
  assert.deepEqual(fs.readdirSync(path.join(dest, 'd')), ['stay']);
  assert.deepEqual(fs.readdirSync(path.join(dest, 'e')), ['new'], "this layer's own entry survives its opaque marker");
});

test('keep mode writes whiteout files as ordinary files', async (t) => {
  const dest = await tempDir(t);
  await extractTar(streamOf(await makeTar([{ name: 'd/.wh.gone' }, { name: 'd/.wh..wh..opq' }])), dest, {
    whiteouts: 'keep',
    symlinks: 'reject-parents',
  });
  assert.deepEqual(fs.readdirSync(path.join(dest, 'd')).sort(), ['.wh..wh..opq', '.wh.gone']);
});

test('rebase renames a leading path, hard-link targets included', async (t) => {
  const dest = await tempDir(t);
  const tar = await makeTar([{ name: 'src/' }, { name: 'src/a', content: 'a' }, { name: 'src/b', type: 'link', linkname: 'src/a' }]);
  await extractTar(streamOf(tar), dest, { whiteouts: 'keep', symlinks: 'scoped', rebase: { from: 'src', to: 'renamed' } });
  assert.deepEqual(fs.readdirSync(dest), ['renamed']);
  assert.equal(fs.lstatSync(path.join(dest, 'renamed/b')).ino, fs.lstatSync(path.join(dest, 'renamed/a')).ino);
});

test('sameOwner false leaves files owned by the extracting user', async (t) => {
  const dest = await tempDir(t);
  await extractTar(streamOf(await makeTar([{ name: 'f', content: 'x', uid: 4321, gid: 4321 }])), dest, { ...layer, sameOwner: false });
  assert.equal(fs.lstatSync(path.join(dest, 'f')).uid, process.getuid!());
});

test('rejects a whiteout whose target is "." or ".."', async (t) => {
  const dest = await tempDir(t);
  await assert.rejects(extractTar(streamOf(await makeTar([{ name: 'a/.wh...' }])), dest, { whiteouts: 'apply', symlinks: 'reject-parents' }), InvalidArgumentError);
});

test('a truncated or corrupt archive is an InvalidArgumentError; a failing source keeps its own error', async (t) => {
  const dest = await tempDir(t);
  const tar = await makeTar([{ name: 'f', content: 'x'.repeat(5000) }]);
  await assert.rejects(extractTar(streamOf(tar.subarray(0, 2048)), dest, layer), /^InvalidArgumentError: invalid tar archive/);
  const gz = await makeTar([{ name: 'f', content: 'x'.repeat(5000) }], { gzip: true });
  const corrupt = Buffer.from(gz);
  corrupt.fill(0x55, 20, 40);
  await assert.rejects(extractTar(streamOf(corrupt), dest, layer), /^InvalidArgumentError: invalid gzip data/);
  const failing = new Readable({
    read() {
      this.push(tar.subarray(0, 1024));
      this.destroy(Object.assign(new Error('disk on fire'), { code: 'EIO' }));
    },
  });
  await assert.rejects(extractTar(failing, dest, layer), (err: unknown) => (err as { code?: string }).code === 'EIO');
});

test('detects gzip when the first bytes arrive one at a time, and treats an empty stream as an empty archive', async (t) => {
  const dest = await tempDir(t);
  const gz = await makeTar([{ name: 'f', content: 'tiny' }], { gzip: true });
  await extractTar(streamOf(gz, 1), dest, layer);
  assert.equal(fs.readFileSync(path.join(dest, 'f'), 'utf8'), 'tiny');
  assert.deepEqual(await extractTar(streamOf(Buffer.alloc(0)), path.join(dest, 'empty'), layer), { entries: 0, bytes: 0 });
});

test('applies PAX xattrs, drops forged overlay xattrs, and skips ones the filesystem refuses', async (t) => {
  const dest = await tempDir(t);
  const cap = Buffer.from('0100000280200000000000000000000000000000', 'hex');
  const base = { mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 1_600_000_000 };
  const tar = Buffer.concat([
    encodeHeader({ ...base, name: 'link', type: 'symlink', linkname: 'bin', xattrs: new Map([['user.k', Buffer.from('v')]]) }),
    encodeHeader({ ...base, name: 'bin', type: 'file', size: 3, xattrs: new Map([['security.capability', cap], ['trusted.overlay.redirect', Buffer.from('/etc')]]) }),
    Buffer.from('ELF'),
    padding(3),
    END_OF_ARCHIVE,
  ]);
  await extractTar(streamOf(tar), dest, layer);
  assert.equal(fs.readlinkSync(path.join(dest, 'link')), 'bin', 'user.* refused on a symlink is skipped, not fatal');
  assert.deepEqual(await getXattr(path.join(dest, 'bin'), 'security.capability'), cap);
  assert.equal(await getXattr(path.join(dest, 'bin'), 'trusted.overlay.redirect'), undefined);
});

test('noOverwriteDirNonDir refuses to swap a directory and a non-directory', async (t) => {
  const dest = await tempDir(t);
  await extractTar(streamOf(await makeTar([{ name: 'd/' }, { name: 'd/in', content: 'i' }, { name: 'f', content: 'f' }])), dest, layer);
  const strict = { whiteouts: 'keep', symlinks: 'scoped', noOverwriteDirNonDir: true } as const;
  await assert.rejects(extractTar(streamOf(await makeTar([{ name: 'd', content: 'file now' }])), dest, strict), {
    name: 'ConflictError',
    message: 'cannot overwrite directory "d" with non-directory',
  });
  await assert.rejects(extractTar(streamOf(await makeTar([{ name: 'f/' }])), dest, strict), {
    name: 'ConflictError',
    message: 'cannot overwrite non-directory "f" with directory',
  });
  assert.equal(fs.readFileSync(path.join(dest, 'd/in'), 'utf8'), 'i');
  await extractTar(streamOf(await makeTar([{ name: 'f', content: 'file again' }, { name: 'd/' }])), dest, strict);
  assert.equal(fs.readFileSync(path.join(dest, 'f'), 'utf8'), 'file again', 'like replacing like is still fine');
});
