/**
 * `berth attach` / `berth container attach`: connect the terminal to a
 * running container's stdio; exit with its status when it stops.
 */
import { Option } from 'commander';
import { ConflictError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { forwardSignals } from '../../stream/signal-proxy.js';
import { BerthCommand, exactArgs } from '../command.js';
import { finishAttached, openAttached, type AttachPlan } from './attached-session.js';

export interface AttachOptions {
  container: string;
  noStdin: boolean;
  sigProxy: boolean;
  detachKeys?: string;
}

export function newAttachCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('attach')
    .use('attach [OPTIONS] CONTAINER')
    .description("Attach local standard input, output, and error streams to a running container")
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('--no-stdin', 'Do not attach STDIN')
    .option('--sig-proxy', 'Proxy all received signals to the process (default true)')
    .addOption(new Option('--no-sig-proxy').hideHelp())
    .run<{ stdin?: boolean; sigProxy?: boolean; detachKeys?: string }>(exactArgs(1), ([container], f) =>
      runAttach(cli, { container: container!, noStdin: f.stdin === false, sigProxy: f.sigProxy !== false, detachKeys: f.detachKeys }),
    );
}

export async function runAttach(cli: BerthCli, o: AttachOptions): Promise<void> {
  const c = await cli.client.containers.inspect(o.container);
  if (c.State.Running !== true) throw new ConflictError('You cannot attach to a stopped container, start it first');
  if (c.State.Paused === true) throw new ConflictError('You cannot attach to a paused container, unpause it first');
  const tty = c.Config.Tty === true;
  const plan: AttachPlan = {
    stdin: !o.noStdin && c.Config.OpenStdin === true,
    stdout: true,
    stderr: true,
    tty,
    detachKeys: o.detachKeys,
  };
  if (plan.stdin && tty && cli.in.isTTY !== true) throw new ConflictError('the input device is not a TTY');
  const stopProxy = o.sigProxy && !tty ? forwardSignals((sig) => cli.client.containers.kill(c.Id, sig), () => undefined) : () => undefined;
  try {
    const wait = cli.client.containers.wait(c.Id, 'not-running');
    await wait.accepted;
    const session = await openAttached(cli, c.Id, plan);
    await finishAttached(cli, session, wait, plan, (h, w) => cli.client.containers.resize(c.Id, h, w));
  } finally {
    stopProxy();
  }
}
