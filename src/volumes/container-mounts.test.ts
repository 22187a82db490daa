import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { NotFoundError } from '../errors.js';
import { ContainerMounts } from './container-mounts.js';
import { VolumeService } from './volume-service.js';
import type { MountPoint } from './volume.js';

async function setup(t: { after(fn: () => void): void }): Promise<{ dir: string; mounts: ContainerMounts; volumes: VolumeService }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bt-cm-'));
  t.after(() => {
    spawnSync('umount', ['-R', '-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  const volumes = new VolumeService(path.join(dir, 'volumes'));
  await volumes.init();
  return { dir, mounts: new ContainerMounts(volumes), volumes };
}

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const nobody = (ref: string): never => {
  throw new NotFoundError(`No such container: ${ref}`);
};

describe('ContainerMounts', () => {
  it('creates named and anonymous volumes at create and references them', async (t) => {
    const { mounts, volumes } = await setup(t);
    const points = await mounts.create(A, { binds: ['data:/data'], configVolumes: ['/cache'], lookup: nobody });
    const cache = points.find((p) => p.destination === '/cache')!;
    assert.equal(cache.anonymous, true);
    assert.equal(cache.source, volumes.mountpoint(cache.name!));
    assert.deepEqual(volumes.refs('data'), [A]);
    assert.deepEqual(volumes.refs(cache.name!), [A]);
    assert.equal(points.find((p) => p.destination === '/data')!.anonymous, undefined);
  });

  it('undoes what it made when a later mount fails', async (t) => {
    const { mounts, volumes } = await setup(t);
    await volumes.create({ name: 'existing' });
    await assert.rejects(
      mounts.create(A, { binds: ['existing:/a', 'fresh:/b'], configVolumes: ['/c'], mounts: [{ Type: 'volume', Source: 'bad', Target: '/d', VolumeOptions: { DriverConfig: { Name: 'nfs' } } }], lookup: nobody }),
      /plugin "nfs" not found/,
    );
    assert.deepEqual(volumes.list().map((v) => v.name), ['existing']);
    assert.equal(volumes.isReferenced('existing'), false);
  });

  it('checks a --mount bind source before creating anything', async (t) => {
    const { mounts, volumes } = await setup(t);
    await assert.rejects(
      mounts.create(A, { binds: ['v1:/v'], mounts: [{ Type: 'bind', Source: '/does/not/exist', Target: '/x' }], lookup: nobody }),
      { message: 'invalid mount config for type "bind": bind source path does not exist: /does/not/exist' },
    );
    assert.deepEqual(volumes.list(), []);
  });

  it('shares another container\'s volumes and removes anonymous ones only when nobody uses them', async (t) => {
    const { mounts, volumes } = await setup(t);
    const first: MountPoint[] = await mounts.create(A, { configVolumes: ['/shared'], binds: ['named:/named'], lookup: nobody });
    const second = await mounts.create(B, { volumesFrom: ['first:ro'], lookup: () => ({ id: A, mounts: first }) });
    const anon = first.find((m) => m.anonymous)!.name!;
    assert.deepEqual(second.map((m) => [m.destination, m.rw]).sort(), [['/named', false], ['/shared', false]]);

    await mounts.remove({ id: A, mounts: first }, true); // still used by B: kept
    assert.ok(volumes.tryGet(anon));
    await mounts.remove({ id: B, mounts: second }, true); // B's rm -v: now it goes; the named one stays
    assert.equal(volumes.tryGet(anon), undefined);
    assert.ok(volumes.tryGet('named'));
    assert.equal(volumes.isReferenced('named'), false);
  });

  it('prepares binds at start: creates a missing -v source, seeds an empty volume once, passes tmpfs through', async (t) => {
    const { dir, mounts, volumes } = await setup(t);
    const rootfs = path.join(dir, 'rootfs');
    mkdirSync(path.join(rootfs, 'app'), { recursive: true });
    writeFileSync(path.join(rootfs, 'app', 'seed'), 'from image');
    const hostDir = path.join(dir, 'host', 'made', 'at', 'start');
    const c = {
      id: A,
      mounts: await mounts.create(A, {
        binds: [`${hostDir}:/h:ro`, 'appdata:/app'],
        mounts: [{ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024 * 1024 } }],
        lookup: nobody,
      }),
    };
    const started = await mounts.start(c, rootfs);
    assert.ok(statSync(hostDir).isDirectory());
    assert.deepEqual(readdirSync(volumes.mountpoint('appdata')), ['seed']);
    assert.deepEqual(started.tmpfs, { '/t': 'size=1m' });
    assert.deepEqual(started.binds.map((b) => [b.destination, b.readonly, b.propagation ?? '']), [['/h', true, 'rprivate'], ['/app', false, '']]);
    assert.equal(c.mounts.find((m) => m.name === 'appdata')!.copyData, false);
    await mounts.stop(c);
    assert.ok(existsSync(volumes.mountpoint('appdata')));
  });

  it('fails a start whose --mount bind source went away', async (t) => {
    const { dir, mounts } = await setup(t);
    const src = path.join(dir, 'src');
    mkdirSync(src);
    const c = { id: A, mounts: await mounts.create(A, { mounts: [{ Type: 'bind', Source: src, Target: '/x' }], lookup: nobody }) };
    rmSync(src, { recursive: true });
    await assert.rejects(mounts.start(c, dir), /bind source path does not exist/);
    assert.equal(existsSync(src), false);
  });
});
