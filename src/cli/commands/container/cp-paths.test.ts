import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goModeIsDir, goModeIsRegular, goModeIsSymlink, planCopy, splitCpArg, splitPathDirEntry } from './cp-paths.js';

describe('docker cp path rules', () => {
  it('splits container:path arguments, keeping local paths local', () => {
    assert.deepEqual(splitCpArg('web:/etc/hosts'), { container: 'web', path: '/etc/hosts' });
    assert.deepEqual(splitCpArg('/tmp/a:b'), { path: '/tmp/a:b' });
    assert.deepEqual(splitCpArg('./a:b'), { path: './a:b' });
    assert.deepEqual(splitCpArg('file.txt'), { path: 'file.txt' });
    assert.deepEqual(splitCpArg('-'), { path: '-' });
  });

  it('splits a path into directory and entry, keeping "." for contents', () => {
    assert.deepEqual(splitPathDirEntry('/a/b'), ['/a', 'b']);
    assert.deepEqual(splitPathDirEntry('/a/b/'), ['/a', 'b']);
    assert.deepEqual(splitPathDirEntry('/a/b/.'), ['/a/b', '.']);
    assert.deepEqual(splitPathDirEntry('/'), ['/', '/']);
  });

  const dir = (path: string) => ({ path, exists: true, isDir: true });
  const file = (path: string) => ({ path, exists: true, isDir: false });
  const missing = (path: string) => ({ path, exists: false, isDir: false });

  it('copies into an existing directory under the source name', () => {
    assert.deepEqual(planCopy('/etc/hosts', false, dir('/tmp/out')), { dir: '/tmp/out', name: 'hosts' });
    assert.deepEqual(planCopy('/etc', true, dir('/tmp/out')), { dir: '/tmp/out', name: 'etc' });
    assert.deepEqual(planCopy('/etc/.', true, dir('/tmp/out')), { dir: '/tmp/out', name: '.' });
  });

  it('overwrites an existing file under its own name', () => {
    assert.deepEqual(planCopy('/etc/hosts', false, file('/tmp/h')), { dir: '/tmp', name: 'h' });
  });

  it('creates a missing destination with the destination name', () => {
    assert.deepEqual(planCopy('/etc/hosts', false, missing('/tmp/new')), { dir: '/tmp', name: 'new' });
    assert.deepEqual(planCopy('/etc', true, missing('/tmp/newdir')), { dir: '/tmp', name: 'newdir' });
    assert.deepEqual(planCopy('/etc/.', true, missing('/tmp/copy')), { dir: '/tmp', name: 'copy' });
  });

  it('refuses a directory onto a file, and a file onto a missing "dir/"', () => {
    assert.throws(() => planCopy('/etc', true, file('/tmp/h')), { message: 'cannot copy directory' });
    assert.throws(() => planCopy('/etc/hosts', false, missing('/tmp/nodir/')), { message: 'no such directory' });
  });

  it('reads Go FileMode type bits from the stat header', () => {
    assert.ok(goModeIsDir(0x80000000 | 0o755));
    assert.ok(!goModeIsDir(0o644));
    assert.ok(goModeIsRegular(0o644));
    assert.ok(goModeIsSymlink(0x08000000 | 0o777));
    assert.ok(!goModeIsRegular(0x08000000 | 0o777));
  });
});
