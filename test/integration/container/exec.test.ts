/**
 * exec as a user sees it: the process is inside the container (its
 * namespaces and cgroup), runs as the user asked for, and a command that
 * cannot start fails with Docker's words and exit code 126.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

for (const which of cliUnderTest) describe(`exec (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const FAILED = 'OCI runtime exec failed: exec failed: unable to start container process: ';

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
    ok(['run', '-d', '--name', 'box', '--hostname', 'boxhost', 'busybox', 'sleep', '1000']);
  });
  after(async () => {
    await d?.cleanup();
  });

  it('runs in the container\'s namespaces and cgroup', () => {
    const out = ok(['exec', 'box', 'sh', '-c', 'for n in pid mnt net ipc uts; do echo "$n $(readlink /proc/self/ns/$n) $(readlink /proc/1/ns/$n)"; done; hostname']);
    const lines = out.trim().split('\n');
    for (const line of lines.slice(0, 5)) {
      const [n, own, init] = line.split(' ');
      assert.ok(own && own === init, `${n}: ${own} vs the init's ${init}`);
    }
    assert.equal(lines[5], 'boxhost');
    assert.equal(ok(['exec', 'box', 'cat', '/proc/self/cgroup']), ok(['exec', 'box', 'cat', '/proc/1/cgroup']));
  });

  it('a detached exec is counted in the container: top lists it', () => {
    ok(['exec', '-d', 'box', 'sleep', '31']);
    assert.match(ok(['top', 'box']), /sleep 31/);
  });

  it('runs as -u with HOME from the container\'s passwd, and may reopen its own stdout', () => {
    assert.equal(ok(['exec', '-u', 'nobody', 'box', 'sh', '-c', 'id -u; echo $HOME; echo via-dev-stdout > /dev/stdout']), '65534\n/home\nvia-dev-stdout\n');
    assert.equal(ok(['exec', '-u', '1234:5', 'box', 'sh', '-c', 'id -u; id -g; echo $HOME']), '1234\n5\n/\n');
  });

  it('a command that cannot start: exit code 126 and Docker\'s message in the stream', () => {
    const cases: Array<[string[], string]> = [
      [['exec', 'box', 'nope'], 'exec: "nope": executable file not found in $PATH'],
      [['exec', 'box', '/nope'], 'exec: "/nope": stat /nope: no such file or directory'],
      [['exec', 'box', '/etc/passwd'], 'exec: "/etc/passwd": permission denied'],
      [['exec', '-w', '/nope', 'box', 'true'], 'chdir to cwd ("/nope") set in config.json failed: no such file or directory'],
    ];
    for (const [args, detail] of cases) {
      const r = cli(args);
      assert.equal(r.code, 126, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout.replace(/\r/g, ''), `${FAILED}${detail}: unknown\n`);
    }
  });

  it('a detached exec that cannot start is an error response', () => {
    const r = cli(['exec', '-d', 'box', 'nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error response from daemon: OCI runtime exec failed: .*executable file not found in \$PATH: unknown/);
  });
});
