/**
 * berthd's registry client end to end: push and pull through the docker CLI
 * (and the berth CLI once it has push/login) against Debian's CNCF
 * distribution registry — which shows the client follows the spec, not just
 * our own server — and against `berth registry serve`. Every registry is a
 * real process on a loopback port; nothing outside is contacted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BERTH, cliUnderTest, hasDocker, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';
import { makeTar } from '../../../src/archive/tar-fixtures.js';
import { hasBerthRegistry, hasDistribution, startBerthRegistry, startDistribution, type RegistryProcess } from './client-registries.js';

/**
 * Runs a CLI against the daemon. berth gets the docker CLI's DOCKER_CONFIG
 * (the harness's berth runner sets none), so its login stays in the test's
 * dir and both CLIs read the same credentials file.
 */
function runCli(d: TestDaemon, which: 'berth' | 'docker', args: string[], input?: string): RunResult {
  if (which === 'docker') return d.docker(args, input === undefined ? {} : { input });
  const r = spawnSync(process.execPath, [BERTH, '-H', d.host, ...args], {
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DOCKER_CONFIG: path.join(d.dir, 'docker-config') },
  });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The berth CLI runs these cases once it has the verbs (its push and login are written in parallel). */
function berthHas(verb: string): boolean {
  const r = spawnSync(process.execPath, [BERTH, verb, '--help'], { encoding: 'utf8' });
  return r.stdout.startsWith(`Usage: berth ${verb}`);
}
const clis = cliUnderTest.filter((c) => c === 'docker' || (berthHas('push') && berthHas('login')));

const registries: Array<{ kind: string; start: typeof startDistribution; skip: string | false }> = [
  { kind: 'distribution', start: startDistribution, skip: !hasDistribution && 'needs docker-registry (Debian)' },
  { kind: 'berth', start: startBerthRegistry, skip: !hasBerthRegistry() && 'berth registry serve is not built' },
];

interface Message {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { Tag?: string; Digest?: string; Size?: number };
  error?: string;
}

function messages(text: string): Message[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Message);
}

/** Removes every image, so the next pull starts from an empty store (gc drops the blobs and layers). */
async function removeAllImages(d: TestDaemon): Promise<void> {
  const list = (await d.api('GET', '/images/json?all=1')).body as Array<{ Id: string }>;
  for (const img of list) await d.api('DELETE', `/images/${img.Id}?force=1`);
  assert.deepEqual((await d.api('GET', '/images/json?all=1')).body, []);
}

/** A small image of its own (one imported layer), so tests that change a registry's storage touch no other test's blobs. */
async function importImage(d: TestDaemon, repo: string, text: string): Promise<void> {
  const tar = await makeTar([{ name: 'hello.txt', content: text }]);
  const r = await d.api('POST', `/images/create?fromSrc=-&repo=${encodeURIComponent(repo)}`, tar);
  assert.equal(r.status, 200, r.text);
}

for (const reg of registries) {
  describe(`push and pull through berthd against the ${reg.kind} registry`, { skip: (!hasDocker && 'needs the docker CLI') || reg.skip }, () => {
    let d: TestDaemon;
    let r: RegistryProcess;
    before(async () => {
      d = await startDaemonWithBusybox();
      r = await reg.start();
    });
    after(async () => {
      await d?.cleanup();
      await r?.stop();
    });

    const cli = (which: 'berth' | 'docker', args: string[], input?: string): RunResult => runCli(d, which, args, input);
    const ok = (which: 'berth' | 'docker', args: string[]): string => {
      const res = cli(which, args);
      assert.equal(res.code, 0, `${which} ${args.join(' ')}: ${res.stderr}${res.stdout}`);
      return res.stdout;
    };
    const restoreBusybox = async () => {
      if ((await d.api('GET', '/images/busybox/json')).status !== 200) await d.bootstrapBusybox();
    };

    for (const which of clis) {
      const repo = () => `${r.host}/${which}/box`;

      it(`${which}: pushes busybox, and a second push finds the layer already there`, async () => {
        await restoreBusybox();
        ok('docker', ['tag', 'busybox', `${repo()}:v1`]);
        const first = ok(which, ['push', `${repo()}:v1`]);
        assert.match(first, new RegExp(`The push refers to repository \\[${repo().replace(/[.]/g, '\\.')}\\]`));
        // The other CLI's run may have put the layer in the registry already: then it is mounted, not sent.
        assert.match(first, /: (Pushed|Mounted from \w+\/box)$/m);
        assert.match(first, /^v1: digest: sha256:[a-f0-9]{64} size: \d+$/m);
        const second = ok(which, ['push', `${repo()}:v1`]);
        assert.match(second, /: Layer already exists$/m);
        assert.doesNotMatch(second, /: (Pushed|Mounted from .*)$/m);
      });

      it(`${which}: pulls the image back into an empty store, and it runs`, async () => {
        await removeAllImages(d);
        const out = ok(which, ['pull', `${repo()}:v1`]);
        assert.match(out, /^v1: Pulling from /m);
        assert.match(out, /: Pull complete$/m);
        assert.match(out, /^Digest: sha256:[a-f0-9]{64}$/m);
        assert.match(out, new RegExp(`^Status: Downloaded newer image for ${repo().replace(/[.]/g, '\\.')}:v1$`, 'm'));
        assert.equal(ok(which, ['run', '--rm', `${repo()}:v1`, 'echo', 'pulled and ran']), 'pulled and ran\n');
        const again = ok(which, ['pull', `${repo()}:v1`]);
        assert.match(again, /^Status: Image is up to date for /m);
      });

      it(`${which}: pulls by digest, and the image shows that digest`, async () => {
        const digest = ok('docker', ['image', 'inspect', '-f', '{{index .RepoDigests 0}}', `${repo()}:v1`]).trim().split('@')[1]!;
        assert.match(digest, /^sha256:[a-f0-9]{64}$/);
        await removeAllImages(d);
        const out = ok(which, ['pull', `${repo()}@${digest}`]);
        assert.match(out, new RegExp(`^Digest: ${digest}$`, 'm'));
        assert.equal(ok(which, ['run', '--rm', `${repo()}@${digest}`, 'echo', 'by digest']), 'by digest\n');
      });

      it(`${which}: run pulls an image it does not have, then runs it`, async () => {
        await removeAllImages(d);
        const res = cli(which, ['run', '--rm', `${repo()}:v1`, 'echo', 'pulled by run']);
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stderr, /Unable to find image '.*:v1' locally/);
        assert.match(res.stdout, /pulled by run\n$/);
      });

      it(`${which}: an unknown tag fails with the registry's "manifest unknown" and tags nothing`, async () => {
        const res = cli(which, ['pull', `${repo()}:no-such-tag`]);
        assert.notEqual(res.code, 0);
        assert.match(res.stderr, new RegExp(`manifest for ${repo().replace(/[.]/g, '\\.')}:no-such-tag not found: manifest unknown`));
        assert.equal(ok('docker', ['images', '-q', `${repo()}:no-such-tag`]), '');
      });

      it(`${which}: push -a and pull -a move every tag of the repository`, async () => {
        await restoreBusybox();
        ok('docker', ['tag', 'busybox', `${repo()}:v2`]);
        const pushed = ok(which, ['push', '-a', repo()]);
        assert.match(pushed, /^v1: digest: sha256:[a-f0-9]{64} size: \d+$/m);
        assert.match(pushed, /^v2: digest: sha256:[a-f0-9]{64} size: \d+$/m);
        await removeAllImages(d);
        const out = ok(which, ['pull', '-a', repo()]);
        assert.match(out, /^v1: Pulling from /m);
        assert.match(out, /^v2: Pulling from /m);
        const tags = ok('docker', ['images', '--format', '{{.Tag}}', repo()]).split('\n').filter(Boolean).sort();
        assert.deepEqual(tags, ['v1', 'v2']);
      });
    }

    it("sends moby's progress messages: per layer, the digest line, the status, and the push's aux", async () => {
      // A layer of its own: one the registry already holds would be mounted, not pushed.
      await importImage(d, `${r.host}/api/box:v1`, 'progress '.repeat(50_000));
      const push = await d.api('POST', `/images/${encodeURIComponent(`${r.host}/api/box`)}/push?tag=v1`);
      assert.equal(push.status, 200, push.text);
      const pm = messages(push.text);
      assert.equal(pm[0]!.status, `The push refers to repository [${r.host}/api/box]`);
      const layerId = pm.find((m) => m.status === 'Preparing')!.id!;
      assert.match(layerId, /^[a-f0-9]{12}$/);
      assert.ok(pm.some((m) => m.id === layerId && m.status === 'Pushing' && m.progressDetail!.current! > 0 && m.progressDetail!.total! > 0));
      const aux = pm.find((m) => m.aux !== undefined)!.aux!;
      assert.equal(aux.Tag, 'v1');
      assert.match(aux.Digest!, /^sha256:[a-f0-9]{64}$/);

      await removeAllImages(d);
      const pull = await d.api('POST', `/images/create?fromImage=${encodeURIComponent(`${r.host}/api/box`)}&tag=v1`);
      assert.equal(pull.status, 200, pull.text);
      const m = messages(pull.text);
      assert.deepEqual(m[0], { status: 'Pulling from api/box', id: 'v1' });
      const statuses = m.filter((x) => x.id === layerId).map((x) => x.status);
      assert.deepEqual([...new Set(statuses)], ['Pulling fs layer', 'Downloading', 'Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete']);
      const downloading = m.find((x) => x.status === 'Downloading')!;
      assert.ok(downloading.progressDetail!.current! > 0 && downloading.progressDetail!.total! > 0);
      assert.equal(m.at(-2)!.status, `Digest: ${aux.Digest}`);
      assert.equal(m.at(-1)!.status, `Status: Downloaded newer image for ${r.host}/api/box:v1`);
    });

    it('mounts a layer from another repository of the registry instead of uploading it again', async () => {
      await importImage(d, `${r.host}/mount/a:v1`, 'shared layer');
      ok('docker', ['push', `${r.host}/mount/a:v1`]);
      ok('docker', ['tag', `${r.host}/mount/a:v1`, `${r.host}/mount/b:v1`]);
      const out = ok('docker', ['push', `${r.host}/mount/b:v1`]);
      assert.match(out, /: Mounted from mount\/a$/m);
    });

    it('remembers which repository holds a layer across a berthd restart', async () => {
      await importImage(d, `${r.host}/mount/c:v1`, 'a layer pushed before the restart');
      ok('docker', ['push', `${r.host}/mount/c:v1`]);
      await d.stop();
      await d.start();
      ok('docker', ['tag', `${r.host}/mount/c:v1`, `${r.host}/mount/d:v1`]);
      const out = ok('docker', ['push', `${r.host}/mount/d:v1`]);
      assert.match(out, /: Mounted from mount\/c$/m);
    });

    it('an unknown repository is a 404 before any progress; a bad reference is a 400', async () => {
      const res = await d.api('POST', `/images/create?fromImage=${encodeURIComponent(`${r.host}/no/such/repo`)}&tag=latest`);
      assert.equal(res.status, 404, res.text);
      assert.match((res.body as { message: string }).message, /not found/);
      const bad = await d.api('POST', `/images/create?fromImage=${encodeURIComponent(`${r.host}/UPPER`)}&tag=latest`);
      assert.equal(bad.status, 400, bad.text);
    });

    it('refuses a layer corrupted in the registry: the pull fails with a digest error and tags nothing', async () => {
      await importImage(d, `${r.host}/corrupt/box:v1`, 'to be corrupted '.repeat(1000));
      ok('docker', ['push', `${r.host}/corrupt/box:v1`]);
      const layer = ok('docker', ['image', 'inspect', '-f', '{{index .RootFS.Layers 0}}', `${r.host}/corrupt/box:v1`]).trim();
      const file = r.blobFile(layer);
      const bytes = await fs.readFile(file);
      bytes.write('CORRUPTED', 3000);
      await fs.writeFile(file, bytes);
      await removeAllImages(d);
      const res = d.docker(['pull', `${r.host}/corrupt/box:v1`]);
      assert.notEqual(res.code, 0, res.stdout);
      assert.match(res.stderr, /verification failed for digest|digest/);
      assert.equal(ok('docker', ['images', '-qa']), '');
    });
  });

}

const authCases = [
  { reg: registries[0]!, mode: 'htpasswd' as const },
  { reg: registries[1]!, mode: 'htpasswd' as const },
  { reg: registries[1]!, mode: 'token' as const },
];

for (const { reg, mode } of authCases) {
  describe(`login, push and pull with credentials against the ${reg.kind} registry (${mode})`, { skip: (!hasDocker && 'needs the docker CLI') || reg.skip }, () => {
    let d: TestDaemon;
    let r: RegistryProcess;
    const user = 'alice';
    const password = 'correct horse';
    before(async () => {
      d = await startDaemonWithBusybox();
      r = await reg.start({ user, password, mode });
    });
    after(async () => {
      await d?.cleanup();
      await r?.stop();
    });

    for (const which of clis) {
      const run = (args: string[], input?: string): RunResult => runCli(d, which, args, input);

      it(`${which}: a wrong password is refused and nothing is stored`, () => {
        const res = run(['login', r.host, '-u', user, '--password-stdin'], 'wrong password\n');
        assert.notEqual(res.code, 0, res.stdout);
        assert.match(res.stderr, /401 Unauthorized|unauthorized/);
      });

      it(`${which}: pushing before login is refused`, () => {
        assert.equal(d.docker(['tag', 'busybox', `${r.host}/${which}/private:v1`]).code, 0);
        const res = run(['push', `${r.host}/${which}/private:v1`]);
        assert.notEqual(res.code, 0, res.stdout);
        assert.match(res.stderr + res.stdout, /unauthorized|authentication required|no basic auth credentials/);
      });

      it(`${which}: logs in with the right password, then pushes and pulls with the stored credentials`, async () => {
        const login = run(['login', r.host, '-u', user, '--password-stdin'], `${password}\n`);
        assert.equal(login.code, 0, login.stderr);
        assert.match(login.stdout, /Login Succeeded/);
        const push = run(['push', `${r.host}/${which}/private:v1`]);
        assert.equal(push.code, 0, push.stderr);
        assert.equal(d.docker(['rmi', `${r.host}/${which}/private:v1`]).code, 0);
        const pull = run(['pull', `${r.host}/${which}/private:v1`]);
        assert.equal(pull.code, 0, pull.stderr);
        assert.equal(run(['run', '--rm', `${r.host}/${which}/private:v1`, 'echo', 'private']).stdout, 'private\n');
        assert.equal(run(['logout', r.host]).code, 0);
      });
    }

    it('POST /auth answers 401 with the registry check for a wrong password and "Login Succeeded" for the right one', async () => {
      const bad = await d.api('POST', '/auth', { username: user, password: 'nope', serveraddress: r.host });
      assert.equal(bad.status, 401, bad.text);
      // Basic: moby's loginV2 words it; token: the token server's refusal.
      const wanted = mode === 'token' ? /^unauthorized: / : new RegExp(`login attempt to http://${r.host.replace(/[.]/g, '\\.')}/v2/ failed with status: 401 Unauthorized`);
      assert.match((bad.body as { message: string }).message, wanted);
      const good = await d.api('POST', '/auth', { username: user, password, serveraddress: `http://${r.host}` });
      assert.equal(good.status, 200, good.text);
      const body = good.body as { Status: string; IdentityToken: string };
      assert.equal(body.Status, 'Login Succeeded');
      // A token server hands out a refresh token for the CLI to keep instead of the password; Basic has none.
      if (mode === 'token') assert.match(body.IdentityToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      else assert.equal(body.IdentityToken, '');
    });
  });
}
