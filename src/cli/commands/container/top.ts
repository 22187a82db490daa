/**
 * `berth top` / `berth container top`: the processes of a running container,
 * as the daemon's `ps` reports them (optional ps options after the name).
 */
import type { BerthCli } from '../../cli-context.js';
import { alignTabs } from '../../formatter/tabwriter.js';
import { BerthCommand, minArgs } from '../command.js';

export interface TopOptions {
  container: string;
  psArgs: string[];
}

export function newTopCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('top')
    .use('top CONTAINER [ps OPTIONS]')
    .description('Display the running processes of a container')
    .passThroughOptions()
    .run(minArgs(1), (args) => runTop(cli, { container: args[0]!, psArgs: args.slice(1) }));
}

export async function runTop(cli: BerthCli, o: TopOptions): Promise<void> {
  const top = await cli.client.containers.top(o.container, o.psArgs.length > 0 ? o.psArgs.join(' ') : undefined);
  // docker: tabwriter.NewWriter(out, 20, 1, 3, ' ', 0), one tab-separated line per process.
  const lines = [top.Titles, ...(top.Processes ?? [])].map((cells) => `${cells.join('\t')}\n`).join('');
  cli.out.write(alignTabs(lines, { minWidth: 20, tabWidth: 1, padding: 3, padChar: ' ' }));
}
