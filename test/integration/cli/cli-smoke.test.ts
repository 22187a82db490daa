/**
 * End-to-end smoke test of the `berth` CLI against a real berthd: the one
 * named by BERTH_TEST_SOCKET if set, otherwise one the harness starts for
 * this file. Every container it creates is removed in t.after, even when an
 * assertion fails.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it, type TestContext } from 'node:test';
import { TestDaemon } from '../../harness/daemon.js';

let SOCKET = process.env['BERTH_TEST_SOCKET'] ?? '';
let daemon: TestDaemon | undefined;
const BERTH = fileURLToPath(new URL('../../../src/cmd/berth.js', import.meta.url));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `berth -H unix://$BERTH_TEST_SOCKET ARGS`, feeding `input` to stdin (closed otherwise). */
function berth(args: string[], input?: string | Buffer, timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH, '-H', `unix://${SOCKET}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(input);
  });
}

/** A container name unique to this run, removed (forcefully) after the test. */
function containerName(t: TestContext, hint: string): string {
  const name = `berth-smoke-${hint}-${process.pid}`;
  t.after(async () => {
    await berth(['rm', '-f', name]);
  });
  return name;
}

describe('berth CLI smoke test', () => {
  after(async () => {
    await daemon?.cleanup();
  });
  before(async () => {
    if (SOCKET === '') {
      daemon = new TestDaemon();
      await daemon.start();
      SOCKET = daemon.socket;
    }
    // The harness may already provide busybox; otherwise build it from the host's busybox-static.
    if ((await berth(['image', 'inspect', 'busybox'])).code !== 0) {
      const r = await berth(['image', 'bootstrap', 'busybox'], undefined, 120_000);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Bootstrapped image: busybox:latest/);
    }
  });

  it('talks to the daemon: version and info', async () => {
    const v = await berth(['version', '--format', '{{.Server.ApiVersion}}']);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^1\.\d+\n$/);
    const info = await berth(['info', '--format', '{{.Images}}']);
    assert.equal(info.code, 0, info.stderr);
  });

  it('runs a container and prints its output (run --rm busybox echo hi)', async () => {
    const r = await berth(['run', '--rm', 'busybox', 'echo', 'hi']);
    assert.deepEqual(r, { code: 0, stdout: 'hi\n', stderr: '' });
  });

  it('keeps stdout and stderr apart and exits with the container status', async () => {
    const r = await berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual(r, { code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('passes options after the image to the command', async () => {
    const r = await berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo -x']);
    assert.equal(r.stdout, '-x\n');
  });

  it('forwards stdin with -i and closes it at EOF', async () => {
    const r = await berth(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo done'], 'piped\n');
    assert.deepEqual(r, { code: 0, stdout: 'piped\ndone\n', stderr: '' });
  });

  it('applies config flags (env, workdir, user, hostname, labels)', async (t) => {
    const name = containerName(t, 'config');
    const r = await berth(['run', '--name', name, '-e', 'GREETING=hello', '-w', '/tmp', '-u', '1000', '-h', 'smokehost', '-l', 'smoke=1',
      'busybox', 'sh', '-c', 'echo $GREETING $(pwd) $(id -u) $(hostname)']);
    assert.deepEqual(r, { code: 0, stdout: 'hello /tmp 1000 smokehost\n', stderr: '' });
    const label = await berth(['inspect', '--format', '{{index .Config.Labels "smoke"}}', name]);
    assert.equal(label.stdout, '1\n');
  });

  it('exits 127 for a missing command and 126 for one that cannot run', async () => {
    const missing = await berth(['run', '--rm', 'busybox', 'no-such-command']);
    assert.equal(missing.code, 127, missing.stderr);
    const notExec = await berth(['run', '--rm', 'busybox', '/etc/passwd']);
    assert.equal(notExec.code, 126, notExec.stderr);
  });

  it('rejects a bad flag value client-side with exit 125', async () => {
    const r = await berth(['run', '--memory', '12qq', 'busybox']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^invalid argument "12qq" for "-m, --memory" flag: /);
  });

  it('reports a missing image and exits 125', async () => {
    const r = await berth(['run', '--rm', 'berth-smoke-no-such-image:nope', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Unable to find image 'berth-smoke-no-such-image:nope' locally/);
  });

  it('runs detached, lists, execs, shows logs, stops and removes', async (t) => {
    const name = containerName(t, 'detached');
    const run = await berth(['run', '-d', '--name', name, 'busybox', 'sh', '-c', 'echo started; exec sleep 60']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^[0-9a-f]{64}\n$/);
    const id = run.stdout.trim();

    const ps = await berth(['ps', '--filter', `name=${name}`, '--format', '{{.ID}} {{.Names}} {{.State}}']);
    assert.equal(ps.stdout, `${id.slice(0, 12)} ${name} running\n`);
    const quiet = await berth(['ps', '-q', '--no-trunc']);
    assert.ok(quiet.stdout.split('\n').includes(id));

    const exec = await berth(['exec', name, 'sh', '-c', 'echo in-container; exit 4']);
    assert.deepEqual(exec, { code: 4, stdout: 'in-container\n', stderr: '' });
    const execIn = await berth(['exec', '-i', name, 'cat'], 'through exec\n');
    assert.equal(execIn.stdout, 'through exec\n');

    const logs = await berth(['logs', name]);
    assert.equal(logs.stdout, 'started\n');

    const top = await berth(['top', name]);
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, /sleep 60/);

    const stop = await berth(['stop', '-t', '1', name]);
    assert.deepEqual(stop, { code: 0, stdout: `${name}\n`, stderr: '' });
    const wait = await berth(['wait', name]);
    assert.equal(wait.code, 0);
    assert.match(wait.stdout, /^\d+\n$/);

    const rm = await berth(['rm', name]);
    assert.deepEqual(rm, { code: 0, stdout: `${name}\n`, stderr: '' });
    const gone = await berth(['inspect', name]);
    assert.equal(gone.code, 1);
    assert.equal(gone.stdout, '[]\n');
  });

  it('creates, starts attached and reports the exit status', async (t) => {
    const name = containerName(t, 'create');
    const create = await berth(['create', '--name', name, 'busybox', 'sh', '-c', 'echo from-start; exit 2']);
    assert.equal(create.code, 0, create.stderr);
    const start = await berth(['start', '-a', name]);
    assert.deepEqual(start, { code: 2, stdout: 'from-start\n', stderr: '' });
  });

  it('copies files in and out of a container', async (t) => {
    const name = containerName(t, 'cp');
    const dir = mkdtempSync(join(tmpdir(), 'berth-smoke-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'in.txt'), 'copied in\n');
    assert.equal((await berth(['create', '--name', name, 'busybox', 'true'])).code, 0);
    const cpIn = await berth(['cp', join(dir, 'in.txt'), `${name}:/tmp/in.txt`]);
    assert.equal(cpIn.code, 0, cpIn.stderr);
    const cpOut = await berth(['cp', `${name}:/tmp/in.txt`, join(dir, 'out.txt')]);
    assert.equal(cpOut.code, 0, cpOut.stderr);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'copied in\n');
  });

  it('lists images and shows their history', async () => {
    const images = await berth(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.equal(images.code, 0, images.stderr);
    assert.ok(images.stdout.split('\n').includes('busybox:latest'), images.stdout);
    const history = await berth(['history', '-q', 'busybox']);
    assert.equal(history.code, 0, history.stderr);
    assert.ok(history.stdout.trim().length > 0);
  });
});
