/**
 * `berth builder prune`: remove build cache — the dangling part, or all of
 * it with -a — after a [y/N] prompt unless -f. `system prune` runs the same
 * pruning step (pruneBuildCache) after its own prompt.
 */
import { humanSize } from '../../../units/bytes.js';
import type { BerthCli } from '../../cli-context.js';
import { CancelledError } from '../../cli-errors.js';
import type { Filters } from '../../client/types.js';
import { BerthCommand, noArgs } from '../command.js';
import { bytesOption, filterOption } from '../flags.js';
import { confirm } from '../prompt.js';

export interface BuilderPruneOptions {
  all: boolean;
  force: boolean;
  filters: Filters;
  /** Bytes of cache to keep; 0 keeps no minimum. */
  keepStorage: number;
}

/** What one pruning step gives back: bytes freed, and the text to print (empty when nothing went). */
export interface PruneResult {
  spaceReclaimed: number;
  output: string;
}

const NORMAL_WARNING = 'WARNING! This will remove all dangling build cache. Are you sure you want to continue?';
const ALL_WARNING = 'WARNING! This will remove all build cache. Are you sure you want to continue?';

export function newBuilderPruneCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('prune')
    .use('prune')
    .description('Remove build cache')
    .option('-a, --all', 'Remove all unused build cache, not just dangling ones')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "until=24h")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .addOption(bytesOption('--keep-storage <bytes>', 'Amount of disk space to keep for cache'))
    .run<{ all?: boolean; force?: boolean; filter?: Filters; keepStorage?: number }>(noArgs, (_args, f) =>
      runBuilderPrune(cli, { all: f.all === true, force: f.force === true, filters: f.filter ?? {}, keepStorage: f.keepStorage ?? 0 }),
    );
}

export async function runBuilderPrune(cli: BerthCli, o: BuilderPruneOptions): Promise<void> {
  if (!o.force && !(await confirm(cli, o.all ? ALL_WARNING : NORMAL_WARNING))) {
    throw new CancelledError('builder prune has been cancelled');
  }
  const { spaceReclaimed, output } = await pruneBuildCache(cli, o);
  if (output !== '') cli.println(output);
  cli.println(`Total reclaimed space: ${humanSize(spaceReclaimed)}`);
}

/** POST /build/prune, and docker's "Deleted build cache objects:" list; the space is counted even when nothing is listed. */
export async function pruneBuildCache(cli: BerthCli, o: { all: boolean; filters: Filters; keepStorage?: number }): Promise<PruneResult> {
  const report = await cli.client.system.buildPrune({ all: o.all, keepStorage: o.keepStorage ?? 0, filters: o.filters });
  const deleted = report.CachesDeleted ?? [];
  const output = deleted.length > 0 ? `Deleted build cache objects:\n${deleted.map((id) => `${id}\n`).join('')}` : '';
  return { spaceReclaimed: report.SpaceReclaimed ?? 0, output };
}
