/**
 * Healthchecks through the berth CLI and the docker CLI: starting → healthy,
 * healthy → unhealthy when the check starts failing (with the log in
 * inspect, kept after the container stops), a hung check killed at its
 * timeout, a command that does not exist (in a shell, and as CMD), a flood
 * of output cut at 4096 bytes, ps "(healthy)" / "(health: starting)" and
 * --filter health=, --health-start-interval, the image's HEALTHCHECK and
 * --no-healthcheck, health_status events, bad values refused with Docker's
 * messages, and checks that go on after a berthd restart.
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
  async function until(name: string, want: (h: HealthJson | null) => boolean, what: string, timeoutMs = 20_000): Promise<HealthJson> {
    const deadline = Date.now() + timeoutMs;
    let h = health(name);
    while (Date.now() < deadline && !want(h)) {
      await sleep(100);
      h = health(name);
    }
    assert.ok(want(h), `${name}: waited for ${what}, got ${JSON.stringify(h)}`);
    return h!;
  }
  const status = (name: string, s: string, timeoutMs?: number) => until(name, (h) => h?.Status === s, s, timeoutMs);

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args) => (which === 'docker' ? d.docker(args) : d.berth(args));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('starting, then healthy; unhealthy once the check fails `retries` times, with the log, kept after stop', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    ok(['run', '-d', '--name', 'hc', '--health-cmd', 'test -e /tmp/ok && echo fine', '--health-interval', '200ms', '--health-retries', '2',
      'busybox', 'sh', '-c', 'touch /tmp/ok; exec sleep 300']);
    const first = health('hc');
    assert.ok(first?.Status === 'starting' || first?.Status === 'healthy', JSON.stringify(first));
    const healthy = await status('hc', 'healthy');
    assert.equal(healthy.FailingStreak, 0);
    assert.equal(healthy.Log.at(-1)?.ExitCode, 0);
    assert.equal(healthy.Log.at(-1)?.Output, 'fine\n');
    assert.ok(Date.parse(healthy.Log.at(-1)!.End) >= Date.parse(healthy.Log.at(-1)!.Start));
    assert.match(ok(['ps', '--filter', 'name=hc', '--format', '{{.Status}}']), /^Up .* \(healthy\)\n$/);
    assert.equal(ok(['ps', '-q', '--filter', 'health=healthy', '--filter', 'name=hc']).trim().length, 12);
    assert.equal(ok(['ps', '-q', '--filter', 'health=unhealthy', '--filter', 'name=hc']), '');

    ok(['exec', 'hc', 'rm', '/tmp/ok']);
    const unhealthy = await status('hc', 'unhealthy');
    assert.ok(unhealthy.FailingStreak >= 2, JSON.stringify(unhealthy));
    assert.ok(unhealthy.Log.length >= 3 && unhealthy.Log.length <= 5, `${unhealthy.Log.length} results kept`);
    assert.equal(unhealthy.Log.at(-1)?.ExitCode, 1);
    assert.equal(unhealthy.Log.at(-1)?.Output, '');
    assert.match(ok(['ps', '--filter', 'name=hc', '--format', '{{.Status}}']), /^Up .* \(unhealthy\)\n$/);
    assert.equal(ok(['ps', '-q', '--filter', 'health=unhealthy', '--filter', 'name=hc']).trim().length, 12);

    // As moby: a stopped container keeps its last health; ps shows only the exit.
    ok(['stop', '-t', '0', 'hc']);
    const stopped = health('hc');
    assert.equal(stopped?.Status, 'unhealthy');
    assert.ok((stopped?.Log.length ?? 0) >= unhealthy.Log.length);
    assert.match(ok(['ps', '-a', '--filter', 'name=hc', '--format', '{{.Status}}']), /^Exited \(\d+\) .* ago\n$/);

    const events = ok(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=hc', '--filter', 'event=health_status', '--format', '{{.Action}}']);
    assert.deepEqual(events.trim().split('\n'), ['health_status: healthy', 'health_status: unhealthy']);
    // Each check is an exec, with Docker's exec events.
    const execs = ok(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=hc', '--filter', 'event=exec_die', '--format', '{{.Action}} {{index .Actor.Attributes "exitCode"}}']);
    assert.match(execs, /^exec_die 0$/m);
    assert.match(execs, /^exec_die 1$/m);
    ok(['rm', '-f', 'hc']);
  });

  it('a check that hangs is killed at its timeout; a missing command fails; a flood is cut at 4096 bytes', async () => {
    ok(['run', '-d', '--name', 'hang', '--health-cmd', 'sleep 60', '--health-interval', '200ms', '--health-timeout', '300ms', '--health-retries', '1', 'busybox', 'sleep', '300']);
    const hung = await status('hang', 'unhealthy');
    assert.equal(hung.Log.at(-1)?.ExitCode, -1);
    assert.equal(hung.Log.at(-1)?.Output, 'Health check exceeded timeout (300ms)');
    const took = Date.parse(hung.Log.at(-1)!.End) - Date.parse(hung.Log.at(-1)!.Start);
    assert.ok(took >= 300 && took < 5000, `the hung check ended after ${took} ms`);
    // Killed, not piling up: one check's sleep at most (the one under way) in the container.
    await sleep(1000);
    const sleeps = ok(['exec', 'hang', 'ps', '-o', 'args']).split('\n').filter((l) => l.trim() === 'sleep 60');
    assert.ok(sleeps.length <= 1, `${sleeps.length} hung checks still running`);

    ok(['run', '-d', '--name', 'missing', '--health-cmd', 'no-such-command', '--health-interval', '200ms', '--health-retries', '1', 'busybox', 'sleep', '300']);
    const missing = await status('missing', 'unhealthy');
    assert.equal(missing.Log.at(-1)?.ExitCode, 127);
    assert.match(missing.Log.at(-1)!.Output, /no-such-command: not found/);

    // As CMD (no shell) the exec itself fails: -1 and the runtime's words, as Docker.
    ok(['run', '-d', '--name', 'nocmd', '--health-cmd', 'true', '--health-interval', '200ms', '--health-retries', '1', 'busybox', 'sleep', '300']);
    ok(['rm', '-f', 'nocmd']);
    const api = await d.api('POST', '/containers/create?name=nocmd', {
      Image: 'busybox', Cmd: ['sleep', '300'], Healthcheck: { Test: ['CMD', '/no/such/probe'], Interval: 200_000_000, Retries: 1 },
    });
    assert.equal(api.status, 201, JSON.stringify(api.body));
    ok(['start', 'nocmd']);
    const nocmd = await status('nocmd', 'unhealthy');
    assert.equal(nocmd.Log.at(-1)?.ExitCode, -1);
    assert.equal(nocmd.Log.at(-1)?.Output, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/no/such/probe": stat /no/such/probe: no such file or directory: unknown');

    ok(['run', '-d', '--name', 'flood', '--health-cmd', 'yes flood | head -c 1000000', '--health-interval', '200ms', 'busybox', 'sleep', '300']);
    const flooded = await status('flood', 'healthy');
    const out = flooded.Log.at(-1)!.Output;
    assert.equal(out.length, 4096 + 3);
    assert.ok(out.startsWith('flood\nflood\n') && out.endsWith('...'));
    ok(['rm', '-f', 'hang', 'missing', 'nocmd', 'flood']);
  });

  it('shows "(health: starting)" until the first check; --health-start-interval checks sooner in the start period', async () => {
    ok(['run', '-d', '--name', 'slow', '--health-cmd', 'true', '--health-interval', '1h', 'busybox', 'sleep', '300']);
    assert.match(ok(['ps', '--filter', 'name=slow', '--format', '{{.Status}}']), /^Up .* \(health: starting\)\n$/);
    assert.equal(ok(['ps', '-q', '--filter', 'health=starting', '--filter', 'name=slow']).trim().length, 12);
    // An interval of an hour, but a start period with a short start interval: healthy within seconds.
    ok(['run', '-d', '--name', 'quick', '--health-cmd', 'true', '--health-interval', '1h', '--health-start-period', '1m', '--health-start-interval', '200ms', 'busybox', 'sleep', '300']);
    await status('quick', 'healthy', 10_000);
    assert.equal(health('slow')?.Status, 'starting');
    const cfg = JSON.parse(ok(['inspect', '-f', '{{json .Config.Healthcheck}}', 'quick'])) as Record<string, unknown>;
    assert.deepEqual(cfg, { Test: ['CMD-SHELL', 'true'], Interval: 3_600_000_000_000, StartPeriod: 60_000_000_000, StartInterval: 200_000_000 });
    ok(['rm', '-f', 'slow', 'quick']);
  });

  it("honours the image's HEALTHCHECK, and --no-healthcheck turns it off", async () => {
    const ctx = mkdtempSync(path.join(tmpdir(), 'bt-health-'));
    try {
      writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nHEALTHCHECK --interval=200ms --retries=1 CMD ["sh", "-c", "echo from-image; exit 1"]\n');
      ok(['build', '-q', '-t', `hc-image-${which}`, ctx]);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
    ok(['run', '-d', '--name', 'img', `hc-image-${which}`, 'sleep', '300']);
    const img = await status('img', 'unhealthy');
    assert.equal(img.Log.at(-1)?.Output, 'from-image\n');
    ok(['run', '-d', '--name', 'off', '--no-healthcheck', `hc-image-${which}`, 'sleep', '300']);
    await sleep(600);
    assert.equal(health('off'), null);
    assert.equal(ok(['ps', '-q', '--filter', 'health=none', '--filter', 'name=off']).trim().length, 12);
    assert.match(ok(['ps', '--filter', 'name=off', '--format', '{{.Status}}']), /^Up [^(]*$/m);
    ok(['rm', '-f', 'img', 'off']);
  });

  it("refuses bad values with Docker's messages", () => {
    const r = cli(['create', '--health-cmd', 'true', '--health-retries', '-1', 'busybox']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--health-retries cannot be negative/);
    const tiny = cli(['create', '--health-cmd', 'true', '--health-interval', '500us', 'busybox']);
    assert.notEqual(tiny.code, 0);
    assert.match(tiny.stderr, /Interval in Healthcheck cannot be less than 1ms/);
    const f = cli(['ps', '--filter', 'health=great']);
    assert.notEqual(f.code, 0);
    assert.match(f.stderr, /invalid filter 'health=great': invalid value for health \(great\): must be one of none, starting, healthy, unhealthy/);
  });

  it('goes on checking after a berthd restart (starting again, as moby restores it)', async () => {
    ok(['run', '-d', '--name', 'survivor', '--health-cmd', 'test -e /tmp/ok', '--health-interval', '200ms', '--health-retries', '1', 'busybox', 'sh', '-c', 'touch /tmp/ok; exec sleep 300']);
    await status('survivor', 'healthy');
    await d.stop('SIGKILL');
    await d.start();
    await status('survivor', 'healthy');
    ok(['exec', 'survivor', 'rm', '/tmp/ok']);
    await status('survivor', 'unhealthy');
    ok(['rm', '-f', 'survivor']);
  });
});
