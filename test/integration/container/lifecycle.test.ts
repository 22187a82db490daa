/**
 * A detached container through its whole life, driven by the docker CLI
 * (or berth): ps, logs, exec, top, pause/unpause, stop, kill, restart, wait,
 * rename, inspect states, rm.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

for (const which of cliUnderTest) describe(`container lifecycle (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const ok = (args: string[], input?: string) => {
    const r = cli(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const state = (name: string) => ok(['inspect', '-f', '{{.State.Status}} {{.State.Running}} {{.State.Paused}} {{.State.ExitCode}}', name]).trim();

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('runs detached and lists, logs, execs, tops', () => {
    const id = ok(['run', '-d', '--name', 'web', '-l', 'tier=front', 'busybox', 'sh', '-c', 'echo started; echo oops >&2; trap "exit 0" TERM; while true; do sleep 0.1; done']).trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    assert.equal(state('web'), 'running true false 0');
    const ps = ok(['ps']);
    assert.match(ps, /CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES/);
    assert.match(ps, new RegExp(`${id.slice(0, 12)}\\s+busybox\\s+"sh -c 'echo started…"\\s+.*Up .*web`));
    assert.equal(ok(['ps', '-q', '--filter', 'label=tier=front']).trim(), id.slice(0, 12));
    assert.equal(ok(['ps', '-q', '--filter', 'label=tier=back']).trim(), '');
    const logs = cli(['logs', 'web']);
    assert.equal(logs.stdout, 'started\n');
    assert.equal(logs.stderr, 'oops\n');
    assert.match(ok(['logs', '-t', 'web']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z started\n$/);
    assert.equal(ok(['exec', 'web', 'cat', '/proc/1/cmdline']).split('\0')[0], 'sh');
    assert.equal(ok(['exec', '-e', 'X=1', '-w', '/etc', 'web', 'sh', '-c', 'echo $X; pwd']), '1\n/etc\n');
    assert.equal(cli(['exec', 'web', 'sh', '-c', 'exit 7']).code, 7);
    assert.equal(ok(['exec', '-i', 'web', 'cat'], 'through stdin\n'), 'through stdin\n');
    const top = ok(['top', 'web']);
    assert.match(top, /PID/);
    assert.match(top, /while true/);
  });

  it('pauses and unpauses', () => {
    ok(['pause', 'web']);
    assert.equal(state('web'), 'paused true true 0');
    assert.match(ok(['ps', '--format', '{{.Status}}', '--filter', 'name=web']), /\(Paused\)/);
    const exec = cli(['exec', 'web', 'true']);
    assert.notEqual(exec.code, 0);
    assert.match(exec.stderr, /paused/);
    ok(['unpause', 'web']);
    assert.equal(state('web'), 'running true false 0');
  });

  it('stops with the stop signal, restarts, renames', () => {
    ok(['stop', 'web']);
    assert.equal(state('web'), 'exited false false 0');
    assert.match(ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}']), /web Exited \(0\)/);
    ok(['restart', 'web']);
    assert.equal(state('web'), 'running true false 0');
    ok(['rename', 'web', 'www']);
    assert.equal(state('www'), 'running true false 0');
    assert.notEqual(cli(['inspect', 'web']).code, 0);
  });

  it('kills with a signal and waits for the exit code', () => {
    ok(['kill', '-s', 'KILL', 'www']);
    assert.equal(ok(['wait', 'www']).trim(), '137');
    assert.equal(state('www'), 'exited false false 137');
    const again = cli(['kill', 'www']);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /is not running/);
  });

  it('refuses to remove a running container without -f', () => {
    ok(['start', 'www']);
    const r = cli(['rm', 'www']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /stop the container before removing or force remove/);
    ok(['rm', '-f', 'www']);
    assert.equal(ok(['ps', '-aq']).trim(), '');
  });

  it('removes a --rm container when it exits', () => {
    ok(['run', '--rm', '--name', 'gone', 'busybox', 'true']);
    const r = cli(['inspect', 'gone']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /No such object: gone|No such container: gone/);
  });

  it('answers No such container for unknown names', () => {
    for (const verb of [['stop'], ['start'], ['logs'], ['kill'], ['rm'], ['pause']]) {
      const r = cli([...verb, 'ghost']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /No such container: ghost/);
    }
  });
});
