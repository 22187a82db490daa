/**
 * `pull` and `push` against a scripted Engine API server on a real unix
 * socket: the request each command line makes (query in order, and the
 * X-Registry-Auth header built from the config file's credentials), and
 * what reaches stdout/stderr, on a pipe and on a terminal. The expected
 * requests are what docker 28.2.2 sent for the same command lines; when the
 * docker CLI is installed, it runs against the same server and berth must
 * print and ask exactly what it does. Real pulls and pushes are proven by
 * the registry integration tests.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { goldenOutput, streamFixture } from '../../stream/stream-fixtures.js';
import { berth, configDir, docker, hasDocker, requestLines, scriptedDaemon, type Daemon, type Reply, type Seen } from '../../testing/scripted-daemon.js';

const DIGEST = `sha256:${'e'.repeat(64)}`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const header = (json: string): string => Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

const HUB = header('{"username":"hub","password":"pw","serveraddress":"https://index.docker.io/v1/"}');
const LOCAL = header('{"username":"bob","password":"s3cret","serveraddress":"127.0.0.1:5000"}');

/** A config dir holding docker-format credentials for four registries. */
function credentials(t: TestContext): string {
  const dir = configDir(t);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      auths: {
        '127.0.0.1:5000': { auth: b64('bob:s3cret') },
        'https://index.docker.io/v1/': { auth: b64('hub:pw') },
        'http://other.example:5001': { auth: b64('o:p') },
        'tok.example': { auth: b64('u:'), identitytoken: 'IDT' },
      },
    }),
  );
  return dir;
}

const streams = (pull: string, push = 'push') => (r: Seen): Reply | undefined => {
  if (r.method === 'POST' && r.path === '/images/create') return { status: 200, stream: streamFixture(pull) };
  if (r.method === 'POST' && r.path.endsWith('/push')) return { status: 200, stream: streamFixture(push) };
  return undefined;
};

/** berth and (when installed) docker run the same command line; both must agree on requests and output. */
async function sameAsDocker(t: TestContext, d: Daemon, args: string[], config: string): Promise<{ stdout: string; stderr: string; status: number; requests: string[] }> {
  const b = await berth(d.host, args, { config });
  const requests = requestLines(d.seen.splice(0));
  if (hasDocker) {
    const k = await docker(d.host, args, config);
    assert.deepEqual(requestLines(d.seen.splice(0)), requests, `requests of ${args.join(' ')}`);
    assert.equal(b.stdout, k.stdout, `stdout of ${args.join(' ')}`);
    assert.equal(b.stderr.replace(/\bberth\b/g, 'docker'), k.stderr, `stderr of ${args.join(' ')}`);
    assert.equal(b.status, k.status, `status of ${args.join(' ')}`);
  } else t.diagnostic('docker CLI not installed: compared with recorded requests only');
  return { ...b, requests };
}

describe('pull', () => {
  it('maps each form of the flags and reference to docker\'s request, with the registry\'s stored credentials', async (t) => {
    const d = await scriptedDaemon(t, streams('pull'));
    const config = credentials(t);
    const cases: Array<[string[], string]> = [
      [['pull', 'busybox'], `POST /images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest auth=${HUB}`],
      [['image', 'pull', '-a', 'busybox'], `POST /images/create?fromImage=docker.io%2Flibrary%2Fbusybox auth=${HUB}`],
      [['pull', '--platform', 'linux/ARM64/v8', 'busybox'], `POST /images/create?fromImage=docker.io%2Flibrary%2Fbusybox&platform=linux%2Farm64%2Fv8&tag=latest auth=${HUB}`],
      [['pull', `busybox:1@${DIGEST}`], `POST /images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=sha256%3A${'e'.repeat(64)} auth=${HUB}`],
      [['pull', '-q', '127.0.0.1:5000/x/y:2'], `POST /images/create?fromImage=127.0.0.1%3A5000%2Fx%2Fy&tag=2 auth=${LOCAL}`],
      [['pull', 'other.example:5001/z'], `POST /images/create?fromImage=other.example%3A5001%2Fz&tag=latest auth=${header('{"username":"o","password":"p","serveraddress":"http://other.example:5001"}')}`],
      [['pull', 'tok.example/q'], `POST /images/create?fromImage=tok.example%2Fq&tag=latest auth=${header('{"username":"u","serveraddress":"tok.example","identitytoken":"IDT"}')}`],
      [['pull', 'index.docker.io/user/app'], `POST /images/create?fromImage=docker.io%2Fuser%2Fapp&tag=latest auth=${HUB}`],
      [['pull', 'localhost/x'], 'POST /images/create?fromImage=localhost%2Fx&tag=latest auth=e30='],
    ];
    for (const [args, request] of cases) {
      const r = await sameAsDocker(t, d, args, config);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.requests, [request], args.join(' '));
    }
  });

  it('prints docker\'s log off a terminal, and only the reference with -q', async (t) => {
    const d = await scriptedDaemon(t, streams('pull'));
    const config = configDir(t);
    assert.equal((await sameAsDocker(t, d, ['pull', 'busybox'], config)).stdout, goldenOutput('pull', 'plain'));
    assert.equal((await sameAsDocker(t, d, ['pull', '-q', `busybox@${DIGEST}`], config)).stdout, `docker.io/library/busybox@${DIGEST}\n`);
  });

  it('draws per-layer progress bars on a terminal, as docker does at 120 and 80 columns', async (t) => {
    const d = await scriptedDaemon(t, streams('pull'));
    const config = configDir(t);
    for (const columns of [120, 80] as const) {
      const r = await berth(d.host, ['pull', 'busybox'], { config, ttyColumns: columns });
      assert.equal(r.stdout, goldenOutput('pull', `terminal-${columns}`));
    }
    const all = await scriptedDaemon(t, streams('pull-all-tags'));
    assert.equal((await berth(all.host, ['pull', '-a', 'busybox'], { config, ttyColumns: 120 })).stdout, goldenOutput('pull-all-tags', 'terminal-120'));
  });

  it('fails with the stream\'s error message, exit 1, after the progress shown so far', async (t) => {
    const d = await scriptedDaemon(t, streams('pull-error'));
    const config = configDir(t);
    const r = await sameAsDocker(t, d, ['pull', 'busybox'], config);
    assert.deepEqual({ ...r, requests: [] }, { stdout: goldenOutput('pull-error', 'plain'), stderr: 'unauthorized: authentication required\n', status: 1, requests: [] });
    const tty = await berth(d.host, ['pull', 'busybox'], { config, ttyColumns: 120 });
    assert.equal(tty.stdout, goldenOutput('pull-error', 'terminal-120'));
  });

  it('refuses a tag with -a and a bad reference before any request, in docker\'s words', async (t) => {
    const d = await scriptedDaemon(t, streams('pull'));
    const config = configDir(t);
    assert.deepEqual(await sameAsDocker(t, d, ['pull', '-a', 'busybox:1'], config), { stdout: '', stderr: "tag can't be used with --all-tags/-a\n", status: 1, requests: [] });
    assert.deepEqual(await sameAsDocker(t, d, ['pull', 'Busybox'], config), {
      stdout: '',
      stderr: 'invalid reference format: repository name (library/Busybox) must be lowercase\n',
      status: 1,
      requests: [],
    });
    assert.equal((await sameAsDocker(t, d, ['pull'], config)).status, 1);
  });

  it('prints the daemon\'s 401 when it cannot ask, and asks then retries once on a terminal', async (t) => {
    let calls = 0;
    const d = await scriptedDaemon(t, (r) => {
      if (r.path !== '/images/create') return undefined;
      calls++;
      return calls === 1 ? { status: 401, body: { message: 'no basic auth credentials' } } : { status: 200, stream: streamFixture('pull') };
    });
    const config = credentials(t);
    const piped = await berth(d.host, ['pull', '127.0.0.1:5000/x'], { config });
    assert.deepEqual(piped, { stdout: 'Using default tag: latest\n', stderr: 'Error response from daemon: no basic auth credentials\n', status: 1 });

    calls = 0;
    d.seen.length = 0;
    const rawModes: boolean[] = [];
    const asked = await berth(d.host, ['pull', '127.0.0.1:5000/x'], { config, stdinTty: true, rawModes, input: 'alice\nsecret\r' });
    assert.equal(asked.status, 0, asked.stderr);
    assert.ok(asked.stdout.startsWith('Using default tag: latest\n\nLogin prior to pull:\nUsername (bob): Password: \nlatest: Pulling from library/busybox\n'), asked.stdout);
    assert.deepEqual(rawModes, [true, false]);
    assert.deepEqual(
      d.seen.map((r) => Buffer.from(String(r.headers['x-registry-auth']), 'base64url').toString()),
      ['{"username":"bob","password":"s3cret","serveraddress":"127.0.0.1:5000"}', '{"username":"alice","password":"secret","serveraddress":"127.0.0.1:5000"}'],
    );
  });
});

describe('push', () => {
  it('sends docker\'s request with the registry\'s credentials and prints docker\'s log', async (t) => {
    const d = await scriptedDaemon(t, streams('pull'));
    const config = credentials(t);
    const r = await sameAsDocker(t, d, ['push', '127.0.0.1:5000/busybox'], config);
    assert.deepEqual(r.requests, [`POST /images/127.0.0.1:5000/busybox/push?tag=latest auth=${LOCAL}`]);
    assert.equal(r.stdout, goldenOutput('push', 'plain'));
    const all = await sameAsDocker(t, d, ['image', 'push', '-a', '-q', 'busybox'], config);
    assert.deepEqual(all.requests, [`POST /images/docker.io/library/busybox/push? auth=${HUB}`]);
    assert.equal(all.stdout, 'docker.io/library/busybox\n');
    assert.equal((await sameAsDocker(t, d, ['push', '-q', 'busybox:1'], config)).stdout, 'docker.io/library/busybox:1\n');
  });

  it('draws per-layer progress bars on a terminal', async (t) => {
    const d = await scriptedDaemon(t, streams('pull'));
    const config = configDir(t);
    for (const columns of [120, 80] as const) {
      assert.equal((await berth(d.host, ['push', '127.0.0.1:5000/busybox'], { config, ttyColumns: columns })).stdout, goldenOutput('push', `terminal-${columns}`));
    }
  });

  it('refuses a digest, a tag with -a, and --platform (API 1.46) before any request', async (t) => {
    const d = await scriptedDaemon(t, streams('pull'));
    const config = configDir(t);
    assert.deepEqual(await sameAsDocker(t, d, ['push', `busybox@${DIGEST}`], config), { stdout: '', stderr: 'cannot push a digest reference\n', status: 1, requests: [] });
    assert.deepEqual(await sameAsDocker(t, d, ['push', '-a', 'busybox:1'], config), { stdout: '', stderr: "tag can't be used with --all-tags/-a\n", status: 1, requests: [] });
    const platform = await berth(d.host, ['push', '--platform', 'linux/amd64', 'busybox'], { config });
    assert.deepEqual(platform, { stdout: '', stderr: '"--platform" requires API version 1.46, but the Berth daemon API version is 1.45\n', status: 1 });
    assert.equal(d.seen.length, 0);
  });

  it('prints docker\'s note when the daemon reports content missing from an index', async (t) => {
    const missing = `${streamFixture('push')}{"progressDetail":{},"aux":{"contentMissing":true}}\n`;
    const d = await scriptedDaemon(t, (r) => (r.path.endsWith('/push') ? { status: 200, stream: missing } : undefined));
    const r = await sameAsDocker(t, d, ['push', '127.0.0.1:5000/busybox'], configDir(t));
    const indent = `${' '.repeat(9)}\t\t\t\t`;
    assert.ok(
      r.stdout.endsWith(
        `${goldenOutput('push', 'plain')}\n Info -> You're trying to push a manifest list/index which \n${indent}references multiple platform specific manifests, but not all of them are available locally\n` +
          `${indent}or available to the remote repository.\n         \n${indent}Make sure you have all the referenced content and try again.\n         \n` +
          `${indent}You can also push only a single platform specific manifest directly by specifying the platform you want to push with the --platform flag.\n`,
      ),
      r.stdout,
    );
  });
});
