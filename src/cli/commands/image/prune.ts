/**
 * `berth image prune`: remove dangling images (all unused ones with -a),
 * after a [y/N] prompt unless -f.
 */
import { humanSize } from '../../../units/bytes.js';
import type { BerthCli } from '../../cli-context.js';
import { CancelledError } from '../../cli-errors.js';
import type { Filters } from '../../client/types.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption } from '../flags.js';
import { confirm } from '../prompt.js';

export interface ImagePruneOptions {
  all: boolean;
  force: boolean;
  filters: Filters;
}

const ALL_WARNING = 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';
const DANGLING_WARNING = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';

export function newImagePruneCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('prune')
    .use('prune [OPTIONS]')
    .description('Remove unused images')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .run<{ all?: boolean; force?: boolean; filter?: Filters }>(noArgs, (_args, f) =>
      runImagePrune(cli, { all: f.all === true, force: f.force === true, filters: f.filter ?? {} }),
    );
}

export async function runImagePrune(cli: BerthCli, o: ImagePruneOptions): Promise<void> {
  const filters: Filters = { ...o.filters, dangling: [String(!o.all)] };
  if (!o.force && !(await confirm(cli, o.all ? ALL_WARNING : DANGLING_WARNING))) {
    throw new CancelledError('image prune has been cancelled');
  }
  const report = await cli.client.images.prune(filters);
  const deleted = report.ImagesDeleted ?? [];
  if (deleted.length > 0) {
    const lines = deleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted ?? ''}`));
    cli.println(`Deleted Images:\n${lines.join('\n')}\n`);
  }
  cli.println(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}`);
}
