/**
 * Healthchecks through the berth CLI and the docker CLI: starting → healthy,
 * healthy → unhealthy when the check starts failing (with the log in
 * inspect), a hung check killed at its timeout, a missing command, a flood
 * of output cut at 4096 bytes, ps "(healthy)" and --filter health=, the
 * image's HEALTHCHECK and --no-healthcheck, health_status events, bad
 * values refused, and checks that go on after a berthd restart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HealthJson {
  Status: string;
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

for (const which of cliUnderTest) describe(`healthchecks (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[]) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const health = (name: string): HealthJson | null => {
    const r = cli(['inspect', '-f', '{{json .State.Health}}', name]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as HealthJson | null;
  };
  async function until(name: string, status: string, timeoutMs = 20_000): Promise<HealthJson> {
    const deadline = Date.now() + timeoutMs;
    let h = health(name);
    while (Date.now() < deadline && h?.Status !== status) {
      await sleep(100);
      h = health(name);
    }
    assert.equal(h?.Status, status, `${name}: ${JSON.stringify(h)}`);
    return h!;
  }

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args) => (which === 'docker' ? d.docker(args) : d.berth(args));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('starting, then healthy; unhealthy once the check fails `retries` times, with the log', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    ok(['run', '-d', '--name', 'hc', '--health-cmd', 'test -e /tmp/ok && echo fine', '--health-interval', '200ms', '--health-retries', '2',
      'busybox', 'sh', '-c', 'touch /tmp/ok; exec sleep 300']);
    const first = health('hc');
    assert.ok(first?.Status === 'starting' || first?.Status === 'healthy', JSON.stringify(first));
    const healthy = await until('hc', 'healthy');
    assert.equal(healthy.FailingStreak, 0);
    assert.equal(healthy.Log.at(-1)?.ExitCode, 0);
    assert.equal(healthy.Log.at(-1)?.Output, 'fine\n');
    assert.match(ok(['ps', '--filter', 'name=hc', '--format', '{{.Status}}']), /^Up .* \(healthy\)\n$/);
    assert.equal(ok(['ps', '-q', '--filter', 'health=healthy', '--filter', 'name=hc']).trim().length, 12);
    assert.equal(ok(['ps', '-q', '--filter', 'health=unhealthy', '--filter', 'name=hc']), '');

    ok(['exec', 'hc', 'rm', '/tmp/ok']);
    const unhealthy = await until('hc', 'unhealthy');
    assert.ok(unhealthy.FailingStreak >= 2, JSON.stringify(unhealthy));
    assert.ok(unhealthy.Log.length <= 5);
    assert.equal(unhealthy.Log.at(-1)?.ExitCode, 1);
    assert.match(ok(['ps', '--filter', 'name=hc', '--format', '{{.Status}}']), /\(unhealthy\)/);

    const events = ok(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=hc', '--filter', 'event=health_status', '--format', '{{.Action}}']);
    assert.deepEqual(events.trim().split('\n'), ['health_status: healthy', 'health_status: unhealthy']);
    ok(['rm', '-f', 'hc']);
  });

  it('a check that hangs is killed at its timeout; a missing command fails; a flood is cut at 4096 bytes', async () => {
    ok(['run', '-d', '--name', 'hang', '--health-cmd', 'sleep 60', '--health-interval', '200ms', '--health-timeout', '300ms', '--health-retries', '1', 'busybox', 'sleep', '300']);
    const hung = await until('hang', 'unhealthy');
    assert.equal(hung.Log.at(-1)?.ExitCode, -1);
    assert.equal(hung.Log.at(-1)?.Output, 'Health check exceeded timeout (300ms)');
    const took = Date.parse(hung.Log.at(-1)!.End) - Date.parse(hung.Log.at(-1)!.Start);
    assert.ok(took < 5000, `the hung check ended after ${took} ms`);

    ok(['run', '-d', '--name', 'missing', '--health-cmd', 'no-such-command', '--health-interval', '200ms', '--health-retries', '1', 'busybox', 'sleep', '300']);
    const missing = await until('missing', 'unhealthy');
    assert.equal(missing.Log.at(-1)?.ExitCode, 127);
    assert.match(missing.Log.at(-1)!.Output, /no-such-command: not found/);

    ok(['run', '-d', '--name', 'flood', '--health-cmd', 'yes flood | head -c 1000000', '--health-interval', '200ms', 'busybox', 'sleep', '300']);
    const flooded = await until('flood', 'healthy');
    const out = flooded.Log.at(-1)!.Output;
    assert.equal(out.length, 4096 + 3);
    assert.ok(out.endsWith('...'));
    ok(['rm', '-f', 'hang', 'missing', 'flood']);
  });

  it("honours the image's HEALTHCHECK, and --no-healthcheck turns it off", async () => {
    const ctx = mkdtempSync(path.join(tmpdir(), 'bt-health-'));
    try {
      writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nHEALTHCHECK --interval=200ms --retries=1 CMD ["sh", "-c", "exit 1"]\n');
      ok(['build', '-q', '-t', `hc-image-${which}`, ctx]);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
    ok(['run', '-d', '--name', 'img', `hc-image-${which}`, 'sleep', '300']);
    await until('img', 'unhealthy');
    ok(['run', '-d', '--name', 'off', '--no-healthcheck', `hc-image-${which}`, 'sleep', '300']);
    await sleep(600);
    assert.equal(health('off'), null, 'no Health without a check: null, as docker prints it');
    assert.equal(ok(['ps', '-q', '--filter', 'health=none', '--filter', 'name=off']).trim().length, 12);
    assert.match(ok(['ps', '--filter', 'name=off', '--format', '{{.Status}}']), /^Up [^(]*$/m);
    ok(['rm', '-f', 'img', 'off']);
  });

  it('refuses bad values', () => {
    const r = cli(['create', '--health-cmd', 'true', '--health-retries', '-1', 'busybox']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--health-retries cannot be negative|Retries in Healthcheck cannot be negative/);
    const f = cli(['ps', '--filter', 'health=great']);
    assert.notEqual(f.code, 0);
    assert.match(f.stderr, /Unrecognised filter value for health: great/);
  });

  it('goes on checking after a berthd restart', async () => {
    ok(['run', '-d', '--name', 'survivor', '--health-cmd', 'test -e /tmp/ok', '--health-interval', '200ms', '--health-retries', '1', 'busybox', 'sh', '-c', 'touch /tmp/ok; exec sleep 300']);
    await until('survivor', 'healthy');
    await d.stop('SIGKILL');
    await d.start();
    assert.equal(health('survivor')?.Status, 'healthy', 'the status is kept');
    ok(['exec', 'survivor', 'rm', '/tmp/ok']);
    await until('survivor', 'unhealthy');
    ok(['rm', '-f', 'survivor']);
  });
});
