/**
 * `berth pause` / `berth container pause`: freeze every process of containers.
 */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, minArgs } from '../command.js';
import { forEachContainer } from './parallel.js';

export interface PauseOptions {
  containers: string[];
}

export function newPauseCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('pause')
    .use('pause CONTAINER [CONTAINER...]')
    .description('Pause all processes within one or more containers')
    .run(minArgs(1), (containers) => runPause(cli, { containers }));
}

export async function runPause(cli: BerthCli, opts: PauseOptions): Promise<void> {
  await forEachContainer(cli, opts.containers, (ref) => cli.client.containers.pause(ref));
}
