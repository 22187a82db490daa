/**
 * Restart policies through the berth CLI and the docker CLI: on-failure's
 * limit, always after a crash but not after stop, the back-off of a crash
 * loop (ps "Restarting (1) …", rm -f while it waits), and which containers
 * come back when berthd starts again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` returns the wanted value (or the deadline passes, then asserts on the last one). */
async function eventually<T>(probe: () => T, wanted: T, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = probe();
  while (Date.now() < deadline) {
    if (last === wanted) return;
    await sleep(100);
    last = probe();
  }
  assert.equal(last, wanted, what);
}

for (const which of cliUnderTest) describe(`restart policies (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[]) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const inspect = (name: string, format: string) => {
    const r = cli(['inspect', '-f', format, name]);
    return r.code === 0 ? r.stdout.trim() : `(inspect failed: ${r.stderr.trim()})`;
  };
  const state = (name: string) => inspect(name, '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}');
  const runcIds = () =>
    spawnSync('runc', ['--root', path.join(d.execRoot, 'runc'), 'list', '-q'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args) => (which === 'docker' ? d.docker(args) : d.berth(args));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('on-failure:3 restarts three times, then stays exited; a clean exit is not restarted', async () => {
    ok(['run', '-d', '--name', 'f3', '--restart', 'on-failure:3', 'busybox', 'sh', '-c', 'echo ran; exit 3']);
    assert.equal(inspect('f3', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'), 'on-failure:3');
    await eventually(() => state('f3'), 'exited 3 3', 'f3 after its retries');
    await sleep(500);
    assert.equal(state('f3'), 'exited 3 3');
    assert.equal(cli(['logs', 'f3']).stdout, 'ran\nran\nran\nran\n');
    // A user start begins the count again, as Docker's.
    ok(['start', 'f3']);
    await eventually(() => state('f3'), 'exited 3 3', 'f3 after a second round');

    ok(['run', '-d', '--name', 'f0', '--restart', 'on-failure:3', 'busybox', 'true']);
    await eventually(() => state('f0'), 'exited 0 0', 'f0 exits cleanly');
    await sleep(300);
    assert.equal(state('f0'), 'exited 0 0');
    ok(['rm', 'f3', 'f0']);
  });

  it('always restarts after a crash, but not after stop', async () => {
    const script = 'rm -f /tmp/crash; echo up; while [ ! -f /tmp/crash ]; do sleep 0.1; done; exit 1';
    ok(['run', '-d', '--name', 'crashy', '--restart', 'always', 'busybox', 'sh', '-c', script]);
    ok(['exec', 'crashy', 'touch', '/tmp/crash']);
    await eventually(() => state('crashy'), 'running 1 0', 'crashy restarted once');
    await eventually(() => cli(['logs', 'crashy']).stdout, 'up\nup\n', 'crashy ran twice');

    ok(['stop', '-t', '1', 'crashy']);
    assert.match(state('crashy'), /^exited 1 /);
    await sleep(600);
    assert.match(state('crashy'), /^exited 1 /, 'a stopped container stays down');
    assert.equal(inspect('crashy', '{{.State.Restarting}} {{.State.Running}}'), 'false false');
    ok(['rm', 'crashy']);
  });

  it('a crash loop backs off, shows Restarting, and rm -f removes it while it waits', async () => {
    const id = ok(['run', '-d', '--name', 'loop', '--restart', 'always', 'busybox', 'false']).trim();
    const started = Date.now();
    await eventually(
      () => /^Restarting \(1\) .* ago$/.test(ok(['ps', '-a', '--filter', 'name=loop', '--format', '{{.Status}}']).trim()),
      true,
      'ps shows the container waiting to be restarted',
    );
    assert.equal(inspect('loop', '{{.State.Status}} {{.State.Restarting}} {{.State.Running}} {{.State.Pid}}'), 'restarting true true 0');
    // Without a back-off it would restart every ~0.1 s; with one, the waits double (0, 0.1, 0.2, 0.4, 0.8, 1.6 s…).
    await sleep(Math.max(0, 3500 - (Date.now() - started)));
    const count = Number(inspect('loop', '{{.RestartCount}}'));
    assert.ok(count >= 3 && count <= 12, `restart count after 3.5 s: ${count}`);
    assert.equal(await d.ping(), true);

    await eventually(() => inspect('loop', '{{.State.Status}}'), 'restarting', 'loop waits for its next restart');
    ok(['rm', '-f', 'loop']);
    assert.notEqual(cli(['inspect', 'loop']).code, 0);
    await sleep(300);
    assert.equal(runcIds().includes(id), false, 'no task left behind');
    assert.equal(ok(['ps', '-aq', '--filter', 'name=loop']).trim(), '');
  });

  it('when berthd starts: always and unless-stopped come back, unless-stopped after stop does not', async () => {
    const run = (name: string, policy: string) => ok(['run', '-d', '--name', name, '--restart', policy, 'busybox', 'sleep', '600']).trim();
    const ids = {
      always: run('boot-always', 'always'),
      unlessStopped: run('boot-us', 'unless-stopped'),
      lost: run('boot-lost', 'always'),
      none: run('boot-none', 'no'),
    };
    run('boot-us-stopped', 'unless-stopped');
    run('boot-always-stopped', 'always');
    ok(['stop', '-t', '0', 'boot-us-stopped', 'boot-always-stopped']);
    const monitorOfLost = (JSON.parse(readFileSync(path.join(d.dataRoot, 'containers', ids.lost, 'config.json'), 'utf8')) as { state: { monitorPid: number } }).state.monitorPid;

    await d.stop('SIGKILL');
    // While berthd is down: three tasks end (their monitors record the exit), and one is lost
    // with its monitor, as after a host reboot.
    process.kill(monitorOfLost, 'SIGKILL');
    for (const id of [ids.always, ids.unlessStopped, ids.none, ids.lost]) {
      spawnSync('runc', ['--root', path.join(d.execRoot, 'runc'), 'kill', id, 'KILL']);
    }
    await sleep(500);
    await d.start();

    for (const name of ['boot-always', 'boot-us', 'boot-lost', 'boot-always-stopped']) {
      await eventually(() => inspect(name, '{{.State.Status}}'), 'running', `${name} is back`);
    }
    assert.equal(inspect('boot-us-stopped', '{{.State.Status}}'), 'exited');
    assert.equal(inspect('boot-none', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 137');
    await sleep(300);
    assert.equal(inspect('boot-us-stopped', '{{.State.Status}}'), 'exited');
    ok(['rm', '-f', 'boot-always', 'boot-us', 'boot-lost', 'boot-none', 'boot-us-stopped', 'boot-always-stopped']);
  });

  it('rejects a bad policy at create', () => {
    const bad = cli(['create', '--restart', 'sometimes', 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'/);
    const count = cli(['create', '--restart', 'always:3', 'busybox', 'true']);
    assert.notEqual(count.code, 0);
    assert.match(count.stderr, /maximum retry count can only be used with 'on-failure'/);
    const rm = cli(['create', '--rm', '--restart', 'always', 'busybox', 'true']);
    assert.notEqual(rm.code, 0);
    assert.match(rm.stderr, /(conflicting options: cannot specify both --restart and --rm|can't create 'AutoRemove' container with restart policy)/);
  });
});
