/**
 * `berth exec` / `berth container exec`: run a command in a running
 * container; the CLI exits with the command's exit code (docker/cli exec.go).
 *
 * Flow: inspect (so "No such container" wins over other errors) → -t needs a
 * terminal stdin → create the exec → -d: start detached, done; otherwise
 * start hijacked, stream stdio (raw mode and resize for -t) → inspect the
 * exec for ExitCode.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { StatusError } from '../../cli-errors.js';
import type { ExecCreateBody } from '../../client/types.js';
import { parseDetachKeys } from '../../stream/escape-proxy.js';
import { streamHijacked } from '../../stream/hijack.js';
import { monitorTtySize, terminalSize } from '../../stream/tty.js';
import { BerthCommand, minArgs } from '../command.js';
import { listOption } from '../flags.js';
import { readEnv } from './env-file.js';

export interface ExecOptions {
  container: string;
  command: string[];
  detach: boolean;
  interactive: boolean;
  tty: boolean;
  env: string[];
  envFile: string[];
  user?: string;
  workdir?: string;
  privileged: boolean;
  detachKeys?: string;
}

interface ExecFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  envFile?: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  detachKeys?: string;
}

export function newExecCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('exec')
    .use('exec [OPTIONS] CONTAINER COMMAND [ARG...]')
    .description('Execute a command in a running container')
    .passThroughOptions()
    .option('-d, --detach', 'Detached mode: run command in the background')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .addOption(listOption('-e, --env <list>', 'Set environment variables'))
    .addOption(listOption('--env-file <list>', 'Read in a file of environment variables'))
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('--privileged', 'Give extended privileges to the command')
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-u, --user <string>', 'Username or UID (format: "<name|uid>[:<group|gid>]")')
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .run<ExecFlags>(minArgs(2), (args, f) =>
      runExec(cli, {
        container: args[0]!,
        command: args.slice(1),
        detach: f.detach === true,
        interactive: f.interactive === true,
        tty: f.tty === true,
        env: f.env ?? [],
        envFile: f.envFile ?? [],
        user: f.user,
        workdir: f.workdir,
        privileged: f.privileged === true,
        detachKeys: f.detachKeys,
      }),
    );
}

/** The exec create body (docker's parseExec). */
export function buildExecBody(o: ExecOptions, env: string[], consoleSize?: [number, number]): ExecCreateBody {
  return {
    AttachStdin: !o.detach && o.interactive,
    AttachStdout: !o.detach,
    AttachStderr: !o.detach,
    Tty: o.tty,
    Cmd: o.command,
    Env: env,
    Privileged: o.privileged,
    ...(o.user !== undefined ? { User: o.user } : {}),
    ...(o.workdir !== undefined ? { WorkingDir: o.workdir } : {}),
    ...(o.detachKeys !== undefined ? { DetachKeys: o.detachKeys } : {}),
    ...(o.tty && consoleSize !== undefined ? { ConsoleSize: consoleSize } : {}),
  };
}

export async function runExec(cli: BerthCli, o: ExecOptions): Promise<void> {
  const env = readEnv(o.envFile, o.env, (k) => process.env[k], (p) => readFileSync(p, 'utf8'));
  const detachKeys = o.detachKeys !== undefined ? parseDetachKeys(o.detachKeys) : undefined;
  await cli.client.containers.inspect(o.container);
  const body = buildExecBody(o, env, terminalSize(process.stdout));
  if (!o.detach && body.AttachStdin && body.Tty && cli.in.isTTY !== true) {
    throw new InvalidArgumentError('the input device is not a TTY');
  }
  const execId = await cli.client.exec.create(o.container, body);
  if (o.detach) {
    await cli.client.exec.startDetached(execId, o.tty);
    return;
  }

  const connection = await cli.client.exec.startAttached(execId, o.tty, body.ConsoleSize);
  const session = streamHijacked({
    connection,
    tty: o.tty,
    stdin: body.AttachStdin ? cli.in : undefined,
    stdout: cli.out,
    stderr: o.tty ? cli.out : cli.err,
    detachKeys,
  });
  const stopResize =
    o.tty && cli.in.isTTY === true
      ? monitorTtySize(process.stdout, (h, w) => cli.client.exec.resize(execId, h, w), (err) =>
          cli.eprintln(`Error monitoring TTY size: ${(err as Error).message}`),
        )
      : () => undefined;
  try {
    if ((await session.done) === 'detached') return;
  } finally {
    stopResize();
    session.close();
  }
  const inspect = await cli.client.exec.inspect(execId);
  const status = inspect.ExitCode ?? 0;
  if (status !== 0) throw new StatusError(status);
}
