/**
 * `berth network ls` (alias `list`): list networks, natural-sorted by name,
 * as a table, IDs (-q), or any --format template. Filters (name, id, driver,
 * label, scope, type, dangling) are the daemon's to apply.
 */
import type { BerthCli } from '../../cli-context.js';
import type { Filters } from '../../client/types.js';
import { NETWORK_HEADERS, networkFormat, networkRows } from '../../formatter/network.js';
import { renderTable } from '../../formatter/table.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption } from '../flags.js';

export interface NetworkListOptions {
  quiet: boolean;
  noTrunc: boolean;
  format: string;
  filters: Filters;
}

interface Flags {
  quiet?: boolean;
  trunc?: boolean;
  format?: string;
  filter?: Filters;
}

export function newNetworkListCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('ls')
    .use('ls [OPTIONS]')
    .description('List networks')
    .addOption(filterOption('-f, --filter <filter>', 'Provide filter values (e.g. "driver=bridge")'))
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', 'Do not truncate the output')
    .option('-q, --quiet', 'Only display network IDs')
    .run<Flags>(noArgs, (_args, f) =>
      runNetworkList(cli, {
        quiet: f.quiet === true,
        noTrunc: f.trunc === false,
        format: f.format ?? '',
        filters: f.filter ?? {},
      }),
    );
}

export async function runNetworkList(cli: BerthCli, o: NetworkListOptions): Promise<void> {
  const networks = await cli.client.networks.list(o.filters);
  cli.out.write(renderTable(networkFormat(o.format, o.quiet), networkRows(networks, !o.noTrunc), NETWORK_HEADERS));
}
