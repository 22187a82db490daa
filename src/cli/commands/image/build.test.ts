import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import tarStream from 'tar-stream';
import { InvalidArgumentError } from '../../../errors.js';
import { collect, tempDir } from '../../../archive/tar-fixtures.js';
import { BerthCli, type InStream } from '../../cli-context.js';
import { FlagError, StatusError } from '../../cli-errors.js';
import { encodeQuery } from '../../client/transport.js';
import { buildOptions, buildQuery, BuildProgress, formatStepDuration, newBuildCommand, prepareContext } from './build.js';

/** Parses argv with the real command definition; returns the flags the action would see. */
async function parse(argv: string[]): Promise<{ context: string; flags: Record<string, unknown> }> {
  const cmd = newBuildCommand(new BerthCli());
  let seen: { context: string; flags: Record<string, unknown> } | undefined;
  cmd.action((args: string[], flags: Record<string, unknown>) => {
    seen = { context: args[0]!, flags };
  });
  await cmd.parseAsync(argv, { from: 'user' });
  assert.ok(seen);
  return seen;
}

describe('build flags → POST /build query', () => {
  it('maps every flag to docker\'s query parameters', async () => {
    const { context, flags } = await parse([
      '-t', 'app:1', '--tag', 'registry.local:5000/app', '-f', 'ci/Dockerfile', '--build-arg', 'A=1', '--build-arg', 'B=x=y',
      '--build-arg', 'FROM_ENV', '--build-arg', 'UNSET', '--target', 'final', '--no-cache', '--pull', '--label', 'k=v',
      '--label', 'flag', '--rm=false', '--force-rm', '-q', '--iidfile', '/tmp/iid', '--explain', 'ctx',
    ]);
    const o = buildOptions(context, flags, { FROM_ENV: 'from env' });
    assert.equal(o.context, 'ctx');
    assert.equal(o.iidfile, '/tmp/iid');
    assert.equal(o.file, 'ci/Dockerfile');
    const q = buildQuery(o, '.dockerfile.0123');
    assert.deepEqual(q, {
      t: ['app:1', 'registry.local:5000/app'],
      dockerfile: '.dockerfile.0123',
      buildargs: JSON.stringify({ A: '1', B: 'x=y', FROM_ENV: 'from env' }),
      labels: JSON.stringify({ k: 'v', flag: '' }),
      target: 'final',
      nocache: '1',
      pull: '1',
      rm: '0',
      forcerm: '1',
      q: '1',
      explain: '1',
      version: '1',
    });
    assert.equal(
      encodeQuery(q),
      '?t=app%3A1&t=registry.local%3A5000%2Fapp&dockerfile=.dockerfile.0123&buildargs=%7B%22A%22%3A%221%22%2C%22B%22%3A%22x%3Dy%22%2C%22FROM_ENV%22%3A%22from+env%22%7D' +
        '&labels=%7B%22k%22%3A%22v%22%2C%22flag%22%3A%22%22%7D&target=final&nocache=1&pull=1&rm=0&forcerm=1&q=1&explain=1&version=1',
    );
  });

  it('sends docker\'s defaults when no flag is given', async () => {
    const { context, flags } = await parse(['.']);
    assert.equal(encodeQuery(buildQuery(buildOptions(context, flags, {}), 'Dockerfile')), '?dockerfile=Dockerfile&buildargs=%7B%7D&labels=%7B%7D&rm=1&version=1');
  });

  it('accepts --rm and --no-cache spelled the pflag ways', async () => {
    assert.equal(buildOptions('.', (await parse(['--rm', '.'])).flags, {}).rm, true);
    assert.equal(buildOptions('.', (await parse(['--rm=true', '.'])).flags, {}).rm, true);
    assert.equal(buildOptions('.', (await parse(['--no-cache=true', '.'])).flags, {}).noCache, true);
    assert.equal(buildOptions('.', (await parse(['--no-cache=false', '.'])).flags, {}).noCache, false);
  });

  it('rejects bad tags, labels and build args as docker words it', async () => {
    const flagError = async (argv: string[], message: string) => {
      await assert.rejects(parse(argv), (err: unknown) => err instanceof FlagError && err.message === message);
    };
    await flagError(['-t', 'App', '.'], 'invalid argument "App" for "-t, --tag" flag: invalid reference format: repository name (library/App) must be lowercase');
    await flagError(['--label', '=v', '.'], `invalid argument "=v" for "--label" flag: invalid label '=v': empty name`);
    await flagError(['--label', 'a b=v', '.'], `invalid argument "a b=v" for "--label" flag: label 'a b' contains whitespaces`);
    await flagError(['--build-arg', '=x', '.'], 'invalid argument "=x" for "--build-arg" flag: invalid environment variable: =x');
  });
});

describe('build output', () => {
  const sink = () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    return { out, text: () => text };
  };
  /** A clock that moves 1.5 s (then 2 s, 2.5 s, …) between readings. */
  const clock = () => {
    let t = 0;
    let step = 1000;
    return () => (t += step += 500);
  };

  it('prints stream text as is and the time each step took', () => {
    const { out, text } = sink();
    const p = new BuildProgress(out, { quiet: false, now: clock() });
    for (const stream of [
      'Step 1/2 : FROM busybox\n', ' ---> 1a2b3c\n', 'Step 2/2 : RUN echo hi\n', ' ---> Running in 9f\n', 'hi\n',
      'Removing intermediate container 9f\n', ' ---> 4d5e6f\n', 'Successfully built 4d5e6f\n', 'Successfully tagged app:latest\n',
    ]) p.handle({ stream });
    p.handle({ aux: { ID: 'sha256:4d5e6f' } });
    p.end();
    assert.equal(
      text(),
      'Step 1/2 : FROM busybox\n ---> 1a2b3c\n ---> took 2.00s\nStep 2/2 : RUN echo hi\n ---> Running in 9f\nhi\n' +
        'Removing intermediate container 9f\n ---> 4d5e6f\n ---> took 3.00s\nSuccessfully built 4d5e6f\nSuccessfully tagged app:latest\n',
    );
    assert.equal(p.imageId, 'sha256:4d5e6f');
  });

  it('finds step lines anywhere in a message but never mid-line, and times a step cut short', () => {
    const { out, text } = sink();
    const p = new BuildProgress(out, { quiet: false, now: clock() });
    p.handle({ stream: 'Step 1/2 : FROM a\n ---> x\nStep 2/2 : RUN y\n' });
    p.handle({ stream: 'partial output, then Step 3/3 : not a step' });
    p.handle({ status: 'Pulling fs layer', id: 'abc' });
    p.end();
    assert.equal(
      text(),
      'Step 1/2 : FROM a\n ---> x\n ---> took 2.00s\nStep 2/2 : RUN y\npartial output, then Step 3/3 : not a step' +
        'abc: Pulling fs layer\n ---> took 3.00s\n',
    );
  });

  it('ends the step and exits with the failed RUN\'s status on an error line', () => {
    const { out, text } = sink();
    const p = new BuildProgress(out, { quiet: false, now: clock() });
    p.handle({ stream: 'Step 1/1 : RUN exit 3\n ---> Running in ab\n' });
    p.handle({ stream: 'out 1\nout 2\n' });
    const failed = (m: Parameters<BuildProgress['handle']>[0], status: number, message: string) =>
      assert.throws(() => p.handle(m), (err: unknown) => err instanceof StatusError && err.status === status && err.message === message);
    // The error names the failing step and repeats its last lines (they may have scrolled away).
    const where = '\n  at Step 1/1 : RUN exit 3\n  last output:\n    out 1\n    out 2';
    failed({ errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: 'x' }, 3, `The command '/bin/sh -c exit 3' returned a non-zero code: 3${where}`);
    assert.equal(text(), 'Step 1/1 : RUN exit 3\n ---> Running in ab\nout 1\nout 2\n ---> took 2.00s\n');
    failed({ error: 'dockerfile parse error line 2: unknown instruction: FOO' }, 1, `dockerfile parse error line 2: unknown instruction: FOO${where}`);
    failed({ errorDetail: { code: 500, message: 'internal' } }, 1, `internal${where}`);
  });

  it('writes nothing in quiet mode, keeping the text for an error report', () => {
    const { out, text } = sink();
    const p = new BuildProgress(out, { quiet: true, now: clock() });
    p.handle({ stream: 'Step 1/1 : FROM a\n' });
    p.handle({ aux: { ID: 'sha256:00' } });
    p.handle({ stream: 'sha256:00\n' });
    p.end();
    assert.equal(text(), '');
    assert.equal(p.buffered, 'Step 1/1 : FROM a\nsha256:00\n');
  });

  it('formats durations', () => {
    assert.equal(formatStepDuration(423), '0.42s');
    assert.equal(formatStepDuration(12_409), '12.41s');
    assert.equal(formatStepDuration(125_300), '2m05.3s');
    assert.equal(formatStepDuration(3_725_000), '1h02m05s');
  });
});

describe('preparing the context', () => {
  const names = async (tar: Readable): Promise<Array<[string, string]>> => {
    const ex = tarStream.extract();
    const out: Array<[string, string]> = [];
    const done = (async () => {
      for await (const e of ex as unknown as AsyncIterable<Readable & { header: tarStream.Header }>) out.push([e.header.name, (await collect(e)).toString()]);
    })();
    ex.end(await collect(tar));
    await done;
    return out;
  };
  const noStdin = { in: Readable.from([]) as InStream };

  it('uses PATH/Dockerfile, or PATH/dockerfile when only that exists', async (t) => {
    const root = await tempDir(t, 'berth-build-');
    fs.writeFileSync(path.join(root, 'dockerfile'), 'FROM lower');
    const got = await prepareContext(noStdin, { context: root });
    assert.equal(got.dockerfile, 'dockerfile');
    assert.deepEqual(await names(got.tar), [['dockerfile', 'FROM lower']]);
  });

  it('sends a Dockerfile from outside the context under a random name', async (t) => {
    const root = await tempDir(t, 'berth-build-');
    fs.mkdirSync(path.join(root, 'ctx'));
    fs.writeFileSync(path.join(root, 'ctx/app'), 'bin');
    fs.writeFileSync(path.join(root, 'Other.Dockerfile'), 'FROM outside');
    const got = await prepareContext(noStdin, { context: path.join(root, 'ctx'), file: path.join(root, 'Other.Dockerfile') });
    assert.match(got.dockerfile ?? '', /^\.dockerfile\.[0-9a-f]{20}$/);
    assert.deepEqual(await names(got.tar), [['app', 'bin'], ['.dockerignore', `.dockerignore\n${got.dockerfile}\n`], [got.dockerfile!, 'FROM outside']]);
  });

  it('reads -f - from stdin, and a whole Dockerfile given as the context', async (t) => {
    const root = await tempDir(t, 'berth-build-');
    const fromStdin = await prepareContext({ in: Readable.from([Buffer.from('FROM stdin')]) as InStream }, { context: root, file: '-' });
    assert.deepEqual((await names(fromStdin.tar)).map(([n, c]) => [n === fromStdin.dockerfile ? 'DF' : n, c]), [['.dockerignore', `.dockerignore\n${fromStdin.dockerfile}\n`], ['DF', 'FROM stdin']]);
    const only = await prepareContext({ in: Readable.from([Buffer.from('FROM only')]) as InStream }, { context: '-', file: 'ignored' });
    assert.equal(only.dockerfile, 'Dockerfile');
    assert.deepEqual(await names(only.tar), [['Dockerfile', 'FROM only']]);
    await assert.rejects(prepareContext(noStdin, { context: '-', file: '-' }), InvalidArgumentError);
  });

  it('says what is missing as docker does', async (t) => {
    const root = await tempDir(t, 'berth-build-');
    await assert.rejects(prepareContext(noStdin, { context: path.join(root, 'nope') }), (err: unknown) =>
      err instanceof InvalidArgumentError && err.message === `unable to prepare context: path "${path.join(root, 'nope')}" not found`);
    await assert.rejects(prepareContext(noStdin, { context: root }), (err: unknown) =>
      err instanceof InvalidArgumentError &&
      err.message === `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${root}/Dockerfile: no such file or directory`);
    await assert.rejects(prepareContext(noStdin, { context: root, file: path.join(root, 'a/b/Dockerfile') }), (err: unknown) =>
      err instanceof InvalidArgumentError && err.message.endsWith(`lstat ${root}/a: no such file or directory`));
    fs.writeFileSync(path.join(root, 'file'), '');
    await assert.rejects(prepareContext(noStdin, { context: path.join(root, 'file') }), (err: unknown) =>
      err instanceof InvalidArgumentError && err.message === `unable to prepare context: context must be a directory: ${root}/file`);
  });
});
