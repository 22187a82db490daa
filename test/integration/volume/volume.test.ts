/**
 * `volume create/ls/inspect/rm/prune` through both CLIs: what a user sees,
 * and the errors bad input gets (the daemon stays up).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

for (const which of cliUnderTest) describe(`volume commands (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const ok = (args: string[], input?: string) => {
    const r = cli(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const fails = (args: string[], pattern: RegExp, code = 1) => {
    const r = cli(args);
    assert.equal(r.code, code, `${args.join(' ')} should fail: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, pattern);
  };

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('creates, lists and inspects a volume', () => {
    assert.equal(ok(['volume', 'create', '--label', 'tier=db', '--label', 'env=test', 'data1']), 'data1\n');
    // The same name again answers with the volume that exists.
    assert.equal(ok(['volume', 'create', 'data1']), 'data1\n');
    const anon = ok(['volume', 'create']).trim();
    assert.match(anon, /^[0-9a-f]{64}$/);
    // Sorted by name, digits first (docker's natural order).
    const rows = /^\d/.test(anon) || anon < 'data1' ? [anon, 'data1'] : ['data1', anon];
    assert.equal(ok(['volume', 'ls']), `DRIVER    VOLUME NAME\n${rows.map((n) => `local     ${n}\n`).join('')}`);
    assert.equal(ok(['volume', 'ls', '-q', '--filter', 'label=tier=db']), 'data1\n');
    assert.equal(ok(['volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Label "env"}}', '-f', 'name=data']), 'data1 local local test\n');
    const [info] = JSON.parse(ok(['volume', 'inspect', 'data1'])) as Array<Record<string, unknown>>;
    assert.deepEqual(
      { ...info, CreatedAt: typeof info!['CreatedAt'] },
      {
        CreatedAt: 'string',
        Driver: 'local',
        Labels: { env: 'test', tier: 'db' },
        Mountpoint: path.join(d.dataRoot, 'volumes', 'data1', '_data'),
        Name: 'data1',
        Options: null,
        Scope: 'local',
      },
    );
    assert.ok(existsSync(info!['Mountpoint'] as string));
    assert.equal(ok(['volume', 'inspect', '-f', '{{.Labels}}', anon]), 'map[com.docker.volume.anonymous:]\n');
    ok(['volume', 'rm', anon]);
  });

  it('creates tmpfs and bind volumes with --opt, and refuses bad options', () => {
    ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=2m', 'mem']);
    assert.equal(ok(['volume', 'inspect', '-f', '{{.Options.type}} {{.Options.o}}', 'mem']), 'tmpfs size=2m\n');
    fails(['volume', 'create', '-o', 'type=tmpfs', 'bad1'], /missing required option: "device"/);
    fails(['volume', 'create', '-o', 'colour=red', 'bad2'], /invalid option: "colour"/);
    fails(['volume', 'create', '-d', 'nfs', 'bad3'], /error looking up volume plugin nfs: plugin "nfs" not found/);
    assert.equal(ok(['volume', 'ls', '-q', '-f', 'name=bad']), '');
  });

  it('refuses names that are not volume names and never writes outside the volumes directory', () => {
    for (const name of ['a/b', '../../etc', '..', 'x']) fails(['volume', 'create', name], /create .*(includes invalid characters|too short)/);
    fails(['volume', 'inspect', '..'], /no such volume|page not found/);
    fails(['volume', 'rm', '../volumes'], /no such volume|page not found/);
    assert.deepEqual(readdirSync(path.join(d.dataRoot, 'volumes')).sort(), ['data1', 'mem']);
    assert.ok(d.pid !== undefined && existsSync(`/proc/${d.pid}`), 'daemon still up');
  });

  it('refuses to remove a volume in use, even with -f, and removes it once free', () => {
    const id = ok(['create', '--name', 'user1', '-v', 'data1:/data', 'busybox', 'true']).trim();
    fails(['volume', 'rm', 'data1'], new RegExp(`Error response from daemon: remove data1: volume is in use - \\[${id}\\]`));
    fails(['volume', 'rm', '-f', 'data1'], /volume is in use/);
    assert.equal(ok(['volume', 'ls', '-q', '-f', 'dangling=false']), 'data1\n');
    assert.equal(ok(['volume', 'ls', '-q', '-f', 'dangling=true']), 'mem\n');
    ok(['rm', 'user1']);
    assert.equal(ok(['volume', 'rm', 'data1', 'mem']), 'data1\nmem\n');
    fails(['volume', 'rm', 'data1'], /Error response from daemon: get data1: no such volume/);
    assert.equal(ok(['volume', 'rm', '-f', 'data1']), 'data1\n');
  });

  it('prunes anonymous unused volumes, or all unused ones with -a, after asking', () => {
    const anon = ok(['volume', 'create']).trim();
    ok(['volume', 'create', 'named1']);
    ok(['volume', 'create', '--label', 'keep=yes', 'named2']);
    ok(['create', '--name', 'holder', '-v', '/held', 'busybox', 'true']);
    const held = ok(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'holder']).trim();

    assert.match(ok(['volume', 'prune'], 'n\n'), /WARNING! This will remove anonymous local volumes not used by at least one container\.\nAre you sure you want to continue\? \[y\/N\] /);
    assert.equal(ok(['volume', 'ls', '-q']).split('\n').filter(Boolean).length, 4);

    assert.match(ok(['volume', 'prune'], 'y\n'), new RegExp(`Deleted Volumes:\\n${anon}\\n\\nTotal reclaimed space: 0B\\n$`));
    assert.equal(ok(['volume', 'prune', '-a', '-f', '--filter', 'label!=keep']), 'Deleted Volumes:\nnamed1\n\nTotal reclaimed space: 0B\n');
    assert.equal(ok(['volume', 'prune', '-af']), 'Deleted Volumes:\nnamed2\n\nTotal reclaimed space: 0B\n');
    assert.equal(ok(['volume', 'ls', '-q']), `${held}\n`);
    assert.equal(ok(['volume', 'prune', '-f']), 'Total reclaimed space: 0B\n');
    ok(['rm', '-v', 'holder']);
    assert.equal(ok(['volume', 'ls', '-q']), '');
  });
});
