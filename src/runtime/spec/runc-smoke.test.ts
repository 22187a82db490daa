/**
 * One real container: a spec from buildContainerSpec, run by the host's runc
 * on a busybox rootfs. Proves runc accepts what the builder writes (mounts,
 * namespaces, masks, resources, rlimits, init) and that the process gets the
 * hostname and exactly Docker's default capabilities.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { hostCgroupLayout } from '../../host/cgroups.js';
import { resolveUser } from '../user.js';
import { DEFAULT_CAPABILITIES, capabilityMask } from './default-capabilities.js';
import { buildContainerSpec, specToJson } from './spec-builder.js';

const execFileP = promisify(execFile);
const RUNC = '/usr/sbin/runc';
const missing = ['/bin/busybox', RUNC, '/usr/bin/tini-static'].filter((p) => !existsSync(p));

/** Every directory the cgroup has in the host's hierarchies. */
function cgroupDirs(cgroupsPath: string): string[] {
  const layout = hostCgroupLayout();
  if (layout.version === 2) return [path.join(layout.mountpoint, cgroupsPath)];
  const mountpoints = [...layout.mounts.values(), ...(layout.unified ? [layout.unified] : [])];
  return [...new Set(mountpoints.map((m) => path.join(m, cgroupsPath)))];
}

describe('runc runs a built spec', { skip: missing.length > 0 && `missing ${missing.join(', ')}` }, () => {
  it('starts a busybox container with the hostname and Docker’s default capabilities', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-runc-'));
    const id = `berth-smoke-${process.pid}`;
    const stateRoot = path.join(dir, 'state');
    const parent = `/berth-spec-test-${process.pid}`;
    const cgroupsPath = `${parent}/${id}`;
    t.after(async () => {
      // runc run removes the container when it exits; this covers a failure half-way.
      await execFileP(RUNC, ['--root', stateRoot, 'delete', '--force', id]).catch(() => {});
      for (const d of cgroupDirs(cgroupsPath)) {
        for (const p of [d, path.dirname(d)]) await rmdir(p).catch(() => {});
      }
      await rm(dir, { recursive: true, force: true });
    });

    const rootfs = path.join(dir, 'rootfs');
    const bundle = path.join(dir, 'bundle');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await mkdir(bundle);
    await copyFile('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'hostname', 'id', 'cat', 'grep']) {
      await symlink('busybox', path.join(rootfs, 'bin', applet));
    }

    const spec = buildContainerSpec({
      id,
      rootfs,
      readonlyRootfs: false,
      args: ['/bin/sh', '-c', 'hostname; id -u; cat /proc/self/status | grep CapEff'],
      env: [],
      cwd: '/',
      user: await resolveUser(rootfs, ''),
      hostname: 'berth-smoke',
      tty: false,
      privileged: false,
      capAdd: [],
      capDrop: [],
      resources: {
        memory: 64 * 1024 * 1024,
        nanoCpus: 0.5e9,
        pidsLimit: 64,
        ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }],
      },
      tmpfs: { '/tmp': 'size=1m' },
      binds: [],
      network: { mode: 'private' },
      init: true,
      cgroupsPath,
    });
    await writeFile(path.join(bundle, 'config.json'), specToJson(spec));

    const { stdout } = await execFileP(RUNC, ['--root', stateRoot, 'run', '--bundle', bundle, id], { timeout: 30_000 });
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], 'berth-smoke');
    assert.equal(lines[1], '0');
    assert.match(lines[2] ?? '', /^CapEff:\s+([0-9a-f]+)$/);
    assert.equal(lines[2]!.split(/\s+/)[1], capabilityMask(DEFAULT_CAPABILITIES));
    assert.equal(capabilityMask(DEFAULT_CAPABILITIES), '00000000a80425fb');
  });
});
