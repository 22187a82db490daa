/**
 * `berth unpause` / `berth container unpause`: thaw paused containers.
 */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, minArgs } from '../command.js';
import { forEachContainer } from './parallel.js';

export interface UnpauseOptions {
  containers: string[];
}

export function newUnpauseCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('unpause')
    .use('unpause CONTAINER [CONTAINER...]')
    .description('Unpause all processes within one or more containers')
    .run(minArgs(1), (containers) => runUnpause(cli, { containers }));
}

export async function runUnpause(cli: BerthCli, opts: UnpauseOptions): Promise<void> {
  await forEachContainer(cli, opts.containers, (ref) => cli.client.containers.unpause(ref));
}
