/**
 * A container's files from outside, through the real docker CLI: export,
 * diff, commit and cp (both ways, files and directories, running and
 * stopped containers), and cp archives that try to escape the container root.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { makeTar } from '../../../src/archive/tar-fixtures.js';
import { hasDocker, mountsUnder, startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

describe('container files', { skip: !hasDocker && 'needs the docker CLI' }, () => {
  let d: TestDaemon;
  let work: string;
  before(async () => {
    d = await startDaemonWithBusybox();
    work = path.join(d.dir, 'work');
    await fs.mkdir(work);
  });
  after(async () => {
    await d?.cleanup();
  });

  const ok = (args: string[], input?: string) => {
    const r = d.docker(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** A running container that has made its changes: /new added, /etc changed, /bin/vi deleted. */
  const changedContainer = async (name: string) => {
    ok(['run', '-d', '--name', name, 'busybox', 'sh', '-c', 'echo hello > /new; echo x > /etc/extra; rm /bin/vi; touch /ready; sleep 600']);
    const deadline = Date.now() + 10_000;
    while (d.docker(['exec', name, 'test', '-e', '/ready']).code !== 0) {
      if (Date.now() > deadline) throw new Error(`${name} did not get ready`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const fsViews = () => mountsUnder(d.dir).filter((m) => m.includes('/fsview-'));

  it('diffs a container against its image with A, C and D lines', async () => {
    await changedContainer('differ');
    const lines = ok(['diff', 'differ']).split('\n').filter(Boolean);
    for (const l of ['A /new', 'C /etc', 'A /etc/extra', 'C /bin', 'D /bin/vi']) assert.ok(lines.includes(l), `${l} missing from:\n${lines.join('\n')}`);
    // The runtime's own mount points are not the user's changes.
    assert.ok(!lines.some((l) => /resolv\.conf|\/proc$|\/sys$/.test(l)), lines.join('\n'));
    const api = await d.api('GET', '/containers/differ/changes');
    assert.ok((api.body as Array<{ Path: string; Kind: number }>).some((c) => c.Path === '/bin/vi' && c.Kind === 2));
  });

  it('exports the flattened filesystem of a running and of a stopped container', async () => {
    const file = path.join(work, 'running.tar');
    ok(['export', '-o', file, 'differ']);
    const names = spawnSync('tar', ['-tf', file], { encoding: 'utf8' }).stdout.split('\n');
    assert.ok(names.includes('new'));
    assert.ok(names.includes('bin/busybox'));
    assert.ok(!names.includes('bin/vi'), 'a deleted file was exported');
    assert.equal(spawnSync('tar', ['-xOf', file, 'new'], { encoding: 'utf8' }).stdout, 'hello\n');

    ok(['stop', '-t', '1', 'differ']);
    const stopped = path.join(work, 'stopped.tar');
    ok(['export', '-o', stopped, 'differ']);
    assert.equal(spawnSync('tar', ['-xOf', stopped, 'etc/extra'], { encoding: 'utf8' }).stdout, 'x\n');
    assert.deepEqual(fsViews(), [], 'the read-only view of a stopped container is unmounted after export');
    ok(['rm', 'differ']);
  });

  it('commits a running container with a message, author and --change, and keeps it running', async () => {
    await changedContainer('source');
    const r = d.docker(['commit', '-m', 'saved the day', '-a', 'Ada <ada@example.com>', '--change', 'ENV X=1', 'source', 'committed:v1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^sha256:[a-f0-9]{64}$/);
    assert.equal(ok(['inspect', '-f', '{{.State.Status}}', 'source']).trim(), 'running');
    assert.equal(ok(['run', '--rm', 'committed:v1', 'sh', '-c', 'echo X=$X; cat /new; test -e /bin/vi || echo no-vi']), 'X=1\nhello\nno-vi\n');
    const history = ok(['history', '--format', '{{.Comment}}|{{.CreatedBy}}', 'committed:v1']).split('\n');
    assert.match(history[0]!, /^saved the day\|sh -c echo hello > \/new/);
    assert.equal(ok(['image', 'inspect', '-f', '{{.Author}}|{{.Parent}}', 'committed:v1']).trim(), `Ada <ada@example.com>|${ok(['image', 'inspect', '-f', '{{.Id}}', 'busybox']).trim()}`);
    // The container's own command survives as the image's; an ENTRYPOINT change drops it.
    assert.match(ok(['image', 'inspect', '-f', '{{json .Config.Cmd}}', 'committed:v1']), /"sh","-c","echo hello > \/new/);
    ok(['commit', '--change', 'ENTRYPOINT ["/bin/echo","via-entrypoint"]', 'source', 'committed:v2']);
    assert.equal(ok(['run', '--rm', 'committed:v2']), 'via-entrypoint\n');
  });

  it('refuses a --change that is not a config instruction, naming it, and leaves the container unpaused', () => {
    const r = d.docker(['commit', '--change', 'RUN rm -rf /', 'source', 'bad:v1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /run is not a valid change command/);
    assert.equal(ok(['inspect', '-f', '{{.State.Status}}', 'source']).trim(), 'running');
  });

  it('copies a file and a directory into a running container and back out', async () => {
    const file = path.join(work, 'note.txt');
    await fs.writeFile(file, 'a note\n');
    const dir = path.join(work, 'tree');
    await fs.mkdir(path.join(dir, 'sub'), { recursive: true });
    await fs.writeFile(path.join(dir, 'sub', 'leaf'), 'leaf\n');

    ok(['cp', file, 'source:/tmp/']);
    ok(['cp', dir, 'source:/tmp/tree']);
    ok(['cp', file, 'source:/tmp/renamed.txt']);
    assert.equal(ok(['exec', 'source', 'sh', '-c', 'cat /tmp/note.txt /tmp/renamed.txt /tmp/tree/sub/leaf']), 'a note\na note\nleaf\n');

    const out = path.join(work, 'out');
    await fs.mkdir(out);
    ok(['cp', 'source:/new', path.join(out, 'new-copy')]);
    ok(['cp', 'source:/tmp/tree', path.join(out, 'tree-copy')]);
    ok(['cp', 'source:/etc/.', path.join(out, 'etc-contents')]);
    assert.equal(await fs.readFile(path.join(out, 'new-copy'), 'utf8'), 'hello\n');
    assert.equal(await fs.readFile(path.join(out, 'tree-copy', 'sub', 'leaf'), 'utf8'), 'leaf\n');
    assert.ok(existsSync(path.join(out, 'etc-contents', 'passwd')));
    ok(['cp', 'source:/', path.join(out, 'whole-root')]);
    assert.equal((await fs.readlink(path.join(out, 'whole-root', 'bin', 'sh'))), 'busybox');
    assert.equal(await fs.readFile(path.join(out, 'whole-root', 'new'), 'utf8'), 'hello\n');
  });

  it('copies into and out of a stopped container, leaving no mount behind', async () => {
    ok(['create', '--name', 'idle', 'busybox', 'true']);
    const file = path.join(work, 'for-idle.txt');
    await fs.writeFile(file, 'idle data\n');
    ok(['cp', file, 'idle:/root/']);
    const back = path.join(work, 'from-idle.txt');
    ok(['cp', 'idle:/root/for-idle.txt', back]);
    assert.equal(await fs.readFile(back, 'utf8'), 'idle data\n');
    assert.ok(ok(['diff', 'idle']).split('\n').includes('A /root/for-idle.txt'));
    assert.deepEqual(fsViews(), []);
  });

  it('reports a missing path as Docker words it', () => {
    const r = d.docker(['cp', 'source:/no/such/file', path.join(work, 'x')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Could not find the file \/no\/such\/file in container source/);
  });

  it('answers HEAD /archive with the path stat header', async () => {
    const stat = await head(d, '/containers/source/archive?path=/bin/sh');
    assert.equal(stat.status, 200);
    const parsed = JSON.parse(Buffer.from(stat.header!, 'base64').toString());
    assert.equal(parsed.name, 'sh');
    assert.equal(parsed.linkTarget, '/bin/busybox');
    assert.ok(parsed.mode & 2 ** 27, 'mode has Go ModeSymlink');
  });

  it('does not write outside the container root when the tar or the container has symlink tricks', async () => {
    const marker = `berth-escape-${process.pid}-${Date.now()}`;
    const hostTarget = path.join('/tmp', marker);
    assert.equal(existsSync(hostTarget), false);

    // A tar that plants a symlink to the host's /tmp and then writes through it.
    const tar = await makeTar([
      { name: 'esc', type: 'symlink', linkname: '../../../../../../../../tmp' },
      { name: `esc/${marker}`, content: 'pwned' },
      { name: 'abs', type: 'symlink', linkname: '/tmp' },
      { name: `abs/${marker}-2`, content: 'pwned' },
    ]);
    const put = await d.api('PUT', '/containers/source/archive?path=/root', tar);
    assert.equal(put.status, 200, put.text);
    assert.equal(existsSync(hostTarget), false, 'wrote through a symlink to the host');
    assert.equal(existsSync(`${hostTarget}-2`), false, 'wrote through an absolute symlink to the host');
    // The writes landed inside the container's own /tmp instead.
    assert.equal(ok(['exec', 'source', 'cat', `/tmp/${marker}`, `/tmp/${marker}-2`]), 'pwnedpwned');

    // A symlink inside the container pointing at "/" is followed inside the container too.
    ok(['exec', 'source', 'ln', '-s', '/', '/hostroot']);
    const file = path.join(work, marker);
    await fs.writeFile(file, 'still inside\n');
    ok(['cp', file, 'source:/hostroot/tmp/']);
    assert.equal(existsSync(hostTarget), false);

    // A ../ entry is refused outright.
    const climb = await d.api('PUT', '/containers/source/archive?path=/root', await makeTar([{ name: `../../../../tmp/${marker}`, content: 'x' }]));
    assert.equal(climb.status, 400, climb.text);
    assert.match(climb.text, /escapes/);
    assert.equal(existsSync(hostTarget), false);
  });
});

function head(d: TestDaemon, urlPath: string): Promise<{ status: number; header?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path: urlPath, method: 'HEAD' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, header: res.headers['x-docker-container-path-stat'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}
