import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../archive/tar-fixtures.js';
import { withoutMountPoints, readOnlyView } from './container-files.js';
import { containerPathOf, goFileMode, pathStatHeader, resolveInRoot } from './container-path.js';

describe('resolveInRoot', () => {
  it('follows symlinks as if the root were "/", never leaving it', async (t) => {
    const root = await tempDir(t, 'berth-cpath-');
    await fs.mkdir(path.join(root, 'etc', 'app'), { recursive: true });
    await fs.symlink('/etc', path.join(root, 'abs'));
    await fs.symlink('../../../../..', path.join(root, 'etc', 'up'));
    await fs.symlink('app', path.join(root, 'etc', 'rel'));
    assert.equal(await resolveInRoot(root, '/abs/app', true), path.join(root, 'etc', 'app'));
    assert.equal(await resolveInRoot(root, '/etc/up/etc', true), path.join(root, 'etc'));
    assert.equal(await resolveInRoot(root, '/../../../etc', true), path.join(root, 'etc'));
    assert.equal(await resolveInRoot(root, '/etc/rel', true), path.join(root, 'etc', 'app'));
  });

  it('leaves the last component alone unless asked to follow it', async (t) => {
    const root = await tempDir(t, 'berth-cpath-');
    await fs.symlink('/nowhere', path.join(root, 'link'));
    assert.equal(await resolveInRoot(root, '/link', false), path.join(root, 'link'));
    assert.equal(await resolveInRoot(root, '/link', true), path.join(root, 'nowhere'));
  });

  it('fails for a missing or non-directory parent, but not for a missing last component', async (t) => {
    const root = await tempDir(t, 'berth-cpath-');
    await fs.writeFile(path.join(root, 'file'), '');
    assert.equal(await resolveInRoot(root, '/missing', false), path.join(root, 'missing'));
    await assert.rejects(resolveInRoot(root, '/missing/x', false), { code: 'ENOENT' });
    await assert.rejects(resolveInRoot(root, '/file/x', false), { code: 'ENOTDIR' });
  });

  it('gives up on symlink loops', async (t) => {
    const root = await tempDir(t, 'berth-cpath-');
    await fs.symlink('b', path.join(root, 'a'));
    await fs.symlink('a', path.join(root, 'b'));
    await assert.rejects(resolveInRoot(root, '/a/x', true), { code: 'ELOOP' });
  });

  it('maps host paths back to container paths', () => {
    assert.equal(containerPathOf('/r', '/r'), '/');
    assert.equal(containerPathOf('/r', '/r/bin/busybox'), '/bin/busybox');
  });
});

describe('path stat', () => {
  it("uses Go's file mode bits", async (t) => {
    const root = await tempDir(t, 'berth-cpath-');
    await fs.mkdir(path.join(root, 'd'), { mode: 0o755 });
    await fs.chmod(path.join(root, 'd'), 0o1777);
    await fs.symlink('x', path.join(root, 'l'));
    assert.equal(goFileMode(await fs.lstat(path.join(root, 'd'))), 2 ** 31 + 2 ** 20 + 0o777);
    assert.equal(goFileMode(await fs.lstat(path.join(root, 'l'))), 2 ** 27 + 0o777);
    assert.equal(goFileMode(await fs.lstat('/dev/null')), 2 ** 26 + 2 ** 21 + 0o666);
  });

  it('encodes the header as base64 JSON', () => {
    const stat = { name: 'sh', size: 7, mode: 2 ** 27 + 0o777, mtime: '2024-01-01T00:00:00.000Z', linkTarget: '/bin/busybox' };
    assert.deepEqual(JSON.parse(Buffer.from(pathStatHeader(stat), 'base64').toString()), stat);
  });
});

describe('container file views', () => {
  it('turns an active overlay snapshot into a read-only view with the upper dir on top', () => {
    const view = readOnlyView([{ type: 'overlay', source: 'overlay', options: ['lowerdir=/l1:/l2', 'upperdir=/u', 'workdir=/w', 'index=off'] }]);
    assert.deepEqual(view, [{ type: 'overlay', source: 'overlay', options: ['lowerdir=/u:/l1:/l2', 'index=off', 'ro'] }]);
    assert.deepEqual(readOnlyView([{ type: 'bind', source: '/fs', options: ['rbind', 'rw'] }]), [{ type: 'bind', source: '/fs', options: ['rbind', 'ro'] }]);
  });

  it('leaves the runtime mount points out of a diff, and a directory changed only by them', () => {
    const changes = [
      { kind: 'C' as const, path: '/etc' },
      { kind: 'A' as const, path: '/etc/resolv.conf' },
      { kind: 'C' as const, path: '/var' },
      { kind: 'A' as const, path: '/var/log' },
      { kind: 'A' as const, path: '/proc' },
    ];
    assert.deepEqual(withoutMountPoints(changes), [
      { kind: 'C', path: '/var' },
      { kind: 'A', path: '/var/log' },
    ]);
    const userChange = [{ kind: 'C' as const, path: '/etc' }, { kind: 'A' as const, path: '/etc/resolv.conf' }, { kind: 'A' as const, path: '/etc/x' }];
    assert.deepEqual(withoutMountPoints(userChange), [{ kind: 'C', path: '/etc' }, { kind: 'A', path: '/etc/x' }]);
    // A changed resolv.conf the image had is the user's change.
    assert.deepEqual(withoutMountPoints([{ kind: 'C' as const, path: '/etc/resolv.conf' }]), [{ kind: 'C', path: '/etc/resolv.conf' }]);
  });
});
