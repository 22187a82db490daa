/**
 * The image verbs end to end through both CLIs — images, image inspect, tag,
 * rmi, history, image prune, and inspect of a bad reference — checked
 * against what Docker prints (docker/cli formatters, moby's image service):
 * table columns, filters, Go-typed inspect templates, the untag/delete and
 * conflict rules of rmi, and the errors users see. A last suite runs the
 * same read-only commands through both CLIs and wants the same bytes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { makeTar } from '../../../src/archive/tar-fixtures.js';
import { cliUnderTest, hasDocker, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const ID12 = /^[0-9a-f]{12}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const SIZE = /^\d+(\.\d+)?[kMG]?B$/;

/** Table rows as cells: columns are separated by at least two spaces (tabwriter pads with three). */
function table(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.trimEnd().split(/ {2,}/));
}

function lines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '');
}

for (const which of cliUnderTest) describe(`image verbs (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  /** Runs a command that must succeed; returns stdout. */
  const ok = (args: string[]): string => {
    const r = cli(args);
    assert.equal(r.code, 0, `${which} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const idOf = (ref: string): string => ok(['image', 'inspect', '-f', '{{.Id}}', ref]).trim();
  /** A new image: busybox plus one file, committed with the given --change lines. */
  let made = 0;
  const commit = (ref: string, changes: string[] = [], from = 'busybox', message?: string): string => {
    const name = `mk-${String(++made).padStart(8, '0')}`; // 12 bytes in /made-by with the newline
    ok(['run', '--name', name, from, 'sh', '-c', `echo ${name} > /made-by`]);
    ok(['commit', ...changes.flatMap((c) => ['--change', c]), ...(message ? ['-m', message] : []), name, ref]);
    ok(['rm', name]);
    return idOf(ref);
  };

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
  });

  describe('images', () => {
    it('lists REPOSITORY TAG IMAGE ID CREATED SIZE, one row per tag', () => {
      ok(['tag', 'busybox', 'box-two:v2']);
      const rows = table(ok(['images']));
      assert.deepEqual(rows[0], ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']);
      const busybox = rows.find((r) => r[0] === 'busybox')!;
      const two = rows.find((r) => r[0] === 'box-two')!;
      assert.equal(busybox[1], 'latest');
      assert.match(busybox[2]!, ID12);
      assert.match(busybox[3]!, / ago$/);
      assert.match(busybox[4]!, SIZE);
      assert.deepEqual(two, ['box-two', 'v2', busybox[2], busybox[3], busybox[4]]);
      ok(['rmi', 'box-two:v2']);
    });

    it('prints IDs with -q, full IDs with --no-trunc, and a DIGEST column with --digests', () => {
      const id = idOf('busybox');
      assert.ok(lines(ok(['images', '-q'])).includes(id.slice(7, 19)));
      assert.ok(lines(ok(['images', '-q', '--no-trunc'])).includes(id));
      const full = table(ok(['images', '--no-trunc', 'busybox']));
      assert.deepEqual(full[1]!.slice(0, 3), ['busybox', 'latest', id]);
      const digests = table(ok(['images', '--digests', 'busybox']));
      assert.deepEqual(digests[0], ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE']);
      assert.deepEqual(digests[1]!.slice(0, 4), ['busybox', 'latest', '<none>', id.slice(7, 19)]);
    });

    it('renders --format templates: {{json .}} as docker/cli marshals it, and table formats with a header', () => {
      const r = cli(['images', '--format', '{{json .}}', 'busybox']);
      assert.equal(r.code, 0, r.stderr);
      // docker/cli's json.Marshal escapes < and >, even in {{json .}}.
      assert.match(r.stdout, /"Digest":"\\u003cnone\\u003e"/);
      const row = JSON.parse(r.stdout) as Record<string, string>;
      assert.deepEqual(Object.keys(row), [
        'Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize',
      ]);
      assert.equal(row['Repository'], 'busybox');
      assert.equal(row['Containers'], 'N/A');
      assert.match(row['CreatedAt']!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \w+$/);
      assert.equal(ok(['images', '--format', 'table {{.Repository}}:{{.Tag}}', 'busybox']), 'REPOSITORY:TAG\nbusybox:latest\n');
      assert.equal(ok(['images', '--format', '{{.Repository}}:{{.Tag}}', 'busybox']), 'busybox:latest\n');
    });

    it('filters by label, reference, dangling, before and since', () => {
      const labelled = commit('lab:v1', ['LABEL a=b', 'LABEL k=v']);
      const newer = commit('newer:v1');
      const shown = (...filters: string[]) =>
        lines(ok(['images', '--format', '{{.Repository}}:{{.Tag}}', ...filters.flatMap((f) => ['--filter', f])])).sort();
      assert.deepEqual(shown('label=a'), ['lab:v1']);
      assert.deepEqual(shown('label=a=b', 'label=k'), ['lab:v1']);
      assert.deepEqual(shown('label=a=c'), []);
      assert.deepEqual(shown('reference=busy*'), ['busybox:latest']);
      assert.deepEqual(shown('reference=busybox:latest'), ['busybox:latest']);
      assert.deepEqual(shown('reference=lab'), ['lab:v1']);
      assert.deepEqual(shown('since=lab:v1'), ['newer:v1']);
      assert.ok(!shown('before=lab:v1').includes('lab:v1'));
      assert.ok(shown('before=lab:v1').includes('busybox:latest'));
      assert.ok(!shown('before=lab:v1').includes('newer:v1'));

      // Re-committing a tag leaves the old image dangling: <none> <none>.
      commit('lab:v1');
      const dangling = table(ok(['images', '--filter', 'dangling=true']));
      assert.deepEqual(dangling.slice(1).map((r) => r.slice(0, 3)), [['<none>', '<none>', labelled.slice(7, 19)]]);
      assert.ok(!shown('dangling=false').some((s) => s.startsWith('<none>')));
      assert.ok(shown().includes('<none>:<none>'));
      ok(['rmi', labelled, 'lab:v1', 'newer:v1']);
      assert.equal(lines(ok(['images', '-q', '--no-trunc'])).includes(newer), false);
    });

    it('refuses bad filters with the daemon\'s words', () => {
      const bad = cli(['images', '--filter', 'dangling=maybe']);
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, "Error response from daemon: invalid filter 'dangling=[maybe]'\n");
      const unknown = cli(['images', '--filter', 'colour=red']);
      assert.equal(unknown.stderr, "Error response from daemon: invalid filter 'colour'\n");
      const missing = cli(['images', '--filter', 'before=nope']);
      assert.equal(missing.stderr, 'Error response from daemon: No such image: nope:latest\n');
      assert.equal(missing.code, 1);
    });

    it('hides intermediate images unless -a', () => {
      const parent = commit('parent:v1');
      commit('kid:v1', [], 'parent:v1');
      // The parent's last tag goes, but its child keeps it: untagged only.
      assert.equal(ok(['rmi', 'parent:v1']), 'Untagged: parent:v1\n');
      assert.ok(!lines(ok(['images', '-q'])).includes(parent.slice(7, 19)));
      assert.ok(lines(ok(['images', '-a', '-q'])).includes(parent.slice(7, 19)));
      assert.ok(!lines(ok(['images', '-q', '--filter', 'dangling=true'])).includes(parent.slice(7, 19)));
      const refused = cli(['rmi', '-f', parent]);
      assert.equal(refused.code, 1);
      assert.equal(refused.stderr, `Error response from daemon: conflict: unable to delete ${parent.slice(7, 19)} (cannot be forced) - image has dependent child images\n`);
      // Removing the child prunes the untagged parent with it.
      const out = lines(ok(['rmi', 'kid:v1']));
      assert.equal(out[0], 'Untagged: kid:v1');
      assert.ok(out.includes(`Deleted: ${parent}`), out.join('\n'));
    });
  });

  describe('image inspect', () => {
    let id: string;
    before(() => {
      id = commit('conf:v1', ['ENTRYPOINT ["/bin/sh", "-c"]', 'CMD ["echo hi"]', 'ENV GREETING=hello', 'EXPOSE 8080', 'LABEL team=core', 'WORKDIR /srv', 'USER nobody']);
    });

    it('prints the image JSON with Docker\'s keys, Config last', () => {
      const [img] = JSON.parse(ok(['image', 'inspect', 'conf:v1'])) as Record<string, any>[];
      assert.deepEqual(Object.keys(img!), [
        'Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'DockerVersion', 'Author', 'Architecture', 'Os', 'Size', 'GraphDriver', 'RootFS', 'Metadata', 'Config',
      ]);
      assert.equal(img!['Id'], id);
      assert.deepEqual(img!['RepoTags'], ['conf:v1']);
      assert.equal(img!['Parent'], idOf('busybox'));
      const c = img!['Config'];
      assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c']);
      assert.deepEqual(c.Cmd, ['echo hi']);
      assert.ok(c.Env.includes('GREETING=hello'));
      assert.deepEqual(c.ExposedPorts, { '8080/tcp': {} });
      assert.deepEqual(c.Labels, { team: 'core' });
      assert.equal(c.WorkingDir, '/srv');
      assert.equal(c.User, 'nobody');
      assert.equal(img!['RootFS'].Type, 'layers');
      assert.equal(img!['RootFS'].Layers.length, 2);
      assert.ok(img!['RootFS'].Layers.every((l: string) => DIGEST.test(l)));
      assert.ok(Number.isInteger(img!['Size']) && img!['Size'] > 0);
      // overlay2's directories: the top layer as UpperDir, busybox's under it as LowerDir.
      const gd = img!['GraphDriver'];
      assert.equal(gd.Name, 'overlay2');
      assert.ok(existsSync(`${gd.Data.LowerDir}/bin/busybox`), JSON.stringify(gd));
      assert.ok(existsSync(gd.Data.UpperDir) && gd.Data.UpperDir !== gd.Data.LowerDir, JSON.stringify(gd));
    });

    it('runs -f templates on the Go-typed image, falling back to the raw JSON', () => {
      const f = (tmpl: string, ref = 'conf:v1') => ok(['image', 'inspect', '-f', tmpl, ref]);
      assert.equal(f('{{.Config.Cmd}}|{{.Config.Entrypoint}}|{{.Config.WorkingDir}}|{{.Config.User}}'), '[echo hi]|[/bin/sh -c]|/srv|nobody\n');
      assert.equal(f('{{json .Config.ExposedPorts}} {{.Config.ExposedPorts}} {{index .Config.Labels "team"}}'), '{"8080/tcp":{}} map[8080/tcp:{}] core\n');
      // .ID is the Go field; .Id only the raw JSON's key, which docker tries second.
      assert.equal(f('{{.ID}}'), `${id}\n`);
      assert.equal(f('{{.Id}}'), `${id}\n`);
      const both = cli(['image', 'inspect', '-f', '{{.Id}} {{.ID}}', 'conf:v1']);
      assert.equal(both.stderr, 'template parsing error: template: :1:10: executing "" at <.ID>: map has no entry for key "ID"\n');
      assert.equal(f('{{.RepoTags}} {{len .RootFS.Layers}}'), '[conf:v1] 2\n');
      // What busybox does not set: Go's zero values, and omitempty in {{json}}.
      assert.equal(f('{{.Config.Entrypoint}} {{json .Config.Entrypoint}} {{.Config.Labels}} {{.Config.Healthcheck}}', 'busybox'), '[] null map[] <nil>\n');
      assert.equal(f('{{json .Config}}', 'busybox'), '{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]}\n');
      assert.match(f('{{.Metadata.LastTagTime}}'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC\n$/);
    });

    it('reports a missing key, a bad template and a missing image as docker does', () => {
      const missing = cli(['image', 'inspect', '-f', '{{.Nope}}', 'conf:v1']);
      assert.equal(missing.stdout, '\n');
      assert.equal(missing.stderr, 'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"\n');
      assert.equal(missing.code, 1);
      const unparsable = cli(['image', 'inspect', '-f', '{{.Id', 'conf:v1']);
      assert.equal(unparsable.stderr, 'template parsing error: template: :1: unclosed action\n');
      assert.equal(unparsable.code, 64);
      const some = cli(['image', 'inspect', '-f', '{{.Id}}', 'conf:v1', 'nope', 'busybox']);
      assert.equal(some.stdout, `${id}\n${idOf('busybox')}\n`);
      assert.equal(some.stderr, 'Error response from daemon: No such image: nope:latest\n');
      assert.equal(some.code, 1);
      const none = cli(['image', 'inspect', 'nope']);
      assert.equal(none.stdout, '[]\n');
      assert.equal(none.code, 1);
    });

    it('refuses a malformed reference with "invalid reference format"', () => {
      const upper = cli(['image', 'inspect', 'Bad:Ref']);
      assert.equal(upper.stderr, 'Error response from daemon: invalid reference format: repository name (library/Bad) must be lowercase\n');
      assert.equal(upper.code, 1);
      const colons = cli(['image', 'inspect', 'a:b:c']);
      assert.equal(colons.stderr, 'Error response from daemon: invalid reference format\n');
      // Top-level inspect skips "invalid reference format" like "not found" and tries other kinds.
      const any = cli(['inspect', 'Bad:Ref']);
      assert.equal(any.stdout, '[]\n');
      assert.equal(any.stderr, 'Error: No such object: Bad:Ref\n');
      assert.equal(any.code, 1);
      assert.equal(ok(['inspect', '-f', '{{.Config.Cmd}}', 'conf:v1']), '[echo hi]\n');
    });
  });

  describe('tag', () => {
    it('gives an image more names, registry and port included', () => {
      const id = idOf('busybox');
      assert.equal(ok(['tag', 'busybox', 'renamed']), '');
      assert.equal(ok(['tag', id.slice(7), 'host:5000/a/b:t']), '');
      assert.equal(idOf('renamed:latest'), id);
      assert.equal(idOf('host:5000/a/b:t'), id);
      const rows = table(ok(['images', 'host:5000/a/b']));
      assert.deepEqual(rows[1]!.slice(0, 3), ['host:5000/a/b', 't', id.slice(7, 19)]);
      assert.equal(ok(['rmi', 'renamed', 'host:5000/a/b:t']), 'Untagged: renamed:latest\nUntagged: host:5000/a/b:t\n');
    });

    it('refuses invalid names with Docker\'s messages', () => {
      const cases: Array<[string[], string]> = [
        [['busybox', 'Bad:Ref'], 'Error parsing reference: "Bad:Ref" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase'],
        [['busybox', 'a:b:c'], 'Error parsing reference: "a:b:c" is not a valid repository/tag: invalid reference format'],
        [['busybox', 'a:bad!tag'], 'Error parsing reference: "a:bad!tag" is not a valid repository/tag: invalid reference format'],
        [['busybox', `x@sha256:${'0'.repeat(64)}`], 'refusing to create a tag with a digest reference'],
        [['Bad:Ref', 'x'], 'Error parsing reference: "Bad:Ref" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase'],
        [['nope', 'x'], 'Error response from daemon: No such image: nope:latest'],
      ];
      for (const [args, message] of cases) {
        const r = cli(['tag', ...args]);
        assert.equal(r.stderr, `${message}\n`, args.join(' '));
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
      }
    });
  });

  describe('rmi', () => {
    it('untags while other tags remain, and deletes the image and its layer with the last', () => {
      const id = commit('gone:v1');
      ok(['tag', 'gone:v1', 'gone:v2']);
      assert.equal(ok(['rmi', 'gone:v1']), 'Untagged: gone:v1\n');
      const out = lines(ok(['rmi', 'gone:v2']));
      assert.deepEqual(out.slice(0, 2), ['Untagged: gone:v2', `Deleted: ${id}`]);
      // Its own layer goes too (the busybox layer under it stays).
      assert.equal(out.length, 3, out.join('\n'));
      assert.match(out[2]!, /^Deleted: sha256:[0-9a-f]{64}$/);
      assert.equal(cli(['image', 'inspect', id]).code, 1);
    });

    it('refuses to delete by ID an image with several tags unless forced', () => {
      const id = commit('multi:v1');
      ok(['tag', 'multi:v1', 'multi:v2']);
      const r = cli(['rmi', id.slice(7, 19)]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `Error response from daemon: conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories\n`);
      const forced = lines(ok(['rmi', '-f', id.slice(7, 19)]));
      assert.deepEqual(forced.slice(0, 3), ['Untagged: multi:v1', 'Untagged: multi:v2', `Deleted: ${id}`]);
    });

    it('refuses an image a stopped container uses unless forced', () => {
      const id = commit('used:v1');
      const short = id.slice(7, 19);
      const c = ok(['create', 'used:v1', 'true']).trim();
      const byId = cli(['rmi', short]);
      assert.equal(byId.stderr, `Error response from daemon: conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${c.slice(0, 12)}\n`);
      assert.equal(byId.code, 1);
      const byName = cli(['rmi', 'used:v1']);
      assert.equal(byName.stderr, `Error response from daemon: conflict: unable to remove repository reference "used:v1" (must force) - container ${c.slice(0, 12)} is using its referenced image ${short}\n`);
      assert.deepEqual(lines(ok(['rmi', '-f', 'used:v1'])).slice(0, 2), ['Untagged: used:v1', `Deleted: ${id}`]);
      ok(['rm', c]);
    });

    it('refuses an image a running container uses, even forced', () => {
      const id = commit('busy:v1');
      const short = id.slice(7, 19);
      const c = ok(['run', '-d', 'busy:v1', 'sleep', '60']).trim();
      const r = cli(['rmi', '-f', short]);
      assert.equal(r.stderr, `Error response from daemon: conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${c.slice(0, 12)}\n`);
      assert.equal(r.code, 1);
      // By name with -f only the tag goes; the image stays for its container.
      assert.equal(ok(['rmi', '-f', 'busy:v1']), 'Untagged: busy:v1\n');
      assert.equal(idOf(short), id);
      ok(['rm', '-f', c]);
      ok(['rmi', short]);
    });

    it('reports an unknown image, and only warns about it with -f', () => {
      const r = cli(['rmi', 'nope']);
      assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
      assert.equal(r.code, 1);
      const forced = cli(['rmi', '-f', 'nope']);
      assert.equal(forced.stderr, 'Error response from daemon: No such image: nope:latest\n');
      assert.equal(forced.code, 0);
    });
  });

  describe('history', () => {
    let id: string;
    before(() => {
      id = commit('hist:v1', [], 'busybox', 'a message');
    });

    it('lists IMAGE CREATED CREATED BY SIZE COMMENT, newest first, with the parent\'s ID', () => {
      const rows = table(ok(['history', 'hist:v1']));
      assert.deepEqual(rows[0], ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT']);
      assert.equal(rows[1]![0], id.slice(7, 19));
      assert.match(rows[1]![1]!, / ago$/);
      assert.match(rows[1]![2]!, /^sh -c echo mk-\w+ > \/made-by$/);
      assert.equal(rows[1]![3], '12B'); // "mk-xxxxxxxx\n"
      assert.equal(rows[1]![4], 'a message');
      assert.equal(rows[2]![0], idOf('busybox').slice(7, 19)); // moby walks the local parent
      assert.ok(rows.slice(3).every((r) => r[0] === '<missing>'));
      const busybox = table(ok(['history', 'busybox']));
      assert.equal(rows.length, busybox.length + 1);
    });

    it('prints bytes and RFC 3339 with -H=false, IDs with -q, everything with --no-trunc', () => {
      const raw = table(ok(['history', '-H=false', 'hist:v1']));
      assert.deepEqual(raw[0], ['IMAGE', 'CREATED AT', 'CREATED BY', 'SIZE', 'COMMENT']);
      assert.match(raw[1]![1]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
      assert.equal(raw[1]![3], '12');
      const quiet = lines(ok(['history', '-q', 'hist:v1']));
      assert.deepEqual(quiet.slice(0, 2), [id.slice(7, 19), idOf('busybox').slice(7, 19)]);
      assert.ok(quiet.slice(2).every((l) => l === '<missing>'));
      const full = table(ok(['history', '--no-trunc', 'hist:v1']));
      assert.equal(full[1]![0], id);
      const long = table(ok(['history', '--no-trunc', 'busybox'])).find((r) => r[2]!.length > 45);
      const short = table(ok(['history', 'busybox'])).find((r) => r[2]!.endsWith('…'));
      assert.ok(long && short, 'a CREATED BY longer than 45 characters is cut with "…"');
      assert.equal(short![2]!.length, 45);
    });

    it('renders --format, with {{json .}} as docker/cli marshals it', () => {
      assert.equal(lines(ok(['history', '--format', '{{.ID}}|{{.Size}}|{{.Comment}}', 'hist:v1']))[0], `${id.slice(7, 19)}|12B|a message`);
      const json = lines(ok(['history', '--format', '{{json .}}', 'hist:v1']));
      assert.match(json[0]!, /"CreatedBy":"sh -c echo mk-\w+ \\u003e \/made-by"/);
      assert.match(json.at(-1)!, /"ID":"\\u003cmissing\\u003e"/);
      assert.deepEqual(Object.keys(JSON.parse(json[0]!)), ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size']);
      const r = cli(['history', 'nope']);
      assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
      assert.equal(r.code, 1);
    });

    it('shows an imported image as one layer with its message', async () => {
      const tar = path.join(d.dir, `rootfs-${which}.tar`);
      await fs.writeFile(tar, await makeTar([{ name: 'greeting', content: 'hello\n' }]));
      ok(['import', '-m', 'from a tar', tar, 'imported:v1']);
      const rows = table(ok(['history', '-H=false', 'imported:v1']));
      assert.equal(rows.length, 2);
      assert.equal(rows[1]![0], idOf('imported:v1').slice(7, 19));
      assert.equal(rows[1]!.at(-2), '6');
      assert.equal(rows[1]!.at(-1), 'from a tar');
      ok(['rmi', 'imported:v1']);
    });
  });

  describe('image prune', () => {
    it('removes dangling images with -f, and says so', () => {
      const old = commit('pr:v1');
      commit('pr:v1'); // the first one is dangling now
      const out = ok(['image', 'prune', '-f']);
      const l = lines(out);
      assert.equal(l[0], 'Deleted Images:');
      assert.ok(l.includes(`deleted: ${old}`), out);
      assert.match(l.at(-1)!, /^Total reclaimed space: \d+(\.\d+)?[kMG]?B$/);
      assert.notEqual(l.at(-1), 'Total reclaimed space: 0B');
      assert.equal(ok(['image', 'prune', '-f']), 'Total reclaimed space: 0B\n');
      ok(['rmi', 'pr:v1']);
    });

    it('removes every unused image with -a, keeping those containers use', () => {
      const keeper = ok(['create', 'busybox', 'true']).trim();
      const unused = commit('unused:v1');
      const out = ok(['image', 'prune', '-a', '-f']);
      assert.ok(lines(out).includes('untagged: unused:v1'), out);
      assert.ok(lines(out).includes(`deleted: ${unused}`), out);
      assert.ok(!lines(out).includes('untagged: busybox:latest'), out);
      assert.equal(lines(ok(['images', '--format', '{{.Repository}}'])).join(','), 'busybox');
      ok(['rm', keeper]);
    });

    it('asks first without -f and does nothing when the answer is no', () => {
      const dangling = commit('ask:v1');
      commit('ask:v1');
      const r = cli(['image', 'prune'], { input: 'n\n' });
      assert.equal(r.stdout, 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
      assert.equal(r.code, 0);
      assert.equal(idOf(dangling), dangling);
      ok(['image', 'prune', '-f']);
      ok(['rmi', 'ask:v1']);
    });
  });
});

/** The same daemon answer printed by both CLIs: byte for byte, except rows docker orders at random. */
describe('image verbs: berth prints what docker prints', { skip: !hasDocker && 'needs the docker CLI' }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemonWithBusybox();
    const must = (r: RunResult) => assert.equal(r.code, 0, r.stderr);
    must(d.docker(['run', '--name', 'src', 'busybox', 'sh', '-c', 'echo x > /x']));
    must(d.docker(['commit', '--change', 'LABEL a=b', '--change', 'EXPOSE 80', '-m', 'note <&>', 'src', 'lab:v1']));
    must(d.docker(['tag', 'busybox', 'reg:5000/team/box:t']));
  });
  after(async () => {
    await d?.cleanup();
  });

  const commands: string[][] = [
    ['images', 'busybox'],
    ['images', '-q', '--no-trunc'],
    ['images', '--digests', '--no-trunc', '--format', 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedAt}}', 'lab'],
    ['images', '--format', '{{json .}}', 'busybox'],
    ['images', '--format', 'table {{.Repository}}:{{.Tag}}\t{{.Size}}'],
    ['images', '--format', 'raw', 'busybox'],
    ['images', '--filter', 'label=a', '--format', 'table {{.ID}}\t{{.Repository}}\t{{.Tag}}\t{{.CreatedAt}}\t{{.Size}}\t{{.Containers}}'],
    ['images', '--filter', 'reference=reg:5000/*/*'],
    ['images', '--filter', 'dangling=nope'],
    ['image', 'inspect', 'lab:v1', 'busybox'],
    ['image', 'inspect', '-f', '{{.Config}} {{.GraphDriver}} {{.RootFS}} {{.Metadata}} {{json .}}', 'lab:v1'],
    ['image', 'inspect', '-f', '{{.Nope}}', 'busybox'],
    ['image', 'inspect', '-f', '{{.Id}} {{.ID}}', 'busybox'],
    ['inspect', '--format', '{{.Os}}', 'nope', 'busybox', 'Bad:Ref'],
    ['history', '--no-trunc', 'busybox'],
    ['history', '-H=false', '--format', '{{json .}}', 'lab:v1'],
    ['tag', 'busybox', 'Bad:Ref'],
    ['rmi', 'nope', 'Bad:Ref'],
  ];
  for (const args of commands) {
    it(args.join(' '), () => {
      const a = d.docker(args);
      const b = d.berth(args);
      // docker groups an image's tags by repository in a Go map: its row order is random.
      const norm = (s: string) => (args[0] === 'images' ? s.split('\n').sort().join('\n') : s);
      assert.equal(norm(b.stdout), norm(a.stdout));
      assert.equal(b.stderr, a.stderr);
      assert.equal(b.code, a.code);
    });
  }
});
