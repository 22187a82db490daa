/**
 * `berth volume prune`: remove unused local volumes — anonymous ones, or all
 * unused ones with -a — after a [y/N] prompt unless -f.
 */
import { humanSize } from '../../../units/bytes.js';
import type { BerthCli } from '../../cli-context.js';
import { InvalidArgumentError } from '../../../errors.js';
import { CancelledError } from '../../cli-errors.js';
import type { Filters } from '../../client/types.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption } from '../flags.js';
import { confirm } from '../prompt.js';

export interface VolumePruneOptions {
  all: boolean;
  force: boolean;
  filters: Filters;
}

const ANONYMOUS_WARNING = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
const ALL_WARNING = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

export function newVolumePruneCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('prune')
    .use('prune [OPTIONS]')
    .description('Remove unused local volumes')
    .option('-a, --all', 'Remove all unused volumes, not just anonymous ones')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "label=<label>")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .run<{ all?: boolean; force?: boolean; filter?: Filters }>(noArgs, (_args, f) =>
      runVolumePrune(cli, { all: f.all === true, force: f.force === true, filters: f.filter ?? {} }),
    );
}

export async function runVolumePrune(cli: BerthCli, o: VolumePruneOptions): Promise<void> {
  const filters: Filters = { ...o.filters };
  if (o.all) {
    if (filters['all'] !== undefined) throw new InvalidArgumentError('conflicting options: cannot specify both --all and --filter all=1');
    filters['all'] = ['true'];
  }
  if (!o.force && !(await confirm(cli, o.all ? ALL_WARNING : ANONYMOUS_WARNING))) {
    throw new CancelledError('volume prune has been cancelled');
  }
  const report = await cli.client.volumes.prune(filters);
  const deleted = report.VolumesDeleted ?? [];
  let reclaimed = 0;
  if (deleted.length > 0) {
    cli.println(`Deleted Volumes:\n${deleted.map((n) => `${n}\n`).join('')}`);
    reclaimed = report.SpaceReclaimed;
  }
  cli.println(`Total reclaimed space: ${humanSize(reclaimed)}`);
}
