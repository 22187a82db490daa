/**
 * Containers with volumes, binds and tmpfs mounts through both CLIs, each
 * checked by what a user sees: data that outlives its container and is
 * shared, --volumes-from, read-only mounts, host directories both ways, a
 * Dockerfile VOLUME seeded from the image, anonymous volumes and rm -v/--rm,
 * tmpfs volumes mounted only while used, and the errors bad input gets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BuildContexts } from '../../harness/build-contexts.js';
import { cliUnderTest, mountsUnder, startDaemonWithBusybox, waitForLog, type RunResult, type TestDaemon } from '../../harness/daemon.js';

for (const which of cliUnderTest) describe(`container mounts (${which} CLI)`, () => {
  let d: TestDaemon;
  const dirs = new BuildContexts();
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const fails = (args: string[], pattern: RegExp, code = 125) => {
    const r = cli(args);
    assert.equal(r.code, code, `${args.join(' ')} should fail with ${code}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, pattern);
  };
  const volumes = () => ok(['volume', 'ls', '-q']).split('\n').filter(Boolean).sort();
  const mountsJson = (name: string) => JSON.parse(ok(['inspect', '-f', '{{json .Mounts}}', name])) as Array<Record<string, unknown>>;
  const dataPath = (volume: string) => path.join(d.dataRoot, 'volumes', volume, '_data');

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
    dirs.cleanup();
  });

  it('keeps a named volume\'s data after its container is removed, and shares it between containers', async () => {
    ok(['run', '--name', 'writer', '-v', 'shared:/data', 'busybox', 'sh', '-c', 'echo one > /data/f']);
    assert.deepEqual(mountsJson('writer'), [
      { Type: 'volume', Name: 'shared', Source: dataPath('shared'), Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
    ]);
    assert.equal(ok(['ps', '-a', '-q', '--no-trunc', '--filter', 'volume=shared']).trim(), ok(['inspect', '-f', '{{.Id}}', 'writer']).trim());
    assert.equal(ok(['ps', '-a', '--format', '{{.Names}}', '--filter', 'volume=/data']), 'writer\n');
    ok(['rm', 'writer']);
    assert.ok(volumes().includes('shared'));

    // Two live containers on one volume: the reader sees what the other writes.
    ok(['run', '-d', '--name', 'reader', '-v', 'shared:/data', 'busybox', 'sh', '-c', 'while [ ! -f /data/g ]; do sleep 0.05; done; cat /data/f /data/g']);
    ok(['run', '--rm', '-v', 'shared:/data', 'busybox', 'sh', '-c', 'echo two > /data/g']);
    assert.equal(ok(['wait', 'reader']).trim(), '0');
    assert.equal(ok(['logs', 'reader']), 'one\ntwo\n');
    ok(['rm', 'reader']);
    assert.equal(readFileSync(path.join(dataPath('shared'), 'g'), 'utf8'), 'two\n');
  });

  it('refuses writes through a read-only mount (EROFS)', () => {
    for (const flags of [['-v', 'shared:/data:ro'], ['--mount', 'type=volume,src=shared,dst=/data,readonly']]) {
      const r = cli(['run', '--rm', ...flags, 'busybox', 'sh', '-c', 'cat /data/f; echo x > /data/x']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, 'one\n');
      assert.match(r.stderr, /Read-only file system/);
    }
    assert.equal(existsSync(path.join(dataPath('shared'), 'x')), false);
  });

  it('mounts another container\'s volumes with --volumes-from, read-only with :ro', () => {
    ok(['run', '--name', 'store', '-v', '/anon', '-v', 'shared:/s', 'busybox', 'sh', '-c', 'echo anon > /anon/f']);
    assert.equal(ok(['run', '--rm', '--volumes-from', 'store', 'busybox', 'cat', '/anon/f', '/s/f']), 'anon\none\n');
    const r = cli(['run', '--rm', '--volumes-from', 'store:ro', 'busybox', 'sh', '-c', 'echo no > /anon/f']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Read-only file system/);
    fails(['run', '--rm', '--volumes-from', 'ghost', 'busybox', 'true'], /No such container: ghost/);
  });

  it('binds host directories both ways, creating a missing one for -v but not for --mount', () => {
    const host = dirs.temp('bt-bind-');
    writeFileSync(path.join(host, 'in'), 'from host\n');
    assert.equal(ok(['run', '--rm', '-v', `${host}:/h`, 'busybox', 'sh', '-c', 'cat /h/in; echo from container > /h/out']), 'from host\n');
    assert.equal(readFileSync(path.join(host, 'out'), 'utf8'), 'from container\n');
    ok(['run', '--name', 'binder', '-v', `${host}:/h:ro`, '--mount', `type=bind,src=${host},dst=/m,bind-propagation=rslave`, 'busybox', 'true']);
    assert.deepEqual(mountsJson('binder'), [
      { Type: 'bind', Source: host, Destination: '/h', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'bind', Source: host, Destination: '/m', Mode: '', RW: true, Propagation: 'rslave' },
    ]);
    ok(['rm', 'binder']);

    const made = path.join(host, 'made', 'for', 'v');
    ok(['run', '--rm', '-v', `${made}:/n`, 'busybox', 'touch', '/n/x']);
    assert.ok(statSync(path.join(made, 'x')).isFile());
    const missing = path.join(host, 'not-there');
    fails(['run', '--rm', '--mount', `type=bind,src=${missing},dst=/x`, 'busybox', 'true'], new RegExp(`invalid mount config for type "bind": bind source path does not exist: ${missing}`));
    assert.equal(existsSync(missing), false);
  });

  it('seeds a new volume from the image (Dockerfile VOLUME or -v), keeping owners, modes and links', () => {
    ok(['run', '--name', 'seedbase', 'busybox', 'sh', '-c', 'mkdir -p /seed/sub && echo seeded > /seed/file && ln -s file /seed/link && chown -R 1000:1000 /seed && chmod 750 /seed']);
    ok(['commit', '--change', 'VOLUME /seed', 'seedbase', 'seeded:1']);
    ok(['rm', 'seedbase']);
    const listing = 'drwxr-x--- 1000:1000 /seed\n-rw-r--r-- 1000:1000 /seed/file\nlrwxrwxrwx 1000:1000 /seed/link\ndrwxr-xr-x 1000:1000 /seed/sub\nseeded\n';
    const show = "for p in /seed /seed/file /seed/link /seed/sub; do stat -c '%A %u:%g %n' $p; done; cat /seed/link";
    // An image VOLUME gets an anonymous volume holding the image's content.
    assert.equal(ok(['run', '--name', 'seeder', 'seeded:1', 'sh', '-c', show]), listing);
    const [m] = mountsJson('seeder');
    assert.match(String(m!['Name']), /^[0-9a-f]{64}$/);
    assert.deepEqual({ ...m, Name: '', Source: '' }, { Type: 'volume', Name: '', Source: '', Destination: '/seed', Driver: 'local', Mode: '', RW: true, Propagation: '' });
    assert.equal(ok(['volume', 'inspect', '-f', '{{json .Labels}}', String(m!['Name'])]), '{"com.docker.volume.anonymous":""}\n');
    // A named volume is seeded too, and keeps the copy for a container of another image.
    ok(['run', '--rm', '-v', 'seedvol:/seed', 'seeded:1', 'true']);
    assert.equal(ok(['run', '--rm', '-v', 'seedvol:/seed', 'busybox', 'sh', '-c', show]), listing);
    // nocopy, and a volume that has data, are left as they are.
    assert.equal(ok(['run', '--rm', '-v', 'empty:/seed:nocopy', 'seeded:1', 'ls', '-A', '/seed']), '');
    assert.equal(ok(['run', '--rm', '-v', 'shared:/seed', 'seeded:1', 'ls', '/seed']), 'f\ng\n');
    ok(['rm', '-v', 'seeder']);
    ok(['volume', 'rm', 'seedvol', 'empty']);
  });

  it('lists anonymous volumes, keeps them on rm, removes them with rm -v and --rm', () => {
    const before = volumes();
    ok(['run', '--name', 'anon1', '-v', '/cache', '-v', 'named-keep:/k', 'busybox', 'true']);
    const anon = volumes().filter((v) => !before.includes(v) && v !== 'named-keep');
    assert.equal(anon.length, 1);
    assert.match(anon[0]!, /^[0-9a-f]{64}$/);
    ok(['rm', '-v', 'anon1']);
    assert.deepEqual(volumes(), [...before, 'named-keep'].sort());

    ok(['run', '--name', 'anon2', '-v', '/cache', 'busybox', 'true']);
    ok(['rm', 'anon2']);
    const left = volumes().filter((v) => !before.includes(v) && v !== 'named-keep');
    assert.equal(left.length, 1, 'rm without -v keeps the anonymous volume');
    assert.deepEqual(ok(['volume', 'ls', '-q', '-f', 'dangling=true']).split('\n').filter((v) => left.includes(v)), left);
    ok(['volume', 'rm', left[0]!, 'named-keep']);

    ok(['run', '--rm', '-v', '/cache', '-v', 'stays:/s', 'busybox', 'touch', '/cache/x']);
    assert.deepEqual(volumes(), [...before, 'stays'].sort());
    ok(['volume', 'rm', 'stays']);
  });

  it('mounts a tmpfs volume only while a container uses it', async () => {
    ok(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=1m', 'mem']);
    ok(['run', '-d', '--name', 'memuser', '-v', 'mem:/m', 'busybox', 'sh', '-c', 'echo in-memory > /m/f; echo ready; sleep 600']);
    await waitForLog(cli, 'memuser', 'ready');
    assert.ok(mountsUnder(d.dir).includes(dataPath('mem')), 'tmpfs mounted at the volume data');
    assert.equal(ok(['exec', 'memuser', 'df', '-k', '/m']).split('\n')[1]!.split(/\s+/)[1], '1024');
    assert.equal(ok(['run', '--rm', '-v', 'mem:/m', 'busybox', 'cat', '/m/f']), 'in-memory\n');
    ok(['rm', '-f', 'memuser']);
    assert.ok(!mountsUnder(d.dir).includes(dataPath('mem')), 'unmounted after the last user');
    assert.equal(ok(['run', '--rm', '--mount', 'type=tmpfs,dst=/t,tmpfs-size=2m', 'busybox', 'sh', '-c', "df -k /t | tail -1 | awk '{print $2}'"]), '2048\n');
    ok(['volume', 'rm', 'mem']);
  });

  it('binds a host directory through a local volume (--opt o=bind)', () => {
    const host = dirs.temp('bt-vbind-');
    ok(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${host}`, 'hostvol']);
    ok(['run', '--rm', '-v', 'hostvol:/h', 'busybox', 'sh', '-c', 'echo via volume > /h/f']);
    assert.equal(readFileSync(path.join(host, 'f'), 'utf8'), 'via volume\n');
    ok(['volume', 'rm', 'hostvol']);
    assert.ok(existsSync(path.join(host, 'f')), 'removing the volume keeps the host directory');
    ok(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${path.join(d.dataRoot, 'volumes', 'loop', '_data')}`, 'loop']);
    fails(['run', '--rm', '-v', 'loop:/x', 'busybox', 'true'], /would bind the volume into itself/);
    ok(['volume', 'rm', 'loop']);
  });

  it('keeps writes into a volume out of the container\'s layer', () => {
    ok(['run', '--name', 'layered', '-v', 'outside:/data', 'busybox', 'sh', '-c', 'echo v > /data/in-volume; echo l > /in-layer']);
    const diff = ok(['diff', 'layered']);
    assert.match(diff, /^A \/in-layer$/m);
    assert.doesNotMatch(diff, /in-volume/);
    ok(['commit', 'layered', 'layered:1']);
    assert.equal(cli(['run', '--rm', 'layered:1', 'cat', '/data/in-volume']).code, 1);
    ok(['rm', 'layered']);
    ok(['volume', 'rm', 'outside']);
  });

  it('answers bad mount input with Docker\'s errors and stays up', () => {
    fails(['run', '--rm', '-v', 'a/b:/x', 'busybox', 'true'], /"a\/b" includes invalid characters for a local volume name/);
    fails(['run', '--rm', '-v', 'v1:/x', '-v', 'v2:/x', 'busybox', 'true'], /Duplicate mount point: \/x/);
    fails(['run', '--rm', '--mount', 'type=volume,dst=relative', 'busybox', 'true'], /invalid mount config for type "volume": invalid mount path: 'relative' mount path must be absolute/);
    fails(['run', '--rm', '--mount', 'type=tmpfs,src=x,dst=/t', 'busybox', 'true'], /field Source must not be specified/);
    fails(['run', '--rm', '--mount', 'type=bind,dst=/t', 'busybox', 'true'], /invalid mount config for type "bind": field Source must not be empty/);
    assert.ok(!volumes().includes('v1') && !volumes().includes('v2'), 'no volume made by a refused create');
    assert.ok(d.pid !== undefined && existsSync(`/proc/${d.pid}`));
  });

  it('leaves no mounts behind once its containers are gone', () => {
    const ids = ok(['ps', '-aq']).split('\n').filter(Boolean);
    if (ids.length > 0) ok(['rm', '-f', '-v', ...ids]);
    const left = mountsUnder(d.dir).filter((m) => m.startsWith(path.join(d.dataRoot, 'volumes')));
    assert.deepEqual(left, []);
  });
});
