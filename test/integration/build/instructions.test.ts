/**
 * Dockerfile instructions in detail, through `docker build` (DOCKER_BUILDKIT=0)
 * and `berth build`: heredocs, COPY and ADD rules, FROM scratch, SHELL and
 * the shell forms, ARG scoping, the cache flags, the output flags, contexts
 * from elsewhere, and bad input. Checked the way a user would: exit codes,
 * the build output, and files in the built image by running it.
 * build.test.ts covers the basics (metadata, RUN args, cache reuse,
 * .dockerignore, multi-stage by name, ONBUILD).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { BuildContexts, type Files } from '../../harness/build-contexts.js';
import { BERTH, cliUnderTest, DOCKER, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';


const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

for (const which of cliUnderTest) describe(`build instructions (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const contexts = new BuildContexts();
  const tempDir = (prefix: string): string => contexts.temp(prefix);
  /** A context directory with these files. */
  const context = (files: Files): string => contexts.make(files);
  const dockerfile = (...lines: string[]) => lines.join('\n') + '\n';
  const build = (dir: string, ...args: string[]) => cli(['build', ...args, dir]);
  const built = (dir: string, ...args: string[]) => {
    const r = build(dir, ...args);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return r.stdout;
  };
  const run = (...args: string[]) => ok(['run', '--rm', ...args]);
  const inspect = (ref: string, format: string) => ok(['image', 'inspect', '-f', format, ref]).trim();
  const notTagged = (ref: string) => assert.notEqual(cli(['image', 'inspect', ref]).code, 0, `${ref} should not exist`);
  /** The build output split per step: [0] is what comes before "Step 1". */
  const steps = (out: string) => out.split(/(?=^Step \d+\/\d+ : )/m);

  /**
   * The CLI without blocking this process: needed while this process
   * serves HTTP to the daemon (spawnSync would stall the server).
   */
  const cliAsync = (args: string[]): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const [file, argv, env] =
        which === 'docker'
          ? [DOCKER, args, { DOCKER_HOST: d.host, DOCKER_CONFIG: path.join(d.dir, 'docker-config'), DOCKER_BUILDKIT: '0' }]
          : [process.execPath, [BERTH, '-H', d.host, ...args], {}];
      const p = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
      p.on('error', reject);
      p.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
    });

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
    contexts.cleanup();
  });

  it('runs heredoc scripts and writes heredoc files, expanding ${VAR} only when the delimiter is unquoted', () => {
    const dir = context({
      Dockerfile: dockerfile(
        'FROM busybox',
        'ARG WHO=world',
        'RUN <<EOF',
        'set -e',
        'greeting="hello $WHO"',
        'echo "$greeting" > /run-heredoc',
        'echo "second line" >> /run-heredoc',
        'EOF',
        'RUN cat <<EOF > /cat-heredoc',
        'first $WHO',
        'second',
        'EOF',
        'ENV NAME=berth',
        'COPY <<EOF /etc/greeting',
        'hi ${NAME}',
        'EOF',
        'COPY <<"EOF" /etc/greeting-raw',
        'hi ${NAME}',
        'EOF',
      ),
    });
    built(dir, '-t', 'heredoc:1');
    assert.equal(
      run('heredoc:1', 'cat', '/run-heredoc', '/cat-heredoc', '/etc/greeting', '/etc/greeting-raw'),
      'hello world\nsecond line\nfirst world\nsecond\nhi berth\nhi ${NAME}\n',
    );
    assert.equal(run('heredoc:1', 'stat', '-c', '%a %u:%g', '/etc/greeting'), '644 0:0\n');
  });

  it('copies by the COPY rules: globs, several sources, directory contents, renames, WORKDIR, --chown, --chmod, symlinks', () => {
    const dir = context({
      'a.txt': 'a\n',
      'b.txt': 'b\n',
      'c.md': 'c\n',
      'single.dat': 'single\n',
      'exec.sh': '#!/bin/sh\necho run\n',
      'dir/top.txt': 'top\n',
      'dir/sub/x.txt': 'x\n',
      Dockerfile: dockerfile(
        'FROM busybox',
        'COPY *.txt /globbed/',
        'COPY a.txt c.md /several/',
        'COPY dir /contents',
        'COPY single.dat /renamed',
        'COPY single.dat /deep/new/renamed.dat',
        'COPY single.dat /etc',
        'WORKDIR /work',
        'COPY single.dat rel/',
        'COPY single.dat .',
        'COPY --chown=nobody:nogroup a.txt /owned-name',
        'COPY --chown=1234:5678 a.txt /owned-num',
        'COPY --chown=1234 a.txt /owned-uid-only',
        'COPY --chown=nobody a.txt /owned-user-only',
        'COPY --chmod=0751 exec.sh /exec.sh',
      ),
    });
    symlinkSync('top.txt', path.join(dir, 'dir', 'link'));
    symlinkSync('/etc/hostname', path.join(dir, 'dir', 'abs-link'));
    built(dir, '-t', 'copy:1');
    const script = [
      'echo glob: $(ls /globbed)',
      'echo several: $(ls /several)',
      'echo contents: $(ls -A /contents) / $(ls -A /contents/sub)',
      'echo link: $(test -L /contents/link && readlink /contents/link) $(cat /contents/link) $(readlink /contents/abs-link)',
      'echo renamed: $(test -f /renamed && cat /renamed) $(cat /deep/new/renamed.dat) $(cat /etc/single.dat)',
      'echo workdir: $(cat /work/rel/single.dat /work/single.dat)',
      'echo owners: $(stat -c %U:%G /owned-name) $(stat -c %u:%g /owned-num /owned-uid-only /owned-user-only /renamed)',
      'echo mode: $(stat -c %a /exec.sh) $(/exec.sh)',
    ].join('; ');
    assert.equal(
      run('copy:1', 'sh', '-c', script),
      [
        'glob: a.txt b.txt',
        'several: a.txt c.md',
        'contents: abs-link link sub top.txt / x.txt',
        'link: top.txt top /etc/hostname',
        'renamed: single single single',
        'workdir: single single',
        // A user without a group: a number is used as the gid too (Docker's documented rule),
        // a name takes its primary group from /etc/passwd (BuildKit).
        'owners: nobody:nogroup 1234:5678 1234:1234 65534:65534 0:0',
        'mode: 751 run',
        '',
      ].join('\n'),
    );
  });

  it('refuses several sources into a destination that does not end with /', () => {
    const dir = context({ 'a.txt': 'a\n', 'b.txt': 'b\n', Dockerfile: dockerfile('FROM busybox', 'COPY a.txt b.txt /notdir') });
    const r = build(dir, '-t', 'several-bad:1');
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, /When using COPY with more than one source file, the destination must be a directory and end with a \//);
    notTagged('several-bad:1');
    const glob = build(context({ 'a.txt': 'a\n', 'b.txt': 'b\n', Dockerfile: dockerfile('FROM busybox', 'COPY *.txt /notdir') }));
    assert.notEqual(glob.code, 0, glob.stdout);
    assert.match(glob.stderr, /the destination must be a directory and end with a \//);
  });

  it('copies from an earlier stage by index and from an image by name', () => {
    const dir = context({
      Dockerfile: dockerfile(
        'FROM busybox',
        'RUN echo staged > /staged.txt',
        'FROM busybox',
        'COPY --from=0 /staged.txt /from-index.txt',
        'COPY --from=busybox /etc/group /from-image/group',
      ),
    });
    built(dir, '-t', 'copy-from:1');
    assert.equal(run('copy-from:1', 'sh', '-c', 'cat /from-index.txt; grep -c nogroup /from-image/group'), 'staged\n1\n');
  });

  it('ADD extracts local .tar and .tar.gz archives, and copies a plain file', () => {
    const dir = context({ 'plain.txt': 'plain\n', 'src/t/in-tar.txt': 'from tar\n', 'src/g/in-gz.txt': 'from gz\n' });
    assert.equal(spawnSync('tar', ['-cf', path.join(dir, 'archive.tar'), '-C', path.join(dir, 'src', 't'), '.']).status, 0);
    assert.equal(spawnSync('tar', ['-czf', path.join(dir, 'archive.tar.gz'), '-C', path.join(dir, 'src', 'g'), 'in-gz.txt']).status, 0);
    rmSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'Dockerfile'), dockerfile('FROM busybox', 'ADD archive.tar /untar/', 'ADD archive.tar.gz /ungz', 'ADD plain.txt /plain/'));
    built(dir, '-t', 'add:1');
    assert.equal(
      run('add:1', 'sh', '-c', 'cat /untar/in-tar.txt /ungz/in-gz.txt /plain/plain.txt; ls -A /untar; ls -A /ungz; ls -A /plain'),
      'from tar\nfrom gz\nplain\nin-tar.txt\nin-gz.txt\nplain.txt\n',
    );
  });

  it('ADD fetches an http URL (mode 0600) and fails clearly for an unreachable one', async (t) => {
    const requests: string[] = [];
    const server: Server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url !== '/files/hello.txt') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }).end('downloaded\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const dir = context({ Dockerfile: dockerfile('FROM busybox', `ADD http://127.0.0.1:${port}/files/hello.txt /downloaded/`) });
    const r = await cliAsync(['build', '-t', 'add-url:1', dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(requests.includes('/files/hello.txt'), `the daemon fetched the URL: ${requests.join(' ')}`);
    // Mode 0600 and the Last-Modified time, as Docker's builder gives a download.
    assert.equal(run('add-url:1', 'sh', '-c', 'cat /downloaded/hello.txt; stat -c "%a %u:%g %Y" /downloaded/hello.txt'), 'downloaded\n600 0:0 1445412480\n');
    // Fetched again on a rebuild; the same content reuses the step.
    const again = await cliAsync(['build', '-t', 'add-url:2', dir]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(requests.filter((u) => u === '/files/hello.txt').length, 2);
    assert.match(steps(again.stdout)[2]!, / ---> Using cache\n/);

    // A port nobody listens on: take one, then let it go.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const bad = build(context({ Dockerfile: dockerfile('FROM busybox', `ADD http://127.0.0.1:${closedPort}/nothing.txt /x`) }), '-t', 'add-url-bad:1');
    assert.notEqual(bad.code, 0, bad.stdout);
    assert.match(bad.stderr, new RegExp(`http://127\\.0\\.0\\.1:${closedPort}/nothing\\.txt`));
    assert.match(bad.stderr, /ECONNREFUSED|connection refused/i);
    notTagged('add-url-bad:1');
  });

  it('builds FROM scratch with one COPY into an image of exactly one layer', () => {
    const dir = context({ 'hello.txt': 'static content\n', Dockerfile: dockerfile('FROM scratch', 'COPY hello.txt /hello.txt') });
    built(dir, '-t', 'scratch:1');
    assert.equal(inspect('scratch:1', '{{len .RootFS.Layers}}'), '1');
    assert.equal(inspect('scratch:1', '{{json .Config.Cmd}}'), 'null');
    assert.match(ok(['history', '--no-trunc', 'scratch:1']), /COPY file:[0-9a-f]{64} in \/hello\.txt/);
  });

  it('uses SHELL for shell-form RUN and ENTRYPOINT; CMD before it gets /bin/sh -c', () => {
    const dir = context({
      Dockerfile: dockerfile(
        'FROM busybox',
        'CMD echo "cmd form"',
        'SHELL ["/bin/sh", "-ec"]',
        'RUN echo "flags=$-" > /shell-flags',
        'ENTRYPOINT echo entry ran',
      ),
    });
    built(dir, '-t', 'shell:1');
    assert.equal(inspect('shell:1', '{{json .Config.Cmd}}'), '["/bin/sh","-c","echo \\"cmd form\\""]');
    assert.equal(inspect('shell:1', '{{json .Config.Entrypoint}}'), '["/bin/sh","-ec","echo entry ran"]');
    assert.equal(inspect('shell:1', '{{json .Config.Shell}}'), '["/bin/sh","-ec"]');
    assert.match(ok(['history', '--no-trunc', 'shell:1']), /\/bin\/sh -ec echo "flags=\$-" > \/shell-flags/);
    assert.match(run('--entrypoint', 'cat', 'shell:1', '/shell-flags'), /^flags=[a-z]*e[a-z]*\n$/);
    // A shell-form ENTRYPOINT ignores CMD (it only becomes $0).
    assert.equal(run('shell:1'), 'entry ran\n');
  });

  it('scopes ARG: a meta ARG chooses FROM, is seen in a stage only when redeclared, and unused --build-args are named', () => {
    const dir = context({
      Dockerfile: dockerfile(
        'ARG BASE=busybox',
        'ARG VER=meta-default',
        'FROM ${BASE}',
        'ARG VER',
        'RUN echo "ver=$VER base=$BASE" > /args',
      ),
    });
    const out = built(dir, '--build-arg', 'UNUSED=1', '-t', 'args-meta:1');
    assert.match(out, /Step 3\/5 : FROM \$\{BASE\}\n ---> [0-9a-f]{12}\n/);
    assert.match(out, /\[Warning\] One or more build-args \[UNUSED\] were not consumed\n/);
    assert.equal(run('args-meta:1', 'cat', '/args'), 'ver=meta-default base=\n');
    built(dir, '--build-arg', 'VER=given', '-t', 'args-meta:2');
    assert.equal(run('args-meta:2', 'cat', '/args'), 'ver=given base=\n');
  });

  it('keeps the cache when only mtimes change; --no-cache rebuilds every step', () => {
    const dir = context({ 'data/one.txt': 'one\n', Dockerfile: dockerfile('FROM busybox', 'COPY data /data', 'RUN cat /data/one.txt > /copy') });
    built(dir, '-t', 'nocache:1');
    const past = new Date('2001-02-03T04:05:06Z');
    utimesSync(path.join(dir, 'data', 'one.txt'), past, past);
    utimesSync(path.join(dir, 'data'), past, past);
    const touched = built(dir, '-t', 'nocache:2');
    assert.equal(touched.match(/ ---> Using cache\n/g)?.length, 2, touched);
    assert.equal(inspect('nocache:2', '{{.Id}}'), inspect('nocache:1', '{{.Id}}'));

    const fresh = built(dir, '--no-cache', '-t', 'nocache:3');
    assert.doesNotMatch(fresh, /Using cache/);
    assert.match(fresh, / ---> Running in [0-9a-f]{12}\n/);
    assert.notEqual(inspect('nocache:3', '{{.Id}}'), inspect('nocache:1', '{{.Id}}'));
    assert.equal(run('nocache:3', 'cat', '/copy'), 'one\n');
  });

  it('names a changed build arg on a cache miss, and with --explain (berth) says why each later step was rebuilt', () => {
    const dir = context({ Dockerfile: dockerfile('FROM busybox', 'ARG PROFILE', 'RUN echo "$PROFILE" > /profile', 'RUN cat /profile > /again') });
    built(dir, '--build-arg', 'PROFILE=a', '-t', 'explain:a');
    const args = which === 'berth' ? ['--explain'] : [];
    const out = built(dir, '--build-arg', 'PROFILE=b', ...args, '-t', 'explain:b');
    const s = steps(out);
    assert.match(s[2]!, / ---> Using cache\n/, 'ARG PROFILE itself is unchanged');
    assert.match(s[3]!, / ---> Cache miss: build arg changed: PROFILE \("a" → "b"\)\n/);
    assert.doesNotMatch(s[3]!, /Using cache/);
    if (which === 'berth') {
      assert.match(s[4]!, / ---> Cache miss: the step before was rebuilt \(step 3\)\n/);
      assert.equal(out.match(/Cache miss:/g)?.length, 2, out);
    }
    assert.equal(run('explain:b', 'cat', '/again'), 'b\n');
  });

  it('-q prints only the image ID and --iidfile writes it', () => {
    const dir = context({ 'Custom.Dockerfile': dockerfile('FROM busybox', 'LABEL quiet=yes') });
    const iid = path.join(tempDir('bt-iid-'), 'iid');
    const quiet = build(dir, '-q', '-f', path.join(dir, 'Custom.Dockerfile'), '--iidfile', iid, '-t', 'quiet:1');
    assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
    const id = inspect('quiet:1', '{{.Id}}');
    assert.match(id, IMAGE_ID);
    assert.equal(quiet.stdout, `${id}\n`);
    // docker/cli with -q writes what the daemon printed (newline included); berth the bare ID.
    assert.equal(readFileSync(iid, 'utf8').trimEnd(), id);
  });

  // docker/cli sends this context tar without its last padding and end blocks; berthd accepts it as Go's archive/tar does.
  it('-f reads a Dockerfile outside the context directory', () => {
    const dir = context({ 'in-context.txt': 'ctx\n' });
    const file = path.join(tempDir('bt-df-'), 'Other.Dockerfile');
    writeFileSync(file, dockerfile('FROM busybox', 'COPY . /ctx/', 'LABEL outside=yes'));
    built(dir, '-f', file, '-t', 'outside:1');
    // The Dockerfile travels in the context under a hidden name; COPY . does not see it.
    assert.equal(run('outside:1', 'sh', '-c', 'ls -A /ctx; cat /ctx/in-context.txt'), 'in-context.txt\nctx\n');
    assert.equal(inspect('outside:1', '{{index .Config.Labels "outside"}}'), 'yes');
  });

  it('builds from a Dockerfile on stdin (context "-")', () => {
    const r = cli(['build', '-t', 'stdin:1', '-'], { input: dockerfile('FROM busybox', 'RUN echo from-stdin > /stdin.txt') });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(run('stdin:1', 'cat', '/stdin.txt'), 'from-stdin\n');
  });

  it('rejects bad Dockerfiles and targets clearly, naming the line, and tags nothing', () => {
    const cases: Array<{ name: string; files: Files; args?: string[]; message: RegExp }> = [
      { name: 'heredoc', files: { Dockerfile: 'FROM busybox\nRUN <<EOF\necho never closed\n' }, message: /Dockerfile:2: unterminated heredoc EOF/ },
      { name: 'flag', files: { a: 'a', Dockerfile: 'FROM busybox\nCOPY --nope=1 a b\n' }, message: /Dockerfile:2: COPY: unknown flag: --nope/ },
      { name: 'nofrom', files: { Dockerfile: 'RUN echo hi\n' }, message: /Dockerfile:1: no build stage in current context/ },
      { name: 'target', files: { Dockerfile: 'FROM busybox AS base\nRUN true\n' }, args: ['--target', 'nope'], message: /failed to reach build target nope in Dockerfile/ },
    ];
    for (const c of cases) {
      const r = build(context(c.files), ...(c.args ?? []), '-t', `bad-${c.name}:1`);
      assert.notEqual(r.code, 0, `${c.name}: ${r.stdout}`);
      assert.match(r.stderr, c.message, c.name);
      notTagged(`bad-${c.name}:1`);
    }
    assert.equal(ok(['ps', '-aq']).trim(), '');
  });

  if (which === cliUnderTest[0]) {
    it('answers a context tar with escaping entries with an error in the stream, writes nothing outside, and stays up', async () => {
      const tag = `escape${process.pid}`;
      const dockerfileEntry = tarEntry('Dockerfile', 'FROM busybox\nCOPY . /ctx/\n');
      const hostile: Array<{ what: string; entries: Buffer[] }> = [
        { what: 'parent', entries: [tarEntry(`../${tag}-up1`, 'escaped\n')] },
        { what: 'grandparent', entries: [tarEntry(`sub/../../../${tag}-up3`, 'escaped\n')] },
        { what: 'deep', entries: [tarEntry(`../../../../../../../../tmp/${tag}-tmp`, 'escaped\n')] },
        { what: 'symlinked parent', entries: [tarEntry('link', '', { type: '2', linkname: '/tmp' }), tarEntry(`link/${tag}-via-link`, 'escaped\n')] },
      ];
      for (const h of hostile) {
        const tar = Buffer.concat([dockerfileEntry, ...h.entries, Buffer.alloc(1024)]);
        const res = await d.api('POST', `/build?t=${tag}:1`, tar);
        assert.equal(res.status, 200, `${h.what}: ${res.text}`);
        const messages = res.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { stream?: string; errorDetail?: { message: string } });
        const failure = messages.find((m) => m.errorDetail);
        assert.match(failure?.errorDetail?.message ?? '', /escapes|outside|symlink/, `${h.what}: ${res.text}`);
        assert.ok(!messages.some((m) => m.stream?.includes('Successfully built')), `${h.what}: ${res.text}`);
      }
      const leaked = spawnSync('find', [d.dir, '/tmp', '-maxdepth', '6', '-name', `${tag}-*`], { encoding: 'utf8' }).stdout.trim();
      assert.equal(leaked, '', 'nothing written anywhere for the escaping entries');
      // An absolute name is read as relative to the context, as moby's Unpack does: it lands inside.
      const inside = `inside${process.pid}`;
      const abs = await d.api('POST', `/build?t=${inside}:1`, Buffer.concat([dockerfileEntry, tarEntry(`/tmp/${inside}`, 'kept inside\n'), Buffer.alloc(1024)]));
      assert.match(abs.text, /Successfully tagged/, abs.text);
      assert.equal(run(`${inside}:1`, 'cat', `/ctx/tmp/${inside}`), 'kept inside\n');
      assert.ok(!existsSync(`/tmp/${inside}`));
      assert.deepEqual(readdirSync(path.join(d.dataRoot, 'build')).filter((n) => n.startsWith('context-')), [], 'the unpacked contexts are removed');
      assert.ok(await d.ping(), 'the daemon is still up');
      notTagged(`${tag}:1`);
      // And it still builds.
      assert.equal(built(context({ Dockerfile: 'FROM busybox\nLABEL after=escape\n' }), '-t', 'after-escape:1').includes('Successfully tagged after-escape:1'), true);
    });
  }
});

/** One ustar entry (header + padded body), names written as given: a hostile client's tar. */
function tarEntry(name: string, body: string, opts: { type?: string; linkname?: string } = {}): Buffer {
  const data = Buffer.from(body);
  const h = Buffer.alloc(512);
  const put = (s: string, off: number, len: number) => h.write(s.slice(0, len), off, len, 'utf8');
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  put(name, 0, 100);
  put(octal(opts.type === '2' ? 0o777 : 0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(data.length, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put('        ', 148, 8);
  put(opts.type ?? '0', 156, 1);
  put(opts.linkname ?? '', 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad]);
}
