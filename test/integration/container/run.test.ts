/**
 * `run` end to end through the real docker CLI (or berth when docker is
 * absent): output, exit codes, streams kept apart, isolation, copy-on-write,
 * and the errors users see.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BERTH, DOCKER, cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

for (const which of cliUnderTest) describe(`run (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('prints the output of a foreground container and exits 0', () => {
    const r = cli(['run', '--rm', 'busybox', 'echo', 'hello world']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'hello world\n');
    assert.equal(r.code, 0);
  });

  it("exits with the container's exit code", () => {
    assert.equal(cli(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3']).code, 3);
  });

  it('keeps stdout and stderr apart', () => {
    const r = cli(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('passes stdin with -i', () => {
    const r = cli(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'tr a-z A-Z'], { input: 'shout\n' });
    assert.equal(r.stdout, 'SHOUT\n');
    assert.equal(r.code, 0);
  });

  it("gives -it a terminal of the client's size", () => {
    // script(1) provides the pseudo-terminal a user's shell would have.
    const prefix = which === 'docker' ? `DOCKER_HOST=${d.host} DOCKER_CONFIG=${d.dir}/docker-config ${DOCKER}` : `${process.execPath} ${BERTH} -H ${d.host}`;
    const r = spawnSync('script', ['-qec', `stty cols 100 rows 30; ${prefix} run --rm -it busybox sh -c 'tty; stty size; exit 4'`, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    // script(1) turns its own stdin's EOF into a NUL the pty echoes as "^@": not ours.
    const lines = r.stdout.replace(/\r|\^@/g, '').split('\n');
    assert.ok(lines.includes('/dev/pts/0'), r.stdout);
    assert.ok(lines.includes('30 100'), r.stdout);
    assert.equal(r.status, 4);
  });

  it('isolates the hostname, pid and mount namespaces', () => {
    const r = cli(['run', '--rm', '--hostname', 'island', 'busybox', 'sh', '-c', 'hostname; echo $$; cat /proc/1/cmdline | tr "\\0" " "; ls /root | wc -l']);
    const [host, pid, cmdline] = r.stdout.split('\n');
    assert.equal(host, 'island');
    assert.equal(pid, '1');
    assert.match(cmdline!, /^sh -c /);
    assert.equal(r.code, 0);
  });

  it('applies env, workdir and user', () => {
    const r = cli(['run', '--rm', '-e', 'GREETING=hi there', '-w', '/tmp', '-u', 'nobody', 'busybox', 'sh', '-c', 'echo "$GREETING"; pwd; id -u']);
    assert.equal(r.stdout, 'hi there\n/tmp\n65534\n');
  });

  it('reports a missing executable with exit code 127', () => {
    const r = cli(['run', '--rm', 'busybox', 'no-such-binary']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /executable file not found/);
  });

  it('refuses an unknown image with exit code 125', () => {
    const r = cli(['run', '--rm', 'nosuchimage:v9', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /nosuchimage/);
  });

  it('refuses a name already in use', () => {
    const first = cli(['create', '--name', 'taken', 'busybox', 'true']);
    assert.equal(first.code, 0, first.stderr);
    const second = cli(['create', '--name', 'taken', 'busybox', 'true']);
    assert.equal(second.code, 1); // docker's `create` exits 1 on a daemon error; `run` exits 125
    assert.match(second.stderr, /Conflict\. The container name "\/taken" is already in use/);
    assert.equal(cli(['rm', 'taken']).code, 0);
  });

  it('rejects a memory limit below 6MB', () => {
    const r = cli(['run', '--rm', '-m', '1m', 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Minimum memory limit allowed is 6MB/);
  });

  it('gives each container its own copy-on-write layer', () => {
    const a = cli(['run', '-d', '--name', 'cow-a', 'busybox', 'sh', '-c', 'echo changed > /etc/motd; rm /bin/vi; sleep 60']);
    assert.equal(a.code, 0, a.stderr);
    const b = cli(['run', '--rm', 'busybox', 'sh', '-c', 'cat /etc/motd 2>&1; ls /bin/vi']);
    assert.match(b.stdout, /No such file/);
    assert.match(b.stdout, /\/bin\/vi/);
    const inA = cli(['exec', 'cow-a', 'sh', '-c', 'cat /etc/motd; ls /bin/vi 2>&1']);
    assert.match(inA.stdout, /changed/);
    assert.match(inA.stdout, /No such file/);
    assert.equal(cli(['rm', '-f', 'cow-a']).code, 0);
  });

  it('records an OOM kill', () => {
    const r = cli(['run', '--name', 'oom', '-m', '8m', '--memory-swap', '8m', 'busybox', 'sh', '-c', 'tail /dev/zero']);
    assert.equal(r.code, 137);
    const inspect = cli(['inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}}', 'oom']);
    assert.equal(inspect.stdout.trim(), 'true 137');
    cli(['rm', 'oom']);
  });
});
