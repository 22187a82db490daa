/**
 * `system df`, `system prune` and `builder prune` through both CLIs against
 * a real berthd: the totals count what the test made (an image built on
 * busybox, a container that wrote a file, a volume with data, the build's
 * context kept as build cache), -v lists each of them, and the prunes remove
 * exactly what docker's would and report it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BuildContexts } from '../../harness/build-contexts.js';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';
import { humanSize } from '../../../src/units/bytes.js';

interface ImageRow {
  Id: string;
  RepoTags: string[] | null;
  Size: number;
  SharedSize: number;
  Containers: number;
}

interface DiskUsageAnswer {
  LayersSize: number;
  Images: ImageRow[];
  Containers: Array<{ Id: string; Names: string[]; State: string; SizeRw?: number }>;
  Volumes: Array<{ Name: string; UsageData: { Size: number; RefCount: number } }>;
  BuildCache: Array<{ ID: string; InUse: boolean; Shared: boolean; Size: number; Type: string }>;
}

const KiB = 1024;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const percent = (part: number, total: number): string => (total > 0 ? `${humanSize(part)} (${Math.trunc((part * 100) / total)}%)` : humanSize(part));

for (const which of cliUnderTest) describe(`disk use (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const contexts = new BuildContexts();
  const ok = (args: string[], input?: string): string => {
    const r = cli(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const usage = async (): Promise<DiskUsageAnswer> => {
    const r = await d.api('GET', '/v1.45/system/df');
    assert.equal(r.status, 200, r.text);
    return r.body as DiskUsageAnswer;
  };
  const tagged = (du: DiskUsageAnswer, tag: string): ImageRow => {
    const row = du.Images.find((i) => (i.RepoTags ?? []).includes(tag));
    assert.ok(row, `${tag} in ${JSON.stringify(du.Images)}`);
    return row;
  };
  const dfRows = (): Array<Record<string, string>> =>
    ok(['system', 'df', '--format', 'json']).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
    contexts.cleanup();
  });

  it('counts an image, a container that wrote a file, a volume with data and the build cache', async () => {
    const empty = dfRows();
    assert.deepEqual(empty.slice(1).map((r) => [r['Type'], r['TotalCount'], r['Size']]), [['Containers', '0', '0B'], ['Local Volumes', '0', '0B'], ['Build Cache', '0', '0B']]);
    assert.deepEqual([empty[0]!['Type'], empty[0]!['TotalCount'], empty[0]!['Active']], ['Images', '1', '0']);

    const dir = contexts.make({ Dockerfile: 'FROM busybox\nCOPY payload /payload\nRUN dd if=/dev/zero of=/blob bs=1k count=512\n', payload: 'x'.repeat(100_000) });
    ok(['build', '-q', '-t', 'du-app:1', dir]);
    ok(['run', '--rm', '-v', 'duvol:/data', 'busybox', 'dd', 'if=/dev/zero', 'of=/data/f', 'bs=1k', 'count=300']);
    ok(['run', '--name', 'writer', 'busybox', 'dd', 'if=/dev/zero', 'of=/blob', 'bs=1k', 'count=200']);
    ok(['run', '-d', '--name', 'idle', 'du-app:1', 'sleep', '300']);

    const du = await usage();
    const busybox = tagged(du, 'busybox:latest');
    const app = tagged(du, 'du-app:1');
    assert.equal(du.Images.length, 2);
    // du-app is busybox plus its own layers: busybox's layer is shared, the rest is du-app's alone.
    assert.equal(app.SharedSize, busybox.Size);
    assert.equal(busybox.SharedSize, busybox.Size);
    assert.ok(app.Size - app.SharedSize >= 512 * KiB + 100_000, `du-app's own layers: ${app.Size - app.SharedSize}`);
    assert.deepEqual([busybox.Containers, app.Containers], [1, 1]);
    assert.ok(du.LayersSize >= app.Size && du.LayersSize <= app.Size + busybox.Size, `LayersSize ${du.LayersSize}`);

    const writer = du.Containers.find((c) => c.Names.includes('/writer'))!;
    const idle = du.Containers.find((c) => c.Names.includes('/idle'))!;
    assert.equal(writer.State, 'exited');
    assert.equal(idle.State, 'running');
    assert.ok(writer.SizeRw! >= 200 * KiB && writer.SizeRw! < 200 * KiB + 128 * KiB, `writer SizeRw ${writer.SizeRw}`);
    assert.ok(idle.SizeRw! < 64 * KiB, `idle SizeRw ${idle.SizeRw}`);

    assert.equal(du.Volumes.length, 1);
    const vol = du.Volumes[0]!;
    assert.equal(vol.Name, 'duvol');
    assert.equal(vol.UsageData.RefCount, 0);
    assert.ok(vol.UsageData.Size >= 300 * KiB && vol.UsageData.Size < 300 * KiB + 64 * KiB, `volume size ${vol.UsageData.Size}`);

    assert.equal(du.BuildCache.length, 1);
    const cache = du.BuildCache[0]!;
    assert.equal(cache.InUse, false);
    assert.ok(cache.Size >= 100_000, `build cache size ${cache.Size}`);

    // The table, from the daemon's numbers by docker's rules.
    const used = app.Size - app.SharedSize + (busybox.Size - busybox.SharedSize);
    const rw = writer.SizeRw! + idle.SizeRw!;
    assert.equal(
      ok(['system', 'df']),
      [
        `TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE`,
        `Images          2         2         ${humanSize(du.LayersSize).padEnd(10)}${percent(du.LayersSize - used, du.LayersSize)}`,
        `Containers      2         1         ${humanSize(rw).padEnd(10)}${percent(writer.SizeRw!, rw)}`,
        `Local Volumes   1         0         ${humanSize(vol.UsageData.Size).padEnd(10)}${percent(vol.UsageData.Size, vol.UsageData.Size)}`,
        `Build Cache     1         0         ${humanSize(cache.Size).padEnd(10)}${humanSize(cache.Size)}`,
        '',
      ].join('\n'),
    );
    assert.equal(ok(['system', 'df', '--format', '{{.Type}}={{.Active}}/{{.TotalCount}}']), 'Images=2/2\nContainers=1/2\nLocal Volumes=0/1\nBuild Cache=0/1\n');
  });

  it('lists every image, container, volume and cache record with -v', async () => {
    const du = await usage();
    const vol = du.Volumes[0]!;
    const out = ok(['system', 'df', '-v']);
    assert.match(out, /^Images space usage:\n\nREPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS\n/);
    assert.match(out, /^du-app +1 +[0-9a-f]{12} +.+ ago +\S+ +\S+ +\S+ +1$/m);
    assert.match(out, /^busybox +latest +[0-9a-f]{12} +.+ ago +\S+ +\S+ +0B +1$/m);
    assert.match(out, /\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n/);
    assert.match(out, /^[0-9a-f]{12} +du-app:1 +"sleep 300" +0 +\S+ +.+ ago +Up .+ +idle$/m);
    assert.match(out, /^[0-9a-f]{12} +busybox +"dd if=\/dev\/zero of=…" +0 +2\d\d(\.\d+)?kB +.+ ago +Exited \(0\) .+ ago +writer$/m);
    assert.match(out, new RegExp(`\\nLocal Volumes space usage:\\n\\nVOLUME NAME +LINKS +SIZE\\nduvol +0 +${escape(humanSize(vol.UsageData.Size))}\\n`));
    assert.match(out, new RegExp(`\\nBuild cache usage: ${escape(humanSize(du.BuildCache[0]!.Size))}\\n\\nCACHE ID +CACHE TYPE +SIZE +CREATED +LAST USED +USAGE +SHARED\\n[0-9a-f]{12} +source\\.local +\\S+ +.+ ago +.+ ago +1 +false\\n$`));
  });

  it('prunes build cache: nothing on no, the dangling part with -f, all of it with -af', async () => {
    assert.equal(ok(['builder', 'prune'], 'n\n'), 'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ');
    assert.equal((await usage()).BuildCache.length, 1);
    // The last build's context is what the next build of the project reuses: not dangling.
    assert.equal(ok(['builder', 'prune', '-f']), 'Total reclaimed space: 0B\n');
    const [cache] = (await usage()).BuildCache;
    assert.equal(ok(['builder', 'prune', '-a'], 'y\n'), `WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] Deleted build cache objects:\n${cache!.ID}\n\nTotal reclaimed space: ${humanSize(cache!.Size)}\n`);
    assert.deepEqual((await usage()).BuildCache, []);
    assert.deepEqual(dfRows()[3], { Active: '0', Reclaimable: '0B', Size: '0B', TotalCount: '0', Type: 'Build Cache' });
  });

  it('prunes stopped containers, unused networks, anonymous volumes and dangling images after asking', async () => {
    const one = contexts.make({ Dockerfile: 'FROM busybox\nRUN echo one > /one\n' });
    const two = contexts.make({ Dockerfile: 'FROM busybox\nRUN echo two > /two\n' });
    const first = ok(['build', '-q', '-t', 'dangle:1', one]).trim();
    ok(['build', '-q', '-t', 'dangle:1', two]);
    ok(['network', 'create', 'du-net']);
    const holder = ok(['create', '--name', 'anon-holder', '-v', '/anon', 'busybox', 'true']).trim();
    const anon = ok(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'anon-holder']).trim();
    const writer = ok(['inspect', '-f', '{{.Id}}', 'writer']).trim();

    const warning =
      'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n' +
      '  - all anonymous volumes not used by at least one container\n  - all dangling images\n  - unused build cache\n\n' +
      'Are you sure you want to continue? [y/N] ';
    assert.equal(ok(['system', 'prune', '--volumes'], 'n\n'), warning);
    assert.equal(ok(['ps', '-aq']).trim().split('\n').length, 3);

    const out = ok(['system', 'prune', '--volumes'], 'y\n');
    assert.ok(out.startsWith(warning), out);
    const deleted = /Deleted Containers:\n((?:[0-9a-f]{64}\n)+)\n/.exec(out);
    assert.ok(deleted, out);
    assert.deepEqual(deleted[1]!.trim().split('\n').sort(), [holder, writer].sort());
    assert.match(out, /\nDeleted Networks:\ndu-net\n\n/);
    assert.match(out, new RegExp(`\\nDeleted Volumes:\\n${anon}\\n\\n`));
    assert.match(out, new RegExp(`\\nDeleted Images:\\n(.+\\n)*deleted: ${escape(first)}\\n`));
    assert.match(out, /\nTotal reclaimed space: \S+\n$/);
    assert.ok(out.indexOf('Deleted Containers') < out.indexOf('Deleted Networks') && out.indexOf('Deleted Volumes') < out.indexOf('Deleted Images'), out);

    assert.equal(ok(['ps', '-a', '--format', '{{.Names}}']), 'idle\n');
    assert.equal(ok(['network', 'ls', '-q', '-f', 'name=du-net']), '');
    assert.equal(ok(['volume', 'ls', '-q']), 'duvol\n');
    assert.notEqual(cli(['image', 'inspect', first]).code, 0);
    ok(['image', 'inspect', 'dangle:1']);
    // Nothing left to prune but the (not dangling) build cache.
    assert.match(ok(['system', 'prune', '-f', '--volumes']), /^Total reclaimed space: 0B\n$/);
  });

  it('prunes every unused image and all build cache with -a, keeping what containers use', async () => {
    const out = ok(['system', 'prune', '-af']);
    assert.match(out, /\nuntagged: dangle:1\n/);
    assert.match(out, /\nDeleted build cache objects:\n\S+\n\n/);
    assert.ok(!out.includes('du-app'), out);
    ok(['image', 'inspect', 'du-app:1']);
    assert.notEqual(cli(['image', 'inspect', 'dangle:1']).code, 0);
    const rows = dfRows();
    assert.deepEqual(rows.slice(1).map((r) => [r['Type'], r['TotalCount'], r['Active']]), [['Containers', '1', '1'], ['Local Volumes', '1', '0'], ['Build Cache', '0', '0']]);
  });
});
