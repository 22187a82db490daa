/**
 * Watching containers through both CLIs: ps (selection, filters, formats,
 * sizes), logs (tail, since/until, follow, timestamps), attach, wait, top,
 * inspect fields, and the verbs that act on stopped containers: restart,
 * start -a, rename, container prune.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon, waitForLog as waitForLogVia } from '../../harness/daemon.js';

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;
const IMAGE_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Nanoseconds since the epoch of an RFC3339Nano UTC time, for exact ordering. */
function nanos(t: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(t)!;
  return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}


for (const which of cliUnderTest) describe(`observing containers (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const lines = (out: string) => out.split('\n').filter(Boolean);
  const names = (args: string[]) => lines(ok(['ps', ...args, '--format', '{{.Names}}']));
  const inspect = (name: string) => (JSON.parse(ok(['inspect', name])) as Array<Record<string, any>>)[0]!;
  const waitForLog = (name: string, text: string) => waitForLogVia(cli, name, text);

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
  });

  // First in the file: -n, -l and the unfiltered lists see only these five.
  it('ps selects, filters and formats containers as docker does', () => {
    cli(['run', '--name', 'ps-ok', 'busybox', 'true']);
    assert.equal(cli(['run', '--name', 'ps-three', 'busybox', 'sh', '-c', 'exit 3']).code, 3);
    const up = ok(['run', '-d', '--name', 'ps-up', '-l', 'tier=web', 'busybox', 'sleep', '300']).trim();
    ok(['run', '-d', '--name', 'ps-paused', 'busybox', 'sleep', '300']);
    ok(['pause', 'ps-paused']);
    const fresh = ok(['create', '--name', 'ps-fresh', '-l', 'tier=db', 'busybox', 'true']).trim();

    // Running (paused included) by default; everything with -a, newest first.
    assert.deepEqual(names([]), ['ps-paused', 'ps-up']);
    assert.deepEqual(names(['-a']), ['ps-fresh', 'ps-paused', 'ps-up', 'ps-three', 'ps-ok']);
    assert.deepEqual(names(['-n', '2']), ['ps-fresh', 'ps-paused']);
    assert.deepEqual(names(['-l']), ['ps-fresh']);
    assert.deepEqual(lines(ok(['ps', '-l', '-q'])), [fresh.slice(0, 12)]);
    const quiet = lines(ok(['ps', '-q']));
    assert.equal(quiet.length, 2);
    assert.ok(quiet.every((id) => /^[0-9a-f]{12}$/.test(id)), quiet.join(','));
    assert.ok(quiet.includes(up.slice(0, 12)));
    assert.deepEqual(lines(ok(['ps', '-aq', '--no-trunc', '--filter', 'name=ps-fresh'])), [fresh]);
    assert.match(ok(['ps', '--no-trunc']), new RegExp(`^${up}\\s+busybox\\s+"sleep 300"`, 'm'));

    const sized = lines(ok(['ps', '-s']));
    assert.match(sized[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\s+SIZE$/);
    for (const row of sized.slice(1)) assert.match(row, /\s\d+(\.\d+)?[kMG]?B \(virtual \d+(\.\d+)?[kMG]?B\)$/);

    const filtered = (f: string, all = true) => names([...(all ? ['-a'] : []), '--filter', f]);
    assert.deepEqual(filtered('status=exited'), ['ps-three', 'ps-ok']);
    assert.deepEqual(filtered('status=exited', false), ['ps-three', 'ps-ok']); // a status filter shows stopped ones
    assert.deepEqual(filtered('status=created'), ['ps-fresh']);
    assert.deepEqual(filtered('status=running'), ['ps-up']);
    assert.deepEqual(filtered('status=paused'), ['ps-paused']);
    assert.deepEqual(filtered('name=three'), ['ps-three']);
    assert.deepEqual(filtered('name=ps-'), ['ps-fresh', 'ps-paused', 'ps-up', 'ps-three', 'ps-ok']);
    assert.deepEqual(filtered(`id=${up.slice(0, 8)}`), ['ps-up']);
    assert.deepEqual(filtered('ancestor=busybox', false), ['ps-paused', 'ps-up']);
    assert.deepEqual(filtered('ancestor=busybox'), ['ps-fresh', 'ps-paused', 'ps-up', 'ps-three', 'ps-ok']);
    assert.deepEqual(filtered('exited=0'), ['ps-ok']);
    assert.deepEqual(filtered('exited=3'), ['ps-three']);
    assert.deepEqual(filtered('exited=0', false), []); // unlike status=, exited= does not imply -a
    assert.deepEqual(filtered('label=tier'), ['ps-fresh', 'ps-up']);
    assert.deepEqual(filtered('label=tier=db'), ['ps-fresh']);
    assert.deepEqual(names(['-a', '--filter', 'status=exited', '--filter', 'status=created']), ['ps-fresh', 'ps-three', 'ps-ok']);
    assert.deepEqual(names(['-a', '--filter', 'label=tier', '--filter', 'status=running']), ['ps-up']);

    const table = lines(ok(['ps', '-a', '--format', '{{.Names}}\t{{.Status}}']));
    assert.equal(table.length, 5);
    assert.equal(table[0], 'ps-fresh\tCreated');
    assert.match(table[1]!, /^ps-paused\tUp (Less than a second|\d+ seconds?) \(Paused\)$/);
    assert.match(table[2]!, /^ps-up\tUp (Less than a second|\d+ seconds?)$/);
    assert.match(table[3]!, /^ps-three\tExited \(3\) (Less than a second|\d+ seconds?) ago$/);
    assert.match(table[4]!, /^ps-ok\tExited \(0\) (Less than a second|\d+ seconds?) ago$/);

    const json = lines(ok(['ps', '-a', '--format', 'json'])).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(json.map((j) => [j.Names, j.State]), [['ps-fresh', 'created'], ['ps-paused', 'paused'], ['ps-up', 'running'], ['ps-three', 'exited'], ['ps-ok', 'exited']]);
    assert.equal(json[0]!.ID, fresh.slice(0, 12));
    assert.equal(json[0]!.Labels, 'tier=db');
    assert.equal(json[0]!.Command, '"true"');
    assert.equal(json[0]!.Image, 'busybox');
    assert.deepEqual(Object.keys(json[0]!), [...Object.keys(json[0]!)].sort());

    const bad = cli(['ps', '--filter', 'status=bogus']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error response from daemon: invalid filter 'status=bogus'/);
    const badKey = cli(['ps', '--filter', 'colour=red']);
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /Error response from daemon: invalid filter 'colour'/);

    ok(['rm', '-f', 'ps-ok', 'ps-three', 'ps-up', 'ps-paused', 'ps-fresh']);
  });

  it('ps --filter ancestor= also matches containers of images built on that image', () => {
    ok(['create', '--name', 'ps-base', 'busybox', 'true']);
    ok(['commit', 'ps-base', 'ps-derived:1']);
    ok(['create', '--name', 'ps-child', 'ps-derived:1', 'true']);
    const filtered = (f: string) => lines(ok(['ps', '-a', '--format', '{{.Names}}', '--filter', f]));
    try {
      assert.deepEqual(filtered('ancestor=busybox'), ['ps-child', 'ps-base']);
      assert.deepEqual(filtered('ancestor=ps-derived:1'), ['ps-child']);
      assert.deepEqual(filtered('ancestor=no-such-image'), []);
    } finally {
      ok(['rm', 'ps-child', 'ps-base']);
      ok(['rmi', 'ps-derived:1']);
    }
  });

  it('logs --tail, -t, and --since/--until with RFC3339 times', () => {
    ok(['run', '--name', 'lines', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done']);
    assert.equal(ok(['logs', '--tail', '2', 'lines']), 'line4\nline5\n');
    assert.equal(ok(['logs', '-n', '0', 'lines']), '');
    assert.equal(ok(['logs', '--tail', 'all', 'lines']), 'line1\nline2\nline3\nline4\nline5\n');
    const stamped = lines(ok(['logs', '-t', 'lines']));
    assert.equal(stamped.length, 5);
    const times = stamped.map((l, i) => {
      const [time, text] = l.split(' ');
      assert.match(time!, RFC3339_NANO);
      assert.equal(text, `line${i + 1}`);
      return time!;
    });
    // Both bounds are inclusive and exact to the nanosecond.
    assert.equal(ok(['logs', '--since', times[2]!, 'lines']), 'line3\nline4\nline5\n');
    assert.equal(ok(['logs', '--until', times[2]!, 'lines']), 'line1\nline2\nline3\n');
    assert.equal(ok(['logs', '--since', times[1]!, '--until', times[3]!, 'lines']), 'line2\nline3\nline4\n');
    assert.equal(ok(['logs', '--since', '2099-01-01T00:00:00Z', 'lines']), '');
    // --tail picks the last lines first; the window applies to those (moby's tailFiles then forwarder).
    assert.equal(ok(['logs', '--tail', '3', '--since', times[1]!, 'lines']), 'line3\nline4\nline5\n');
    assert.equal(ok(['logs', '--tail', '2', '--until', times[2]!, 'lines']), '');
    assert.equal(ok(['logs', '--tail', '1', '-t', 'lines']), `${stamped[4]}\n`);
    const bad = cli(['logs', '--since', 'yesterday', 'lines']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid value for "since": failed to parse value as time or duration: "yesterday"/);
    ok(['rm', 'lines']);
  });

  it('logs --since/--until with durations', () => {
    ok(['run', '--name', 'slow', 'busybox', 'sh', '-c', 'echo early; sleep 2.2; echo late']);
    // Durations count back from now, in whole seconds as docker's client sends them.
    assert.equal(ok(['logs', '--since', '1s', 'slow']), 'late\n');
    assert.equal(ok(['logs', '--until', '1s', 'slow']), 'early\n');
    assert.equal(ok(['logs', '--since', '1h', 'slow']), 'early\nlate\n');
    assert.equal(ok(['logs', '--until', '1h', 'slow']), '');
    ok(['rm', 'slow']);
  });

  it('logs -f follows a running container until it exits', () => {
    ok(['run', '-d', '--name', 'follow', 'busybox', 'sh', '-c', 'echo first; sleep 1; echo second; echo third >&2; exit 4']);
    const t0 = performance.now();
    const r = cli(['logs', '-f', 'follow']);
    const took = performance.now() - t0;
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'first\nsecond\n');
    assert.equal(r.stderr, 'third\n');
    assert.ok(took > 500, `logs -f returned after ${took}ms, before the container ended`);
    assert.equal(ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'follow']).trim(), 'exited 4');
    ok(['rm', 'follow']);
  });

  it('logs -f --until stops following at the first line past the bound', () => {
    ok(['run', '-d', '--name', 'until', 'busybox', 'sh', '-c', 'echo first; sleep 1.5; echo second; sleep 30']);
    const until = new Date(Date.now() + 700).toISOString();
    const t0 = performance.now();
    const r = cli(['logs', '-f', '--until', until, 'until']);
    const took = performance.now() - t0;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'first\n');
    assert.ok(took > 700 && took < 10_000, `logs -f --until returned after ${took}ms`);
    ok(['rm', '-f', 'until']);
  });

  it("attach streams what comes after it and exits with the container's code", async () => {
    ok(['run', '-d', '--name', 'attached', 'busybox', 'sh', '-c', 'echo before; sleep 1.5; echo after; echo after-err >&2; exit 5']);
    await waitForLog('attached', 'before');
    const r = cli(['attach', 'attached']);
    assert.equal(r.stdout, 'after\n');
    assert.equal(r.stderr, 'after-err\n');
    assert.equal(r.code, 5);
    const again = cli(['attach', 'attached']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /You cannot attach to a stopped container, start it first/);
    ok(['rm', 'attached']);
  });

  it('wait prints the exit code of each container in order', () => {
    ok(['run', '-d', '--name', 'w-slow', 'busybox', 'sh', '-c', 'sleep 1; exit 2']);
    ok(['run', '-d', '--name', 'w-fast', 'busybox', 'sh', '-c', 'exit 3']);
    ok(['create', '--name', 'w-created', 'busybox', 'true']);
    assert.equal(ok(['wait', 'w-slow', 'w-fast', 'w-created']), '2\n3\n0\n');
    const r = cli(['wait', 'w-fast', 'w-missing']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '3\n');
    assert.match(r.stderr, /Error response from daemon: No such container: w-missing/);
    ok(['rm', 'w-slow', 'w-fast', 'w-created']);
  });

  it('top passes ps options through', async () => {
    ok(['run', '-d', '--name', 'topped', 'busybox', 'sh', '-c', 'echo ready; sleep 300']);
    await waitForLog('topped', 'ready');
    const aux = lines(ok(['top', 'topped', 'aux']));
    assert.match(aux[0]!, /^USER\s+PID\s+%CPU\s+%MEM\s+VSZ\s+RSS\s+TTY\s+STAT\s+START\s+TIME\s+COMMAND$/);
    assert.ok(aux.some((l) => /^root\s+\d+\s.*sleep 300$/.test(l)), aux.join('\n'));
    const custom = lines(ok(['top', 'topped', '-o', 'pid,comm']));
    assert.match(custom[0]!, /^PID\s+COMMAND$/);
    assert.ok(custom.some((l) => /^\d+\s+sleep$/.test(l)), custom.join('\n'));
    ok(['rm', '-f', 'topped']);
    const stopped = cli(['top', 'topped']);
    assert.notEqual(stopped.code, 0);
  });

  it('inspect reports state, command, config and log path as docker does', () => {
    assert.equal(cli(['run', '--name', 'insp', '-e', 'FOO=bar', '-m', '32m', 'busybox', 'sh', '-c', 'echo hi; echo mark > /marker; exit 2']).code, 2);
    const c = inspect('insp');
    assert.equal(c.Name, '/insp');
    assert.equal(c.Path, 'sh');
    assert.deepEqual(c.Args, ['-c', 'echo hi; echo mark > /marker; exit 2']);
    assert.equal(c.RestartCount, 0);
    assert.equal(c.State.Status, 'exited');
    assert.equal(c.State.ExitCode, 2);
    assert.equal(c.State.Running, false);
    for (const t of [c.Created, c.State.StartedAt, c.State.FinishedAt]) assert.match(t, RFC3339_NANO);
    assert.ok(nanos(c.Created) <= nanos(c.State.StartedAt));
    assert.ok(nanos(c.State.StartedAt) <= nanos(c.State.FinishedAt));
    // The request's env first, then the image's variables it does not set.
    assert.deepEqual(c.Config.Env, ['FOO=bar', IMAGE_PATH]);
    assert.deepEqual(c.Config.Cmd, ['sh', '-c', 'echo hi; echo mark > /marker; exit 2']);
    // overlay2's directories: the container's writes in UpperDir, the image's files in LowerDir.
    const gd = c.GraphDriver.Data as Record<string, string>;
    assert.equal(c.GraphDriver.Name, 'overlay2');
    assert.equal(readFileSync(`${gd.UpperDir}/marker`, 'utf8'), 'mark\n');
    assert.ok(gd.LowerDir!.split(':').some((dir) => existsSync(`${dir}/bin/busybox`)), gd.LowerDir);
    assert.ok(existsSync(gd.WorkDir!) && gd.MergedDir!.length > 0, JSON.stringify(gd));
    assert.equal(c.Config.Image, 'busybox');
    assert.equal(c.Config.Hostname, c.Id.slice(0, 12));
    assert.equal(c.HostConfig.Memory, 32 * 1024 * 1024);
    assert.equal(c.HostConfig.LogConfig.Type, 'json-file');
    assert.equal(c.HostConfig.RestartPolicy.Name, 'no');
    assert.equal(c.HostConfig.PidsLimit, null);
    assert.match(c.Image, /^sha256:[0-9a-f]{64}$/);
    assert.ok(existsSync(c.LogPath), c.LogPath);
    const log = readFileSync(c.LogPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { log: string; stream: string; time: string });
    assert.deepEqual(log.map((e) => [e.log, e.stream]), [['hi\n', 'stdout']]);
    assert.match(log[0]!.time, RFC3339_NANO);
    assert.equal(readFileSync(c.HostnamePath, 'utf8'), `${c.Id.slice(0, 12)}\n`);
    assert.match(readFileSync(c.HostsPath, 'utf8'), /^127\.0\.0\.1\tlocalhost$/m);
    assert.ok(existsSync(c.ResolvConfPath), c.ResolvConfPath);
    ok(['create', '--name', 'not-started', 'busybox', 'true']);
    const created = inspect('not-started');
    assert.deepEqual([created.State.StartedAt, created.State.FinishedAt, created.HostnamePath], ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '']);
    assert.equal(created.Config.Hostname, created.Id.slice(0, 12));
    ok(['rm', 'insp', 'not-started']);
  });

  it('restart runs an exited container again', () => {
    assert.equal(cli(['run', '--name', 'again', 'busybox', 'sh', '-c', 'echo ran; exit 1']).code, 1);
    const first = inspect('again').State.StartedAt as string;
    assert.equal(ok(['restart', 'again']), 'again\n');
    assert.equal(ok(['wait', 'again']), '1\n');
    const c = inspect('again');
    assert.ok(nanos(c.State.StartedAt) > nanos(first));
    assert.equal(c.RestartCount, 0); // only a restart policy counts restarts
    assert.equal(ok(['logs', 'again']), 'ran\nran\n');
    ok(['rm', 'again']);
  });

  it('start -a runs a created container attached and exits with its code', () => {
    ok(['create', '--name', 'starter', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 6']);
    const r = cli(['start', '-a', 'starter']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.code, 6);
    assert.equal(ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'starter']).trim(), 'exited 6');
    ok(['rm', 'starter']);
  });

  it("rename refuses a taken name with docker's conflict message", () => {
    const holder = ok(['create', '--name', 'holder', 'busybox', 'true']).trim();
    ok(['create', '--name', 'mover', 'busybox', 'true']);
    const r = cli(['rename', 'mover', 'holder']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `Error response from daemon: Error when allocating new name: Conflict. The container name "/holder" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.\n` +
        'Error: failed to rename container named mover\n',
    );
    const same = cli(['rename', 'mover', 'mover']);
    assert.equal(same.code, 1);
    assert.match(same.stderr, /Renaming a container with the same name as its current name/);
    ok(['rename', 'mover', 'moved']);
    assert.deepEqual(names(['-a']).sort(), ['holder', 'moved']);
    ok(['rm', 'holder', 'moved']);
  });

  it('container prune removes stopped containers and reports the space', () => {
    const kept = ok(['run', '-d', '--name', 'keeper', 'busybox', 'sleep', '300']).trim();
    cli(['run', '--name', 'done-a', 'busybox', 'sh', '-c', 'head -c 300000 /dev/zero > /blob']);
    cli(['run', '--name', 'done-b', 'busybox', 'false']);
    ok(['create', '--name', 'never-ran', 'busybox', 'true']);
    const stopped = ['done-a', 'done-b', 'never-ran'].map((n) => inspect(n).Id as string);
    const out = ok(['container', 'prune', '-f']);
    const m = /^Deleted Containers:\n((?:[0-9a-f]{64}\n)+)\nTotal reclaimed space: (.+)\n$/.exec(out);
    assert.ok(m, out);
    assert.deepEqual(lines(m[1]!).sort(), [...stopped].sort());
    assert.match(m[2]!, /^30\d(\.\d+)?kB$/);
    assert.deepEqual(lines(ok(['ps', '-aq', '--no-trunc'])), [kept]);
    assert.equal(ok(['container', 'prune', '-f']), 'Total reclaimed space: 0B\n');
    ok(['rm', '-f', 'keeper']);
  });
});
