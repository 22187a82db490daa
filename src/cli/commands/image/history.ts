/**
 * `berth history` / `berth image history`: an image's layers, newest first.
 */
import { Option } from 'commander';
import type { BerthCli } from '../../cli-context.js';
import { HISTORY_HEADERS, HistoryContext, historyFormat } from '../../formatter/history.js';
import { renderTable } from '../../formatter/table.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface HistoryOptions {
  image: string;
  human: boolean;
  quiet: boolean;
  noTrunc: boolean;
  format: string;
}

export function newHistoryCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('history')
    .use('history [OPTIONS] IMAGE')
    .description('Show the history of an image')
    .option('--format <string>', 'Format output using a custom template')
    .option('-H, --human', 'Print sizes and dates in human readable format (default true)')
    .addOption(new Option('--no-human').hideHelp())
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .run<{ format?: string; human?: boolean; trunc?: boolean; quiet?: boolean }>(exactArgs(1), ([image], f) =>
      runHistory(cli, {
        image: image!,
        human: f.human !== false,
        quiet: f.quiet === true,
        noTrunc: f.trunc === false,
        format: f.format ?? '',
      }),
    );
}

export async function runHistory(cli: BerthCli, o: HistoryOptions): Promise<void> {
  const items = await cli.client.images.history(o.image);
  const now = Date.now();
  const rows = items.map((h) => new HistoryContext(h, !o.noTrunc, o.human, now));
  cli.out.write(renderTable(historyFormat(o.format, o.quiet, o.human), rows, HISTORY_HEADERS));
}
