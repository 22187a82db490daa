/**
 * `berth kill` / `berth container kill`: send a signal (default: the
 * daemon's, SIGKILL) to running containers.
 */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, minArgs } from '../command.js';
import { forEachContainer } from './parallel.js';

export interface KillOptions {
  containers: string[];
  signal?: string;
}

export function newKillCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('kill')
    .use('kill [OPTIONS] CONTAINER [CONTAINER...]')
    .description('Kill one or more running containers')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .run<{ signal?: string }>(minArgs(1), (containers, flags) => runKill(cli, { containers, signal: flags.signal }));
}

export async function runKill(cli: BerthCli, opts: KillOptions): Promise<void> {
  await forEachContainer(cli, opts.containers, (ref) => cli.client.containers.kill(ref, opts.signal || undefined));
}
