/**
 * `berth wait` / `berth container wait`: block until containers stop, then
 * print each exit code.
 */
import type { BerthCli } from '../../cli-context.js';
import type { WaitResponse } from '../../client/types.js';
import { BerthCommand, minArgs } from '../command.js';
import { forEachContainer } from './parallel.js';

export interface WaitOptions {
  containers: string[];
}

export function newWaitCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('wait')
    .use('wait CONTAINER [CONTAINER...]')
    .description('Block until one or more containers stop, then print their exit codes')
    .run(minArgs(1), (containers) => runWait(cli, { containers }));
}

export async function runWait(cli: BerthCli, opts: WaitOptions): Promise<void> {
  await forEachContainer(
    cli,
    opts.containers,
    async (ref) => {
      const r = await cli.client.containers.wait(ref).result;
      if (r.Error?.Message) throw new Error(r.Error.Message);
      return r;
    },
    { output: (_ref, r) => String((r as WaitResponse).StatusCode) },
  );
}
