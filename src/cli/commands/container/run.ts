/**
 * `berth run` / `berth container run` (docker/cli container/run.go).
 *
 * Flow, in docker's order:
 *   1. flags → create body (create-body.ts); -t with a non-tty stdin fails
 *   2. create, pulling a missing image (create.ts); failures → RunError (125)
 *   3. not detached: attach BEFORE start (hijacked socket, so no early
 *      output is lost), and proxy signals to the container
 *   4. POST /wait?condition=next-exit (removed with --rm) and wait for its
 *      headers: the daemon sends them once the waiter is registered, so the
 *      exit cannot slip between start and wait
 *   5. start; failures → RunError (125/126/127 from the message)
 *   6. detached: print the id. Attached: keep the terminal size in sync,
 *      stream until output ends (or detach keys), exit with the container's
 *      StatusCode (StatusError), 125 if waiting failed
 */
import { Option } from 'commander';
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { RunError } from '../../cli-errors.js';
import { parseDetachKeys } from '../../stream/escape-proxy.js';
import { forwardSignals } from '../../stream/signal-proxy.js';
import { terminalSize } from '../../stream/tty.js';
import { BerthCommand, minArgs } from '../command.js';
import { buildCreateRequest, processEnvironment } from './create-body.js';
import { addCreateFlags, type CreateFlags } from './create-flags.js';
import { createContainer, validatePullPolicy } from './create.js';
import { finishAttached, openAttached, type AttachPlan } from './attached-session.js';

export interface RunFlags extends CreateFlags {
  detach?: boolean;
  /** undefined = default on; false after --sig-proxy=false. */
  sigProxy?: boolean;
  detachKeys?: string;
}

export interface RunOptions {
  flags: RunFlags;
  image: string;
  args: string[];
}

export function newRunCommand(cli: BerthCli): BerthCommand {
  const cmd = new BerthCommand('run')
    .use('run [OPTIONS] IMAGE [COMMAND] [ARG...]')
    .description('Create and run a new container from an image')
    .passThroughOptions()
    .option('-d, --detach', 'Run container in background and print container ID')
    .option('--sig-proxy', 'Proxy received signals to the process (default true)')
    .addOption(new Option('--no-sig-proxy').hideHelp())
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container');
  addCreateFlags(cmd);
  return cmd.run<RunFlags>(minArgs(1), (args, flags) => runRun(cli, { flags, image: args[0]!, args: args.slice(1) }));
}

export async function runRun(cli: BerthCli, opts: RunOptions): Promise<void> {
  const { flags } = opts;
  const pull = validatePullPolicy(flags.pull, 'run');
  const request = buildCreateRequest(flags, opts.image, opts.args, processEnvironment(terminalSize(process.stdout)), 'run');
  const config = request.body;
  if (flags.detach === true) {
    if ((flags.attach ?? []).length > 0) throw new InvalidArgumentError('conflicting options: cannot specify both --attach and --detach');
    config.AttachStdin = config.AttachStdout = config.AttachStderr = config.StdinOnce = false;
  } else if (config.AttachStdin === true && config.Tty === true && cli.in.isTTY !== true) {
    throw new InvalidArgumentError('the input device is not a TTY');
  }
  if (flags.detachKeys !== undefined) parseDetachKeys(flags.detachKeys); // validate before creating anything

  let id: string;
  try {
    id = await createContainer(cli, request, { pull, quiet: flags.quiet === true });
  } catch (err) {
    throw new RunError(err, 'run');
  }

  const stopProxy =
    flags.sigProxy !== false && flags.detach !== true
      ? forwardSignals((sig) => cli.client.containers.kill(id, sig), () => undefined)
      : () => undefined;
  try {
    const plan: AttachPlan = {
      stdin: config.AttachStdin === true,
      stdout: config.AttachStdout === true,
      stderr: config.AttachStderr === true,
      tty: config.Tty === true,
      detachKeys: flags.detachKeys,
    };
    if (!plan.stdin && !plan.stdout && !plan.stderr) {
      await startOrFail(cli, id);
      cli.println(id);
      return;
    }
    const session = await openAttached(cli, id, plan);
    const wait = cli.client.containers.wait(id, flags.rm === true ? 'removed' : 'next-exit');
    try {
      await wait.accepted;
      await startOrFail(cli, id);
    } catch (err) {
      session.close();
      if (flags.rm === true) await wait.result.catch(() => undefined);
      throw err;
    }
    await finishAttached(cli, session, wait, plan, (h, w) => cli.client.containers.resize(id, h, w));
  } finally {
    stopProxy();
  }
}

async function startOrFail(cli: BerthCli, id: string): Promise<void> {
  try {
    await cli.client.containers.start(id);
  } catch (err) {
    throw new RunError(err, 'run');
  }
}
