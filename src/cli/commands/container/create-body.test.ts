import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContainerConfigError, FlagError } from '../../cli-errors.js';
import type { ContainerCreateBody } from '../../client/types.js';
import { BerthCli } from '../../cli-context.js';
import { BerthCommand } from '../command.js';
import { buildCreateRequest, type CreateEnvironment } from './create-body.js';
import type { CreateFlags } from './create-flags.js';
import { newRunCommand, type RunFlags } from './run.js';

const env: CreateEnvironment = {
  lookupEnv: (name) => ({ HOME: '/root', EMPTY: '' })[name],
  readFile: (path) => {
    if (path === '/envs/app.env') return '\uFEFF# comment\n\nA=1\n  B=two words  \nHOME\nMISSING\n';
    const err = new Error(`ENOENT: no such file or directory, open '${path}'`) as NodeJS.ErrnoException;
    err.code = 'ENOENT';
    throw err;
  },
  cwd: '/work/dir',
  consoleSize: [40, 120],
};

/** Parses `berth run ARGS` with the real command definition and returns flags + positionals. */
async function parseRun(argv: string[]): Promise<{ flags: RunFlags; image: string; args: string[] }> {
  let captured: { flags: RunFlags; image: string; args: string[] } | undefined;
  const cmd = newRunCommand(new BerthCli());
  // Replace the action: only parsing is under test here.
  cmd.action(async (args: string[], flags: RunFlags) => {
    captured = { flags, image: args[0]!, args: args.slice(1) };
  });
  const root = new BerthCommand('berth');
  root.addCommand(cmd);
  await root.parseAsync(['run', ...argv], { from: 'user' });
  assert.ok(captured, 'action ran');
  return captured;
}

async function bodyFor(argv: string[]): Promise<{ name?: string; body: ContainerCreateBody }> {
  const { flags, image, args } = await parseRun(argv);
  return buildCreateRequest(flags as CreateFlags, image, args, env, 'run');
}

describe('run/create flags → POST /containers/create body', () => {
  const cases: { name: string; argv: string[]; expect: (r: { name?: string; body: ContainerCreateBody }) => void }[] = [
    {
      name: 'a bare image attaches stdout/stderr and keeps defaults',
      argv: ['busybox'],
      expect: ({ name, body }) => {
        assert.equal(name, undefined);
        assert.equal(body.Image, 'busybox');
        assert.equal(body.Cmd, undefined);
        assert.deepEqual([body.AttachStdin, body.AttachStdout, body.AttachStderr], [false, true, true]);
        assert.deepEqual([body.Tty, body.OpenStdin, body.StdinOnce], [false, false, false]);
        assert.deepEqual(body.Env, []);
        assert.deepEqual(body.Labels, {});
        assert.deepEqual(body.HostConfig, {
          NetworkMode: 'default',
          RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
          AutoRemove: false,
          Privileged: false,
          ReadonlyRootfs: false,
          PortBindings: {},
        });
      },
    },
    {
      name: 'options stop at the image: the command keeps its own flags',
      argv: ['-it', 'busybox', 'sh', '-c', 'echo -x', '--rm'],
      expect: ({ body }) => {
        assert.deepEqual(body.Cmd, ['sh', '-c', 'echo -x', '--rm']);
        assert.equal(body.HostConfig.AutoRemove, false);
        assert.deepEqual([body.AttachStdin, body.Tty, body.OpenStdin, body.StdinOnce], [true, true, true, true]);
        assert.deepEqual(body.HostConfig.ConsoleSize, [40, 120]);
      },
    },
    {
      name: 'identity and process settings go to Config',
      argv: ['--name', 'web', '-e', 'A=1', '-e', 'HOME', '-e', 'NOPE', '-w', '/srv', '-u', '1000:1000', '--entrypoint', '/bin/sh',
        '-h', 'box', '-l', 'a=b', '-l', 'flag', '--stop-signal', 'SIGUSR1', '--stop-timeout', '7', 'busybox', 'true'],
      expect: ({ name, body }) => {
        assert.equal(name, 'web');
        assert.deepEqual(body.Env, ['A=1', 'HOME=/root', 'NOPE']);
        assert.equal(body.WorkingDir, '/srv');
        assert.equal(body.User, '1000:1000');
        assert.deepEqual(body.Entrypoint, ['/bin/sh']);
        assert.equal(body.Hostname, 'box');
        assert.deepEqual(body.Labels, { a: 'b', flag: '' });
        assert.equal(body.StopSignal, 'SIGUSR1');
        assert.equal(body.StopTimeout, 7);
        assert.deepEqual(body.Cmd, ['true']);
      },
    },
    {
      name: 'an empty --entrypoint resets the image entrypoint',
      argv: ['--entrypoint=', 'busybox'],
      expect: ({ body }) => assert.deepEqual(body.Entrypoint, ['']),
    },
    {
      name: 'env files come first, then -e, with lookups for bare names',
      argv: ['--env-file', '/envs/app.env', '-e', 'A=override', 'busybox'],
      expect: ({ body }) => assert.deepEqual(body.Env, ['A=1', 'B=two words  ', 'HOME=/root', 'A=override']),
    },
    {
      name: 'resources are converted to API units',
      argv: ['-m', '64m', '--memory-swap', '-1', '--cpus', '1.5', '-c', '512', '--pids-limit', '100', '--shm-size', '1g', 'busybox'],
      expect: ({ body }) => {
        const h = body.HostConfig;
        assert.equal(h.Memory, 64 * 1024 * 1024);
        assert.equal(h.MemorySwap, -1);
        assert.equal(h.NanoCpus, 1_500_000_000);
        assert.equal(h.CpuShares, 512);
        assert.equal(h.PidsLimit, 100);
        assert.equal(h.ShmSize, 1024 ** 3);
      },
    },
    {
      name: 'security and filesystem flags',
      argv: ['--privileged', '--cap-add', 'NET_ADMIN', '--cap-drop', 'ALL', '--read-only', '--tmpfs', '/run:rw,size=64m', '--tmpfs', '/tmp',
        '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=64', '--init', 'busybox'],
      expect: ({ body }) => {
        const h = body.HostConfig;
        assert.equal(h.Privileged, true);
        assert.deepEqual(h.CapAdd, ['NET_ADMIN']);
        assert.deepEqual(h.CapDrop, ['ALL']);
        assert.equal(h.ReadonlyRootfs, true);
        assert.deepEqual(h.Tmpfs, { '/run': 'rw,size=64m', '/tmp': '' });
        assert.deepEqual(h.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'nproc', Soft: 64, Hard: 64 }]);
        assert.equal(h.Init, true);
      },
    },
    {
      name: 'network, ports, volumes and restart policy',
      argv: ['--network', 'host', '-p', '8080:80', '-p', '127.0.0.1:5353:53/udp', '--expose', '9000', '-v', '/data:/data:ro',
        '-v', './rel:/rel', '-v', '/anon', '--restart', 'on-failure:3', 'busybox'],
      expect: ({ body }) => {
        const h = body.HostConfig;
        assert.equal(h.NetworkMode, 'host');
        assert.deepEqual(h.PortBindings, {
          '80/tcp': [{ HostIp: '', HostPort: '8080' }],
          '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
        });
        assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '53/udp': {}, '9000/tcp': {} });
        assert.deepEqual(h.Binds, ['/data:/data:ro', '/work/dir/rel:/rel']);
        assert.deepEqual(body.Volumes, { '/anon': {} });
        assert.deepEqual(h.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
      },
    },
    {
      name: '--mount, --volumes-from and --volume-driver',
      argv: ['--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m', '--mount', 'src=data,dst=/d,ro', '--volumes-from', 'store:ro', '--volume-driver', 'local', 'busybox'],
      expect: ({ body }) => {
        const h = body.HostConfig;
        assert.deepEqual(h.Mounts, [
          { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024 * 1024 } },
          { Type: 'volume', Source: 'data', Target: '/d', ReadOnly: true },
        ]);
        assert.deepEqual(h.VolumesFrom, ['store:ro']);
        assert.equal(h.VolumeDriver, 'local');
      },
    },
    {
      name: '--rm sets AutoRemove; -a limits the attached streams',
      argv: ['--rm', '-a', 'stderr', 'busybox'],
      expect: ({ body }) => {
        assert.equal(body.HostConfig.AutoRemove, true);
        assert.deepEqual([body.AttachStdin, body.AttachStdout, body.AttachStderr], [false, false, true]);
      },
    },
    {
      name: 'health flags build a CMD-SHELL check in nanoseconds',
      argv: ['--health-cmd', 'true', '--health-interval', '5s', '--health-retries', '2', 'busybox'],
      expect: ({ body }) =>
        assert.deepEqual(body.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9, Timeout: 0, StartPeriod: 0, StartInterval: 0, Retries: 2 }),
    },
    {
      name: '--health-start-interval and --health-start-period in nanoseconds',
      argv: ['--health-cmd', 'true', '--health-start-period', '1m', '--health-start-interval', '200ms', 'busybox'],
      expect: ({ body }) =>
        assert.deepEqual(body.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 0, Timeout: 0, StartPeriod: 60e9, StartInterval: 2e8, Retries: 0 }),
    },
    {
      name: '--no-healthcheck disables the image check',
      argv: ['--no-healthcheck', 'busybox'],
      expect: ({ body }) => assert.deepEqual(body.Healthcheck, { Test: ['NONE'] }),
    },
    {
      name: 'pflag spellings: --flag=false and -e=VALUE',
      argv: ['--rm=false', '--privileged=true', '-e=X=1', 'busybox'],
      expect: ({ body }) => {
        assert.equal(body.HostConfig.AutoRemove, false);
        assert.equal(body.HostConfig.Privileged, true);
        assert.deepEqual(body.Env, ['X=1']);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => c.expect(await bodyFor(c.argv)));
  }
});

describe('run/create flag and config errors', () => {
  it('rejects an unparsable --memory with pflag wording and the run usage', async () => {
    await assert.rejects(parseRun(['--memory', '12qq', 'busybox']), (err: unknown) => {
      assert.ok(err instanceof FlagError);
      assert.equal(err.message, `invalid argument "12qq" for "-m, --memory" flag: invalid suffix: 'qq'`);
      assert.equal(err.command?.usageLine, 'berth run [OPTIONS] IMAGE [COMMAND] [ARG...]');
      return true;
    });
  });

  it('rejects an unknown flag before the image', async () => {
    await assert.rejects(parseRun(['--bogus', 'busybox']), { message: 'unknown flag: --bogus' });
  });

  it('rejects a bad --mount as a flag error', async () => {
    await assert.rejects(parseRun(['--mount', 'type=bind,src=/a', 'busybox']), (err: unknown) =>
      err instanceof FlagError && err.message === 'invalid argument "type=bind,src=/a" for "--mount" flag: target is required');
  });

  it('rejects a bad ulimit and a bad cpus value as flag errors', async () => {
    await assert.rejects(parseRun(['--ulimit', 'nofile', 'busybox']), {
      message: 'invalid argument "nofile" for "--ulimit" flag: invalid ulimit argument: nofile',
    });
    await assert.rejects(parseRun(['--cpus', 'x', 'busybox']), {
      message: 'invalid argument "x" for "--cpus" flag: failed to parse x as a rational number',
    });
  });

  const configErrors: [string, string[], string][] = [
    ['--rm with a restart policy', ['--rm', '--restart', 'always', 'busybox'], 'conflicting options: cannot specify both --restart and --rm'],
    ['a restart count that is not a number', ['--restart', 'on-failure:x', 'busybox'], 'invalid restart policy format: maximum retry count must be an integer'],
    ['a missing env file', ['--env-file', '/nope.env', 'busybox'], '--env-file: open /nope.env: no such file or directory'],
    ['a port range mismatch', ['-p', '8000-8001:80-82', 'busybox'], 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001'],
    ['an unknown attach stream', ['-a', 'stdfoo', 'busybox'], 'valid streams are STDIN, STDOUT and STDERR'],
  ];
  for (const [what, argv, message] of configErrors) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(bodyFor(argv), (err: unknown) => {
        assert.ok(err instanceof ContainerConfigError, String(err));
        assert.equal(err.message, message);
        assert.equal(err.commandName, 'run');
        return true;
      });
    });
  }
});
