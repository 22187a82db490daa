/**
 * `berth start` / `berth container start`: start stopped containers; with
 * -a/-i attach to one and exit with its status (docker/cli start.go).
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { describeError } from '../../exit-code.js';
import { forwardSignals } from '../../stream/signal-proxy.js';
import { BerthCommand, minArgs } from '../command.js';
import { finishAttached, openAttached, type AttachPlan } from './attached-session.js';

export interface StartOptions {
  containers: string[];
  attach: boolean;
  interactive: boolean;
  detachKeys?: string;
}

export function newStartCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('start')
    .use('start [OPTIONS] CONTAINER [CONTAINER...]')
    .description('Start one or more stopped containers')
    .option('-a, --attach', 'Attach STDOUT/STDERR and forward signals')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('-i, --interactive', "Attach container's STDIN")
    .run<{ attach?: boolean; interactive?: boolean; detachKeys?: string }>(minArgs(1), (containers, f) =>
      runStart(cli, { containers, attach: f.attach === true, interactive: f.interactive === true, detachKeys: f.detachKeys }),
    );
}

export async function runStart(cli: BerthCli, o: StartOptions): Promise<void> {
  if (!o.attach && !o.interactive) return startWithoutAttaching(cli, o.containers);
  if (o.containers.length > 1) throw new InvalidArgumentError('you cannot start and attach multiple containers at once');

  const c = await cli.client.containers.inspect(o.containers[0]!);
  const tty = c.Config.Tty === true;
  const stopProxy = tty ? () => undefined : forwardSignals((sig) => cli.client.containers.kill(c.Id, sig), () => undefined);
  try {
    const plan: AttachPlan = {
      stdin: o.interactive && c.Config.OpenStdin === true,
      stdout: true,
      stderr: true,
      tty,
      detachKeys: o.detachKeys,
    };
    const session = await openAttached(cli, c.Id, plan);
    const wait = cli.client.containers.wait(c.Id, c.HostConfig.AutoRemove === true ? 'removed' : 'next-exit');
    try {
      await wait.accepted;
      await cli.client.containers.start(c.Id);
    } catch (err) {
      session.close();
      throw err;
    }
    await finishAttached(cli, session, wait, plan, (h, w) => cli.client.containers.resize(c.Id, h, w));
  } finally {
    stopProxy();
  }
}

/** Starts each container, printing its name or the error as it goes (docker's order of output). */
async function startWithoutAttaching(cli: BerthCli, containers: readonly string[]): Promise<void> {
  const failed: string[] = [];
  for (const ref of containers) {
    try {
      await cli.client.containers.start(ref);
      cli.println(ref);
    } catch (err) {
      cli.eprintln(describeError(err));
      failed.push(ref);
    }
  }
  if (failed.length > 0) throw new Error(`failed to start containers: ${failed.join(', ')}`);
}
