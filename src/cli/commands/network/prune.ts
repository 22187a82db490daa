/**
 * `berth network prune`: remove every custom network no container uses,
 * after a [y/N] prompt unless -f; prints the names removed.
 */
import type { BerthCli } from '../../cli-context.js';
import { CancelledError } from '../../cli-errors.js';
import type { Filters } from '../../client/types.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption } from '../flags.js';
import { confirm } from '../prompt.js';

export interface NetworkPruneOptions {
  force: boolean;
  filters: Filters;
}

const WARNING = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';

export function newNetworkPruneCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('prune')
    .use('prune [OPTIONS]')
    .description('Remove all unused networks')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .run<{ force?: boolean; filter?: Filters }>(noArgs, (_args, f) =>
      runNetworkPrune(cli, { force: f.force === true, filters: f.filter ?? {} }),
    );
}

export async function runNetworkPrune(cli: BerthCli, o: NetworkPruneOptions): Promise<void> {
  if (!o.force && !(await confirm(cli, WARNING))) throw new CancelledError('network prune has been cancelled');
  const report = await cli.client.networks.prune(o.filters);
  const deleted = report.NetworksDeleted ?? [];
  // docker prints "Deleted Networks:\n" + one name a line, then Println adds an empty line.
  if (deleted.length > 0) cli.println(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}`);
}
