/**
 * `berth container ls` (aliases `ps`, `list`; top-level `berth ps`): list
 * containers as a table, ids, or any --format template.
 */
import type { BerthCli } from '../../cli-context.js';
import type { Filters } from '../../client/types.js';
import { CONTAINER_HEADERS, ContainerContext, containerFormat } from '../../formatter/container.js';
import { renderTable } from '../../formatter/table.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption, intOption } from '../flags.js';

export interface ListOptions {
  all: boolean;
  quiet: boolean;
  size: boolean;
  /** -n: the n last created (any state); -1 = no limit. */
  last: number;
  latest: boolean;
  noTrunc: boolean;
  format: string;
  filters: Filters;
}

interface ListFlags {
  all?: boolean;
  quiet?: boolean;
  size?: boolean;
  last?: number;
  latest?: boolean;
  trunc?: boolean;
  format?: string;
  filter?: Filters;
}

export function newListCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('ls')
    .use('ls [OPTIONS]')
    .description('List containers')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .addOption(filterOption())
    .option('--format <string>', 'Format output using a custom template')
    .addOption(intOption('-n, --last <int>', 'Show n last created containers (includes all states)', -1))
    .option('-l, --latest', 'Show the latest created container (includes all states)')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only display container IDs')
    .option('-s, --size', 'Display total file sizes')
    .run<ListFlags>(noArgs, (_args, f) =>
      runList(cli, {
        all: f.all === true,
        quiet: f.quiet === true,
        size: f.size === true,
        last: f.last ?? -1,
        latest: f.latest === true,
        noTrunc: f.trunc === false,
        format: f.format ?? '',
        filters: f.filter ?? {},
      }),
    );
}

export async function runList(cli: BerthCli, o: ListOptions): Promise<void> {
  if (o.format !== '' && o.quiet) cli.eprintln('WARNING: Ignoring custom format, because both --format and --quiet are set.');
  // Sizes are costly for the daemon: ask only when shown (docker detects .Size in the template).
  const size = o.size || (!o.quiet && o.format.includes('.Size'));
  const limit = o.latest && o.last === -1 ? 1 : o.last;
  const containers = await cli.client.containers.list({ all: o.all, limit, size, filters: o.filters });
  const now = Date.now();
  const rows = containers.map((c) => new ContainerContext(c, !o.noTrunc, now));
  cli.out.write(renderTable(containerFormat(o.format, o.quiet, size), rows, CONTAINER_HEADERS));
}
