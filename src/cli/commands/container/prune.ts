/**
 * `berth container prune`: remove every stopped container (after a [y/N]
 * prompt unless -f) and report the space reclaimed.
 */
import { humanSize } from '../../../units/bytes.js';
import type { BerthCli } from '../../cli-context.js';
import { CancelledError } from '../../cli-errors.js';
import type { Filters } from '../../client/types.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption } from '../flags.js';
import { confirm } from '../prompt.js';

export interface PruneOptions {
  force: boolean;
  filters: Filters;
}

const WARNING = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?';

export function newPruneCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('prune')
    .use('prune [OPTIONS]')
    .description('Remove all stopped containers')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .run<{ force?: boolean; filter?: Filters }>(noArgs, (_args, f) => runPrune(cli, { force: f.force === true, filters: f.filter ?? {} }));
}

export async function runPrune(cli: BerthCli, o: PruneOptions): Promise<void> {
  if (!o.force && !(await confirm(cli, WARNING))) throw new CancelledError('container prune has been cancelled');
  const report = await cli.client.containers.prune(o.filters);
  const deleted = report.ContainersDeleted ?? [];
  let reclaimed = 0;
  if (deleted.length > 0) {
    cli.println(`Deleted Containers:\n${deleted.join('\n')}\n`);
    reclaimed = report.SpaceReclaimed;
  }
  cli.println(`Total reclaimed space: ${humanSize(reclaimed)}`);
}
