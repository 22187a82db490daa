import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { seedVolume } from './volume-seed.js';

function temp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bt-seed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('seedVolume', () => {
  it('copies the image directory into an empty volume, keeping owners, modes, links and capabilities', async (t) => {
    const dir = temp(t);
    const rootfs = path.join(dir, 'rootfs');
    const src = path.join(rootfs, 'var', 'lib', 'app');
    mkdirSync(path.join(src, 'sub'), { recursive: true });
    writeFileSync(path.join(src, 'conf'), 'setting=1\n');
    chownSync(path.join(src, 'conf'), 1000, 1001);
    chmodSync(path.join(src, 'conf'), 0o640);
    writeFileSync(path.join(src, 'sub', 'tool'), '#!/bin/sh\n');
    chmodSync(path.join(src, 'sub', 'tool'), 0o4755);
    linkSync(path.join(src, 'conf'), path.join(src, 'conf-link'));
    symlinkSync('../conf', path.join(src, 'sub', 'rel'));
    assert.equal(spawnSync('mkfifo', [path.join(src, 'pipe')]).status, 0);
    chownSync(src, 999, 999);
    chmodSync(src, 0o750);
    spawnSync('setfattr', ['-n', 'security.capability', '-v', '0x0100000200200000000000000000000000000000', path.join(src, 'sub', 'tool')]);
    const data = path.join(dir, '_data');
    mkdirSync(data);

    assert.equal(await seedVolume(rootfs, '/var/lib/app', data), true);
    assert.deepEqual(readdirSync(data).sort(), ['conf', 'conf-link', 'pipe', 'sub']);
    const conf = statSync(path.join(data, 'conf'));
    assert.deepEqual([conf.uid, conf.gid, conf.mode & 0o7777], [1000, 1001, 0o640]);
    assert.equal(readFileSync(path.join(data, 'conf'), 'utf8'), 'setting=1\n');
    assert.equal(statSync(path.join(data, 'conf-link')).ino, conf.ino);
    assert.equal(statSync(path.join(data, 'sub', 'tool')).mode & 0o7777, 0o4755);
    assert.equal(readlinkSync(path.join(data, 'sub', 'rel')), '../conf');
    assert.ok(lstatSync(path.join(data, 'pipe')).isFIFO());
    const top = statSync(data);
    assert.deepEqual([top.uid, top.gid, top.mode & 0o7777], [999, 999, 0o750]);
    const caps = spawnSync('getfattr', ['-n', 'security.capability', '-e', 'hex', path.join(data, 'sub', 'tool')], { encoding: 'utf8' });
    if (caps.status === 0) assert.match(caps.stdout, /security\.capability=0x01000002/);
  });

  it('leaves a volume that already has data alone', async (t) => {
    const dir = temp(t);
    mkdirSync(path.join(dir, 'rootfs', 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'rootfs', 'data', 'from-image'), 'x');
    const data = path.join(dir, '_data');
    mkdirSync(data);
    writeFileSync(path.join(data, 'mine'), 'keep');
    assert.equal(await seedVolume(path.join(dir, 'rootfs'), '/data', data), false);
    assert.deepEqual(readdirSync(data), ['mine']);
  });

  it('copies nothing when the image has no such directory', async (t) => {
    const dir = temp(t);
    mkdirSync(path.join(dir, 'rootfs'));
    const data = path.join(dir, '_data');
    mkdirSync(data);
    assert.equal(await seedVolume(path.join(dir, 'rootfs'), '/nothing/here', data), false);
  });

  it('follows a symlinked mount point inside the root only, never to the host', async (t) => {
    const dir = temp(t);
    const rootfs = path.join(dir, 'rootfs');
    mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
    writeFileSync(path.join(rootfs, 'etc', 'inside'), 'container file');
    // /data → /etc: an absolute target means the container's /etc, not the host's.
    symlinkSync('/etc', path.join(rootfs, 'data'));
    const data = path.join(dir, '_data');
    mkdirSync(data);
    await seedVolume(rootfs, '/data', data);
    assert.deepEqual(readdirSync(data), ['inside']);
  });

  it('refuses to mount a volume over a file', async (t) => {
    const dir = temp(t);
    mkdirSync(path.join(dir, 'rootfs'));
    writeFileSync(path.join(dir, 'rootfs', 'file'), 'x');
    const data = path.join(dir, '_data');
    mkdirSync(data);
    await assert.rejects(seedVolume(path.join(dir, 'rootfs'), '/file', data), /cannot mount volume over existing file/);
  });
});
