/**
 * `run`/`create` options through both CLIs, each checked by its effect inside
 * the container (or in its cgroup on the host), as a user would see it:
 * read-only root, tmpfs, ulimits, capabilities, privileged, init, resource
 * limits, network modes, entrypoint, env files, workdir, user, stop signal
 * and timeout, names, labels — and the errors bad values give.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon, waitForLog as waitForLogVia } from '../../harness/daemon.js';

const CGROUP = '/sys/fs/cgroup';

/** Interface names in a /proc/net/dev listing. */
function interfaces(procNetDev: string): string[] {
  return procNetDev
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]!.trim())
    .filter(Boolean)
    .sort();
}

/** The hex capability mask of a /proc/<pid>/status field. */
function capMask(status: string, field: 'CapEff' | 'CapBnd'): bigint {
  const m = new RegExp(`^${field}:\\s+([0-9a-f]+)$`, 'm').exec(status);
  assert.ok(m, `no ${field} in ${status}`);
  return BigInt(`0x${m[1]}`);
}

const CAP_NET_ADMIN = 12n;

for (const which of cliUnderTest) describe(`run options (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** Runs with the CLI's own environment extended by `env` (for `-e VAR` and --env-file). */
  const withEnv = <T>(env: Record<string, string>, fn: () => T): T => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      return fn();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
  const waitForLog = (name: string, text: string) => waitForLogVia(cli, name, text);

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('--read-only refuses writes to / but not to a --tmpfs', () => {
    const r = cli(['run', '--rm', '--read-only', 'busybox', 'touch', '/file']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /touch: \/file: Read-only file system/);
    assert.equal(ok(['run', '--rm', '--read-only', '--tmpfs', '/tmp', 'busybox', 'sh', '-c', 'touch /tmp/file && echo written']), 'written\n');
  });

  it('--tmpfs mounts a tmpfs with the options given', () => {
    const out = ok(['run', '--rm', '--tmpfs', '/data:size=1m', 'busybox', 'sh', '-c', 'grep " /data " /proc/mounts; df -k /data | tail -1']);
    const [mount, df] = out.trim().split('\n');
    // Docker's defaults for --tmpfs (noexec, nosuid, nodev) plus the size asked for.
    assert.match(mount!, /^tmpfs \/data tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k 0 0$/);
    assert.match(df!, /^tmpfs\s+1024\s+0\s+1024\s+0% \/data$/);
  });

  it('--ulimit sets the soft and hard limits', () => {
    assert.equal(ok(['run', '--rm', '--ulimit', 'nofile=100:200', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn']), '100\n200\n');
  });

  it('--cap-drop CHOWN makes chown fail', () => {
    assert.equal(ok(['run', '--rm', 'busybox', 'sh', '-c', 'touch /f && chown 1000 /f && echo chowned']), 'chowned\n');
    const r = cli(['run', '--rm', '--cap-drop', 'CHOWN', 'busybox', 'sh', '-c', 'touch /f && chown 1000 /f']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /chown: \/f: Operation not permitted/);
  });

  it('--cap-add NET_ADMIN adds the capability and what it allows', () => {
    const script = 'grep CapEff /proc/self/status; ip link set lo mtu 1500 && echo mtu-set';
    const plain = cli(['run', '--rm', 'busybox', 'sh', '-c', script]);
    const added = cli(['run', '--rm', '--cap-add', 'NET_ADMIN', 'busybox', 'sh', '-c', script]);
    const before = capMask(plain.stdout, 'CapEff');
    const withCap = capMask(added.stdout, 'CapEff');
    assert.equal(before & (1n << CAP_NET_ADMIN), 0n);
    assert.equal(withCap, before | (1n << CAP_NET_ADMIN));
    assert.doesNotMatch(plain.stdout, /mtu-set/);
    assert.match(plain.stderr, /Operation not permitted/);
    assert.match(added.stdout, /mtu-set/);
  });

  it('--privileged gives every capability and the host devices', () => {
    const hostBounding = capMask(readFileSync('/proc/self/status', 'utf8'), 'CapBnd');
    const priv = ok(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'grep CapEff /proc/self/status; ls /dev | wc -l']);
    const plain = ok(['run', '--rm', 'busybox', 'sh', '-c', 'ls /dev | wc -l']);
    assert.equal(capMask(priv, 'CapEff'), hostBounding);
    const privDevices = Number(priv.trim().split('\n')[1]);
    assert.ok(privDevices > Number(plain.trim()) + 10, `privileged /dev has ${privDevices} entries, default ${plain.trim()}`);
  });

  it('--init runs docker-init as pid 1 with the command as its child', () => {
    const out = ok(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/comm; tr "\\0" " " < /proc/1/cmdline; echo; echo $$ $PPID']);
    const [comm, cmdline, pids] = out.split('\n');
    assert.equal(comm, 'docker-init');
    assert.match(cmdline!, /^\/sbin\/docker-init -- sh -c /);
    const [self, parent] = pids!.split(' ');
    assert.notEqual(self, '1');
    assert.equal(parent, '1');
  });

  it('--pids-limit caps the pids cgroup', () => {
    const id = ok(['run', '-d', '--pids-limit', '10', 'busybox', 'sleep', '60']).trim();
    assert.equal(readFileSync(path.join(CGROUP, 'pids', 'berth', id, 'pids.max'), 'utf8').trim(), '10');
    assert.equal(ok(['inspect', '-f', '{{.HostConfig.PidsLimit}}', id]).trim(), '10');
    ok(['rm', '-f', id]);
    const r = cli(['run', '--rm', '--pids-limit', '10', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 2 & done; wait']);
    assert.match(r.stderr, /can't fork: Resource temporarily unavailable/);
  });

  it('--memory, --memory-swap, --cpus and --cpu-shares reach the cgroup', () => {
    const id = ok(['run', '-d', '--memory', '32m', '--memory-swap', '64m', '--cpus', '0.5', '--cpu-shares', '512', 'busybox', 'sleep', '60']).trim();
    const read = (ctrl: string, file: string) => readFileSync(path.join(CGROUP, ctrl, 'berth', id, file), 'utf8').trim();
    assert.equal(read('memory', 'memory.limit_in_bytes'), String(32 * 1024 * 1024));
    assert.equal(read('memory', 'memory.memsw.limit_in_bytes'), String(64 * 1024 * 1024));
    assert.equal(read('cpu', 'cpu.cfs_quota_us'), '50000');
    assert.equal(read('cpu', 'cpu.cfs_period_us'), '100000');
    assert.equal(read('cpu', 'cpu.shares'), '512');
    const hc = ok(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}', id]);
    assert.equal(hc.trim(), '33554432 67108864 500000000 512');
    ok(['rm', '-f', id]);
  });

  it('--network none leaves only the loopback interface', () => {
    const out = ok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'cat /proc/net/dev; echo ---; ip -o addr']);
    const [dev, addr] = out.split('---\n');
    assert.deepEqual(interfaces(dev!), ['lo']);
    assert.deepEqual([...new Set(addr!.trim().split('\n').map((l) => l.split(/\s+/)[1]))], ['lo']);
  });

  it("--network host shares the host's interfaces and hostname", () => {
    const hostBefore = interfaces(readFileSync('/proc/net/dev', 'utf8'));
    const out = ok(['run', '--rm', '--network', 'host', 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname; cat /proc/net/dev']);
    const hostAfter = interfaces(readFileSync('/proc/net/dev', 'utf8'));
    const [name, etcHostname, ...dev] = out.split('\n');
    assert.equal(name, hostname());
    assert.equal(etcHostname, hostname());
    // Other containers may add or drop host interfaces meanwhile: compare with what stayed.
    const seen = interfaces(dev.join('\n'));
    for (const i of hostBefore.filter((n) => hostAfter.includes(n))) assert.ok(seen.includes(i), `${i} missing from ${seen}`);
    for (const i of seen) assert.ok(hostBefore.includes(i) || hostAfter.includes(i), `${i} is not a host interface`);
    assert.ok(seen.length > 1);
  });

  it("--entrypoint replaces the image's entrypoint and command", () => {
    assert.equal(ok(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'hi', 'there']), 'hi there\n');
    // busybox's Cmd ("sh") is dropped along with the entrypoint.
    assert.equal(ok(['run', '--rm', '--entrypoint', 'echo', 'busybox']), '\n');
    ok(['create', '--name', 'ep', '--entrypoint', 'printf', 'busybox', '%s', 'x']);
    assert.equal(ok(['inspect', '-f', '{{.Path}} {{json .Args}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}', 'ep']).trim(), 'printf ["%s","x"] ["printf"] ["%s","x"]');
    ok(['rm', 'ep']);
  });

  it("--env-file and -e VAR take values from the file and the CLI's environment", () => {
    const envFile = path.join(d.dir, `env-${which}`);
    writeFileSync(envFile, '# a comment\nFROM_FILE=one\nSPACED=two words\nPASSED_THROUGH\nUNSET_IN_CLI\n');
    const out = withEnv({ PASSED_THROUGH: 'from-cli-env', BY_NAME: 'by-name' }, () =>
      ok(['run', '--rm', '--env-file', envFile, '-e', 'BY_NAME', '-e', 'NOT_IN_ENV', '-e', 'FROM_FILE=overridden', 'busybox', 'sh', '-c',
        'echo "$FROM_FILE|$SPACED|$PASSED_THROUGH|$BY_NAME|${UNSET_IN_CLI-unset}|${NOT_IN_ENV-unset}"']),
    );
    assert.equal(out, 'overridden|two words|from-cli-env|by-name|unset|unset\n');
  });

  it('-w creates a missing working directory', () => {
    const out = ok(['run', '--rm', '-u', '1000', '-w', '/made/for/you', 'busybox', 'sh', '-c', 'pwd; stat -c "%U %a %F" /made/for/you /made']);
    assert.equal(out, '/made/for/you\nroot 755 directory\nroot 755 directory\n');
    const r = cli(['run', '--rm', '-w', '/etc/passwd', 'busybox', 'pwd']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Cannot mkdir: \/etc\/passwd is not a directory/);
  });

  it('-u uid:gid runs as that user and group', () => {
    assert.match(ok(['run', '--rm', '-u', '1000:1000', 'busybox', 'id']), /^uid=1000 gid=1000 /);
    assert.equal(ok(['run', '--rm', '-u', '1000:1000', 'busybox', 'sh', '-c', 'touch /tmp/f; stat -c "%u:%g" /tmp/f']), '1000:1000\n');
  });

  it('--stop-signal is what stop sends', async () => {
    ok(['run', '-d', '--name', 'usr1', '--stop-signal', 'SIGUSR1', 'busybox', 'sh', '-c',
      'trap "echo got USR1; exit 0" USR1; trap "echo got TERM; exit 0" TERM; echo ready; while true; do sleep 0.1; done']);
    await waitForLog('usr1', 'ready');
    ok(['stop', 'usr1']);
    assert.equal(ok(['logs', 'usr1']), 'ready\ngot USR1\n');
    assert.equal(ok(['inspect', '-f', '{{.Config.StopSignal}} {{.State.ExitCode}}', 'usr1']).trim(), 'SIGUSR1 0');
    ok(['rm', 'usr1']);
  });

  it('--stop-timeout is how long stop waits before SIGKILL', async () => {
    ok(['run', '-d', '--name', 'stubborn', '--stop-timeout', '1', 'busybox', 'sh', '-c', 'trap "" TERM; echo ready; while true; do sleep 0.1; done']);
    await waitForLog('stubborn', 'ready');
    const t0 = performance.now();
    ok(['stop', 'stubborn']);
    const took = performance.now() - t0;
    assert.ok(took >= 900 && took < 5000, `stop took ${took}ms`);
    assert.equal(ok(['inspect', '-f', '{{.Config.StopTimeout}} {{.State.ExitCode}}', 'stubborn']).trim(), '1 137');
    ok(['rm', 'stubborn']);
  });

  it('--name refuses characters Docker does not allow', () => {
    for (const bad of ['bad/name', 'a', '-dash', 'sp ace']) {
      const r = cli(['run', '--rm', '--name', bad, 'busybox', 'true']);
      assert.equal(r.code, 125, bad);
      assert.ok(r.stderr.includes(`Invalid container name (${bad}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`), r.stderr);
    }
  });

  it('-l sets labels shown by inspect', () => {
    ok(['create', '--name', 'labelled', '-l', 'tier=front', '-l', 'flag', '-l', 'eq=a=b', 'busybox', 'true']);
    assert.deepEqual(JSON.parse(ok(['inspect', '-f', '{{json .Config.Labels}}', 'labelled'])), { tier: 'front', flag: '', eq: 'a=b' });
    ok(['rm', 'labelled']);
  });

  it("refuses bad values with Docker's messages and creates nothing", () => {
    const cases: Array<[string[], string]> = [
      [['--memory', '12qq'], `invalid argument "12qq" for "-m, --memory" flag: invalid suffix: 'qq'`],
      [['--cpus', 'abc'], `invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number`],
      [['--ulimit', 'foo=1'], `invalid argument "foo=1" for "--ulimit" flag: invalid ulimit type: foo`],
      [['--cap-add', 'FOO'], `Error response from daemon: unknown capability: "CAP_FOO"`],
      [['--restart', 'bogus'], `Error response from daemon: invalid restart policy: unknown policy 'bogus'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`],
      [['--restart', 'always:3'], `Error response from daemon: invalid restart policy: maximum retry count can only be used with 'on-failure'`],
    ];
    for (const [flags, message] of cases) {
      const r = cli(['run', ...flags, 'busybox', 'true']);
      assert.equal(r.code, 125, flags.join(' '));
      assert.ok(r.stderr.includes(message), `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`Run '${which} run --help' for more information`));
    }
    assert.equal(ok(['ps', '-aq']), '');
  });
});
