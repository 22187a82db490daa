/**
 * `system df`, `system prune` and `builder prune` against a scripted Engine
 * API server on a real unix socket: the requests each command line makes
 * and what reaches stdout/stderr with which exit status. When the docker
 * CLI is installed, the same command lines run through it against the same
 * server, and berth must print what docker prints and ask for the same
 * things. Disk use itself is proven by test/integration/system/disk-usage.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { diskUsageFixture } from '../../formatter/testdata/disk-usage-fixture.js';
import { berth, configDir, docker, hasDocker, scriptedDaemon, type Daemon, type Ran, type Reply, type Script, type Seen } from '../../testing/scripted-daemon.js';

process.env['TZ'] = 'UTC';

/** A daemon answering from `script`, then with the disk-usage fixture and prunes that removed nothing. */
function dfDaemon(t: TestContext, script: Script): Promise<Daemon> {
  // One answer per daemon, so berth and docker see the same times.
  const usage = diskUsageFixture(Date.now());
  const defaults = (r: Seen): Reply | undefined => {
    if (r.method === 'GET' && r.path === '/system/df') return { status: 200, body: usage };
    if (r.path === '/containers/prune') return { status: 200, body: { ContainersDeleted: null, SpaceReclaimed: 0 } };
    if (r.path === '/networks/prune') return { status: 200, body: { NetworksDeleted: null } };
    if (r.path === '/volumes/prune') return { status: 200, body: { VolumesDeleted: null, SpaceReclaimed: 0 } };
    if (r.path === '/images/prune') return { status: 200, body: { ImagesDeleted: null, SpaceReclaimed: 0 } };
    if (r.path === '/build/prune') return { status: 200, body: { CachesDeleted: null, SpaceReclaimed: 0 } };
    return undefined;
  };
  return scriptedDaemon(t, script, { defaults });
}

/** The filters of a request, however they were encoded ({"k":["v"]} or docker's {"k":{"v":true}}), as sorted pairs. */
function filtersOf(r: Seen): string[] {
  const raw = r.query.get('filters');
  if (raw === null || raw === '') return [];
  const parsed = JSON.parse(raw) as Record<string, string[] | Record<string, boolean>>;
  return Object.entries(parsed)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : Object.keys(v).filter((x) => v[x])).map((x) => `${k}=${x}`))
    .sort();
}

/** What a request asked for: method, path, the query besides filters, and the filters decoded. */
function asked(r: Seen): string {
  const rest = [...r.query].filter(([k]) => k !== 'filters').map(([k, v]) => `${k}=${v}`).sort();
  return `${r.method} ${r.path}${rest.length > 0 ? `?${rest.join('&')}` : ''} [${filtersOf(r).join(',')}]`;
}

/** Runs the same command line through berth, then (when installed) docker on a fresh record, and checks they agree. */
async function both(t: TestContext, script: Script, args: string[], input = '', o: { compareStderr?: boolean } = {}): Promise<{ ran: Ran; seen: Seen[] }> {
  const d = await dfDaemon(t, script);
  const ran = await berth(d.host, args, { input });
  const seen = [...d.seen];
  if (hasDocker) {
    d.seen.length = 0;
    const theirs = await docker(d.host, args, configDir(t), input);
    assert.equal(ran.stdout, theirs.stdout, `stdout of ${args.join(' ')} differs from docker's`);
    assert.equal(ran.status, theirs.status, `exit status of ${args.join(' ')}: docker ${theirs.status}, stderr ${theirs.stderr}`);
    if (o.compareStderr !== false) assert.equal(ran.stderr.replaceAll('berth', 'docker'), theirs.stderr, `stderr of ${args.join(' ')}`);
    assert.deepEqual(seen.map(asked), d.seen.map(asked), `requests of ${args.join(' ')}`);
  }
  return { ran, seen };
}

describe('system df', () => {
  it('asks for every kind and prints the summary table', async (t) => {
    const { ran, seen } = await both(t, () => undefined, ['system', 'df']);
    assert.deepEqual(seen.map((s) => `${s.method} ${s.path}${s.query.size > 0 ? `?${s.query}` : ''}`), ['GET /system/df']);
    assert.equal(ran.status, 0);
    assert.equal(
      ran.stdout,
      'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n' +
        'Images          3         2         5.763MB   4.263MB (73%)\n' +
        'Containers      3         1         2.06MB    2.048MB (99%)\n' +
        'Local Volumes   3         1         1.051MB   2kB (0%)\n' +
        'Build Cache     2         1         59kB      52kB\n',
    );
  });

  it('prints each section with -v, as docker does', async (t) => {
    const { ran } = await both(t, () => undefined, ['system', 'df', '-v']);
    assert.match(ran.stdout, /^Images space usage:\n\nREPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS\n/);
    assert.match(ran.stdout, /\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n4c01db0b339c /);
    assert.match(ran.stdout, /\nLocal Volumes space usage:\n\nVOLUME NAME +LINKS +SIZE\nwebdata +1 +1\.049MB\n/);
    assert.match(ran.stdout, /\nBuild cache usage: 59kB\n\nCACHE ID +CACHE TYPE +SIZE +CREATED +LAST USED +USAGE +SHARED\n0aa1bb2cc3dd\* +source\.local +7kB +2 minutes ago +1 +false\n/);
  });

  it('prints headers only, and no percentages, when there is nothing (null lists included)', async (t) => {
    const nothing: Script = (r) => (r.path === '/system/df' ? { status: 200, body: { LayersSize: 0, Images: [], Containers: null, Volumes: [], BuildCache: null } } : undefined);
    const { ran } = await both(t, nothing, ['system', 'df', '-v']);
    assert.match(ran.stdout, /\nBuild cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n$/);
    const summary = await both(t, nothing, ['system', 'df']);
    assert.match(summary.ran.stdout, /\nLocal Volumes   0         0         0B        0B\n/);
  });

  it('renders --format templates, json and raw, with and without -v', async (t) => {
    for (const args of [
      ['--format', 'json'],
      ['--format', 'raw'],
      ['--format', '{{.Type}}: {{.Reclaimable}}'],
      ['--format', 'table {{.Type}}\t{{.Size}}'],
      ['-v', '--format', 'json'],
      ['-v', '--format', 'raw'],
      ['-v', '--format', 'table {{range .Images}}{{.ID}}\t{{.Size}}\n{{end}}{{len .Volumes}}'],
      ['-v', '--format', '{{range .Containers}}{{.Names}} {{.Size}} {{.Command}}\n{{end}}'],
    ]) {
      const { ran } = await both(t, () => undefined, ['system', 'df', ...args]);
      assert.equal(ran.status, 0, `${args.join(' ')}: ${ran.stderr}`);
    }
    const { ran } = await both(t, () => undefined, ['system', 'df', '--format', 'json']);
    assert.equal(ran.stdout.split('\n')[0], '{"Active":"2","Reclaimable":"4.263MB (73%)","Size":"5.763MB","TotalCount":"3","Type":"Images"}');
  });

  it('fails on bad templates, arguments and daemon errors as docker does', async (t) => {
    const parse = await both(t, () => undefined, ['system', 'df', '--format', '{{.Nope']);
    assert.deepEqual(parse.ran, { stdout: '', stderr: 'template parsing error: template: :1: unclosed action\n', status: 1 });
    // Go names the type *formatter.imageContext where berth says *ImageContext: the rest must agree.
    const exec = await both(t, () => undefined, ['system', 'df', '-v', '--format', '{{range .Images}}{{.Tag}} {{.Nope}}{{end}}'], '', { compareStderr: false });
    assert.deepEqual(exec.ran, { stdout: 'latest ', stderr: 'template: :1:28: executing "" at <.Nope>: can\'t evaluate field Nope in type *ImageContext\n', status: 1 });
    const args = await both(t, () => undefined, ['system', 'df', 'x']);
    assert.equal(args.ran.status, 1);
    assert.equal(args.seen.length, 0);
    const refused = await both(t, () => ({ status: 500, body: { message: 'disk usage failed' } }), ['system', 'df']);
    assert.deepEqual(refused.ran, { stdout: '', stderr: 'Error response from daemon: disk usage failed\n', status: 1 });
  });
});

const PRUNED: Script = (r) => {
  if (r.path === '/containers/prune') return { status: 200, body: { ContainersDeleted: ['c1', 'c2'], SpaceReclaimed: 2_048_000 } };
  if (r.path === '/networks/prune') return { status: 200, body: { NetworksDeleted: ['front'] } };
  if (r.path === '/volumes/prune') return { status: 200, body: { VolumesDeleted: ['v1'], SpaceReclaimed: 1_000 } };
  if (r.path === '/images/prune') return { status: 200, body: { ImagesDeleted: [{ Untagged: 'app:v2' }, { Deleted: 'sha256:abc' }], SpaceReclaimed: 1_500_000 } };
  if (r.path === '/build/prune') return { status: 200, body: { CachesDeleted: ['sha256:0aa1bb2cc3dd4ee5ff6a7'], SpaceReclaimed: 7_000 } };
  return undefined;
};

describe('system prune', () => {
  const warning = (lines: string[], filters: string[] = []): string =>
    `WARNING! This will remove:\n${lines.map((l) => `  - ${l}\n`).join('')}` +
    (filters.length > 0 ? `\n  Items to be pruned will be filtered with:\n${filters.map((f) => `  - ${f}\n`).join('')}` : '') +
    '\nAre you sure you want to continue? [y/N] ';

  it('asks with docker\'s warning for each flag combination, and does nothing on no', async (t) => {
    const base = ['all stopped containers', 'all networks not used by at least one container'];
    const cases: Array<[string[], string]> = [
      [[], warning([...base, 'all dangling images', 'unused build cache'])],
      [['-a'], warning([...base, 'all images without at least one container associated to them', 'all build cache'])],
      [['--volumes'], warning([...base, 'all anonymous volumes not used by at least one container', 'all dangling images', 'unused build cache'])],
      [['-a', '--volumes', '--filter', 'label=b', '--filter', 'label!=a', '--filter', 'label=a10', '--filter', 'label=a9'], warning(
        [...base, 'all anonymous volumes not used by at least one container', 'all images without at least one container associated to them', 'all build cache'],
        ['label!=a', 'label=a9', 'label=a10', 'label=b'],
      )],
    ];
    for (const [flags, text] of cases) {
      const { ran, seen } = await both(t, PRUNED, ['system', 'prune', ...flags], 'n\n');
      assert.deepEqual(ran, { stdout: text, stderr: '', status: 0 });
      assert.equal(seen.length, 0);
    }
  });

  it('prunes in docker\'s order with docker\'s filters, and prints every section and the total', async (t) => {
    const { ran, seen } = await both(t, PRUNED, ['system', 'prune', '--filter', 'label=x'], 'y\n');
    assert.deepEqual(seen.map(asked), [
      'POST /containers/prune [label=x]',
      'POST /networks/prune [label=x]',
      'POST /images/prune [dangling=true,label=x]',
      'POST /build/prune [label=x]',
    ]);
    assert.equal(
      ran.stdout,
      `${warning(['all stopped containers', 'all networks not used by at least one container', 'all dangling images', 'unused build cache'], ['label=x'])}` +
        'Deleted Containers:\nc1\nc2\n\nDeleted Networks:\nfront\n\nDeleted Images:\nuntagged: app:v2\ndeleted: sha256:abc\n\n' +
        'Deleted build cache objects:\nsha256:0aa1bb2cc3dd4ee5ff6a7\n\nTotal reclaimed space: 3.555MB\n',
    );
  });

  it('takes anonymous volumes with --volumes, everything unused with -a, without asking under -f', async (t) => {
    const { ran, seen } = await both(t, PRUNED, ['system', 'prune', '-af', '--volumes']);
    assert.deepEqual(seen.map(asked), [
      'POST /containers/prune []',
      'POST /networks/prune []',
      'POST /volumes/prune []',
      'POST /images/prune [dangling=false]',
      'POST /build/prune?all=1 []',
    ]);
    assert.match(ran.stdout, /^Deleted Containers:\nc1\nc2\n\nDeleted Networks:\nfront\n\nDeleted Volumes:\nv1\n\nDeleted Images:\n/);
    assert.match(ran.stdout, /\nTotal reclaimed space: 3.556MB\n$/);
  });

  it('prints only the total when nothing went', async (t) => {
    const { ran } = await both(t, () => undefined, ['system', 'prune', '-f']);
    assert.deepEqual(ran, { stdout: 'Total reclaimed space: 0B\n', stderr: '', status: 0 });
  });

  it('refuses "until" with --volumes before asking, and stops at the first refusal', async (t) => {
    const until = await both(t, PRUNED, ['system', 'prune', '--volumes', '--filter', 'until=24h']);
    assert.deepEqual(until.ran, { stdout: '', stderr: 'ERROR: The "until" filter is not supported with "--volumes"\n', status: 1 });
    assert.equal(until.seen.length, 0);
    const refused = await both(t, (r) => (r.path === '/networks/prune' ? { status: 409, body: { message: 'a prune operation is already running' } } : PRUNED(r)), ['system', 'prune', '-f']);
    assert.deepEqual(refused.ran, { stdout: 'Deleted Containers:\nc1\nc2\n\n', stderr: 'Error response from daemon: a prune operation is already running\n', status: 1 });
    assert.deepEqual(refused.seen.map((s) => s.path), ['/containers/prune', '/networks/prune']);
  });
});

describe('builder prune', () => {
  // docker prints a deprecation notice for its legacy builder on stderr here; stdout, status and requests must agree.
  const noStderr = { compareStderr: false };

  it('asks first (all build cache with -a), and does nothing on no', async (t) => {
    const dangling = await both(t, PRUNED, ['builder', 'prune'], 'n\n', noStderr);
    assert.deepEqual(dangling.ran, { stdout: 'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ', stderr: '', status: 0 });
    const all = await both(t, PRUNED, ['builder', 'prune', '-a'], '', noStderr);
    assert.deepEqual(all.ran, { stdout: 'WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] ', stderr: '', status: 0 });
    assert.equal(dangling.seen.length + all.seen.length, 0);
  });

  it('sends all, keep-storage and filters as docker does and prints what went', async (t) => {
    const { ran, seen } = await both(t, PRUNED, ['builder', 'prune', '-a', '--keep-storage', '1g', '--filter', 'until=24h'], 'y\n', noStderr);
    assert.deepEqual(seen.map(asked), ['POST /build/prune?all=1&keep-storage=1073741824 [until=24h]']);
    assert.equal(
      ran.stdout,
      'WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] Deleted build cache objects:\nsha256:0aa1bb2cc3dd4ee5ff6a7\n\nTotal reclaimed space: 7kB\n',
    );
  });

  it('prints the space reclaimed even when no record is listed', async (t) => {
    const { ran, seen } = await both(t, (r) => (r.path === '/build/prune' ? { status: 200, body: { CachesDeleted: null, SpaceReclaimed: 1234 } } : undefined), ['builder', 'prune', '-f'], '', noStderr);
    assert.deepEqual(ran, { stdout: 'Total reclaimed space: 1.234kB\n', stderr: '', status: 0 });
    assert.equal(seen[0]!.query.toString(), 'filters=');
  });

  it('refuses a bad --keep-storage with usage (exit 125) and reports daemon errors', async (t) => {
    const bad = await both(t, PRUNED, ['builder', 'prune', '--keep-storage', 'lots'], '', noStderr);
    assert.equal(bad.ran.status, 125);
    assert.match(bad.ran.stderr, /^invalid argument "lots" for "--keep-storage" flag: invalid size: 'lots'\n\nUsage: {2}berth builder prune\n/);
    const refused = await both(t, (r) => (r.path === '/build/prune' ? { status: 500, body: { message: 'failed to prune build cache' } } : undefined), ['builder', 'prune', '-f'], '', noStderr);
    assert.deepEqual(refused.ran, { stdout: '', stderr: 'Error response from daemon: failed to prune build cache\n', status: 1 });
  });
});
