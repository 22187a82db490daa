/**
 * Dockerfile builds through `docker build` (DOCKER_BUILDKIT=0: the legacy
 * /build endpoint) and `berth build`, checked by running what was built.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BuildContexts, write, type Files } from '../../harness/build-contexts.js';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';


for (const which of cliUnderTest) describe(`build (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const contexts = new BuildContexts();
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const context = (files: Files): string => contexts.make(files);
  const build = (dir: string, ...args: string[]) => cli(['build', ...args, dir]);
  const imageId = (ref: string) => ok(['image', 'inspect', '-f', '{{.Id}}', ref]).trim();
  const run = (...args: string[]) => ok(['run', '--rm', ...args]);

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
    contexts.cleanup();
  });

  it('builds every metadata instruction into the image config, and runs it as configured', () => {
    const dir = context({
      Dockerfile: [
        'FROM busybox',
        'LABEL team=core "multi word"="a b"',
        'ENV GREETING=hello TARGET=world',
        'ENV LEGACY value with spaces',
        'WORKDIR /srv/app',
        'USER nobody',
        'EXPOSE 8080 9000/udp',
        'VOLUME ["/data"]',
        'STOPSIGNAL SIGTERM',
        'HEALTHCHECK --interval=5s --retries=2 CMD test -d /srv/app',
        'ENTRYPOINT ["sh", "-c", "echo $GREETING $TARGET from $(pwd) as $(id -u): $0"]',
        'CMD ["default-arg"]',
      ].join('\n'),
    });
    const out = build(dir, '-t', 'meta:1');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /Step 1\/12 : FROM busybox\n ---> [0-9a-f]{12}\n/);
    assert.match(out.stdout, /Successfully built [0-9a-f]{12}\nSuccessfully tagged meta:1\n/);
    assert.equal(run('meta:1'), 'hello world from /srv/app as 65534: default-arg\n');
    assert.equal(run('meta:1', 'other'), 'hello world from /srv/app as 65534: other\n');
    const cfg = JSON.parse(ok(['image', 'inspect', '-f', '{{json .Config}}', 'meta:1'])) as Record<string, any>;
    assert.deepEqual(cfg.Labels, { team: 'core', 'multi word': 'a b' });
    assert.ok(cfg.Env.includes('LEGACY=value with spaces'));
    assert.deepEqual(cfg.ExposedPorts, { '8080/tcp': {}, '9000/udp': {} });
    assert.deepEqual(cfg.Volumes, { '/data': {} });
    assert.equal(cfg.StopSignal, 'SIGTERM');
    assert.deepEqual(cfg.Healthcheck, { Test: ['CMD-SHELL', 'test -d /srv/app'], Interval: 5_000_000_000, Retries: 2 });
    // Metadata steps add history but no layer; WORKDIR made the missing directory in one.
    const layers = JSON.parse(ok(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'meta:1'])) as string[];
    const base = JSON.parse(ok(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'busybox'])) as string[];
    assert.equal(layers.length, base.length + 1);
    assert.match(ok(['history', '--no-trunc', 'meta:1']), /\/bin\/sh -c #\(nop\)  CMD \["default-arg"\]/);
  });

  it('passes --build-arg to RUN, keeps args out of the image, and counts one layer per RUN', () => {
    const dir = context({
      Dockerfile: ['FROM busybox', 'ARG PROFILE=dev', 'RUN echo "profile=$PROFILE" > /profile && echo second >> /profile', 'RUN echo third > /third'].join('\n'),
    });
    const out = build(dir, '--build-arg', 'PROFILE=prod', '-t', 'args:1');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, / ---> Running in [0-9a-f]{12}\n/);
    assert.equal(run('args:1', 'cat', '/profile', '/third'), 'profile=prod\nsecond\nthird\n');
    assert.equal(run('args:1', 'sh', '-c', 'echo "[$PROFILE]"'), '[]\n');
    const layers = JSON.parse(ok(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'args:1'])) as string[];
    const base = JSON.parse(ok(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'busybox'])) as string[];
    assert.equal(layers.length, base.length + 2, 'RUN a && b is one layer; two RUNs are two');
    assert.match(ok(['history', '--no-trunc', 'args:1']), /\|1 PROFILE=prod \/bin\/sh -c echo "profile=\$PROFILE"/);
    // No container is left behind.
    assert.equal(ok(['ps', '-aq']).trim(), '');
  });

  it('reuses every step when nothing changed, and rebuilds from the changed file on, saying why', () => {
    const dir = context({
      Dockerfile: ['FROM busybox', 'COPY first.txt /first.txt', 'RUN cat /first.txt > /copy1', 'COPY second.txt /second.txt', 'RUN cat /second.txt > /copy2'].join('\n'),
      'first.txt': 'one\n',
      'second.txt': 'two\n',
    });
    assert.equal(build(dir, '-t', 'cache:1').code, 0);
    const first = imageId('cache:1');
    const again = build(dir, '-t', 'cache:1');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.match(/ ---> Using cache/g)?.length, 4);
    assert.equal(imageId('cache:1'), first, 'an unchanged rebuild gives the same image ID');
    // mtime alone is not a change.
    writeFileSync(path.join(dir, 'first.txt'), 'one\n');
    assert.equal(build(dir).stdout.match(/ ---> Using cache/g)?.length, 4);

    write(dir, { 'second.txt': 'TWO\n' });
    const changed = build(dir, '-t', 'cache:2');
    assert.equal(changed.code, 0, changed.stderr);
    const steps = changed.stdout.split(/(?=Step \d+\/5 : )/).slice(1);
    assert.match(steps[1]!, /Using cache/);
    assert.match(steps[2]!, /Using cache/);
    assert.match(steps[3]!, /Cache miss: files changed: second\.txt/);
    assert.doesNotMatch(steps[4]!, /Using cache/);
    assert.equal(run('cache:2', 'cat', '/copy1', '/copy2'), 'one\nTWO\n');
  });

  it('keeps copied files the image\'s own: a container writing to one changes neither the image nor the next build', () => {
    const dir = context({ Dockerfile: 'FROM busybox\nCOPY data/ /data/\n', 'data/a.txt': 'original\n', 'data/sub/b.txt': 'b\n' });
    assert.equal(build(dir, '-t', 'own:1').code, 0);
    assert.equal(run('own:1', 'sh', '-c', 'echo changed >> /data/a.txt; rm /data/sub/b.txt; cat /data/a.txt'), 'original\nchanged\n');
    assert.equal(run('own:1', 'cat', '/data/a.txt', '/data/sub/b.txt'), 'original\nb\n');
    const rebuilt = build(dir, '--no-cache', '-t', 'own:2');
    assert.equal(rebuilt.code, 0, rebuilt.stdout + rebuilt.stderr);
    assert.equal(run('own:2', 'cat', '/data/a.txt', '/data/sub/b.txt'), 'original\nb\n');
  });

  it('applies .dockerignore, with exceptions', () => {
    const dir = context({
      Dockerfile: 'FROM busybox\nCOPY . /ctx/\n',
      '.dockerignore': '*.log\nsecrets/\n!keep.log\n',
      'app.txt': 'app\n',
      'debug.log': 'noise\n',
      'keep.log': 'kept\n',
      'secrets/key': 'hidden\n',
    });
    assert.equal(build(dir, '-t', 'ignore:1').code, 0);
    assert.equal(run('ignore:1', 'ls', '-A', '/ctx').split('\n').filter(Boolean).sort().join(' '), '.dockerignore Dockerfile app.txt keep.log'.split(' ').sort().join(' '));
  });

  it('builds multi-stage: the final image has the artefact and none of the builder\'s files; --target stops early', () => {
    const dir = context({
      Dockerfile: [
        'FROM busybox AS builder',
        'WORKDIR /build',
        'COPY src.txt .',
        'RUN tr a-z A-Z < src.txt > app && echo scratch > builder-only',
        'FROM busybox AS unused',
        'RUN exit 1',
        'FROM busybox',
        'COPY --from=builder /build/app /usr/local/bin/app.txt',
        'CMD ["cat", "/usr/local/bin/app.txt"]',
      ].join('\n'),
      'src.txt': 'artefact\n',
    });
    const out = build(dir, '-t', 'multi:1');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.doesNotMatch(out.stdout, /RUN exit 1/, 'a stage the target does not need is skipped');
    assert.equal(run('multi:1'), 'ARTEFACT\n');
    assert.notEqual(cli(['run', '--rm', 'multi:1', 'ls', '/build']).code, 0);
    assert.equal(build(dir, '--target', 'builder', '-t', 'multi:builder').code, 0);
    assert.equal(run('multi:builder', 'cat', '/build/builder-only'), 'scratch\n');
  });

  it('builds independent stages at the same time, printing their steps in file order', () => {
    const dir = context({
      Dockerfile: [
        'FROM busybox AS one',
        // /proc/uptime is the host's (not namespaced): a clock both stages share.
        'RUN cut -d" " -f1 /proc/uptime > /start; sleep 1; cut -d" " -f1 /proc/uptime > /end',
        'FROM busybox AS two',
        'RUN cut -d" " -f1 /proc/uptime > /start; sleep 1; cut -d" " -f1 /proc/uptime > /end',
        'FROM busybox',
        'COPY --from=one /start /one.start',
        'COPY --from=one /end /one.end',
        'COPY --from=two /start /two.start',
        'COPY --from=two /end /two.end',
      ].join('\n'),
    });
    const out = build(dir, '-t', 'parallel:1');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    const numbers = [...out.stdout.matchAll(/^Step (\d+)\/9 : /gm)].map((m) => Number(m[1]));
    assert.deepEqual(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9], 'steps print in order, once each');
    assert.ok(out.stdout.indexOf('AS one') < out.stdout.indexOf('AS two'));
    const [s1, e1, s2, e2] = run('parallel:1', 'cat', '/one.start', '/one.end', '/two.start', '/two.end').trim().split('\n').map(Number);
    assert.ok(s1! < e2! && s2! < e1!, `the two RUNs overlapped in time: one ${s1}–${e1}, two ${s2}–${e2}`);
  });

  it('runs ONBUILD triggers in the child build', () => {
    const base = context({ Dockerfile: 'FROM busybox\nONBUILD COPY marker /marker\nONBUILD RUN echo triggered >> /marker\n' });
    assert.equal(build(base, '-t', 'onbuild-base:1').code, 0);
    assert.match(ok(['image', 'inspect', '-f', '{{json .Config.OnBuild}}', 'onbuild-base:1']), /COPY marker \/marker/);
    const child = context({ Dockerfile: 'FROM onbuild-base:1\n', marker: 'from child\n' });
    const out = build(child, '-t', 'onbuild-child:1');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /# Executing 2 build triggers/);
    assert.equal(run('onbuild-child:1', 'cat', '/marker'), 'from child\ntriggered\n');
    assert.equal(ok(['image', 'inspect', '-f', '{{json .Config.OnBuild}}', 'onbuild-child:1']).trim(), '[]');
  });

  it('builds the study-note example with ARG PROFILE', () => {
    const dir = context({
      Dockerfile: [
        'FROM busybox AS builder',
        'ARG PROFILE',
        'WORKDIR /app',
        'COPY . /app/',
        'RUN echo "built:${PROFILE}" > /app/build.txt',
        'EXPOSE 3000',
        'CMD ["cat", "/app/build.txt"]',
      ].join('\n'),
      'index.js': 'console.log(1)\n',
    });
    assert.equal(build(dir, '--build-arg', 'PROFILE=production', '-t', 'note:1').code, 0);
    assert.equal(run('note:1'), 'built:production\n');
    assert.equal(run('note:1', 'cat', '/app/index.js'), 'console.log(1)\n');
  });

  it('fails clearly: a failing RUN gives its exit code, bad files and instructions name the line; nothing is tagged or left', () => {
    const failing = context({ Dockerfile: 'FROM busybox\nRUN echo before; exit 3\n' });
    const r = build(failing, '-t', 'bad:1');
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /before\n/);
    assert.match(r.stderr, /The command '\/bin\/sh -c echo before; exit 3' returned a non-zero code: 3/);
    assert.notEqual(cli(['image', 'inspect', 'bad:1']).code, 0);
    assert.equal(ok(['ps', '-aq']).trim(), '');

    const unknown = build(context({ Dockerfile: 'FROM busybox\nFOO bar\n' }));
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /Dockerfile:2: unknown instruction: FOO/i);

    const outside = build(context({ Dockerfile: 'FROM busybox\nCOPY ../etc/passwd /x\n' }));
    assert.notEqual(outside.code, 0);
    assert.match(outside.stderr, /forbidden path outside the build context: \.\.\/etc\/passwd/);

    const missing = build(context({ Dockerfile: 'FROM busybox\nCOPY nope.txt /x\n' }));
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /file not found in build context or excluded by \.dockerignore: stat nope\.txt/);

    const noStage = build(context({ Dockerfile: 'FROM busybox AS a\nCOPY --from=zz /x /x\n' }));
    assert.notEqual(noStage.code, 0);
  });
});
