/**
 * `berth system prune`: one prompt, then every prune in docker's order —
 * stopped containers, unused networks, anonymous volumes (with --volumes),
 * dangling images (all unused ones with -a), build cache (all of it with
 * -a) — each printing what it removed, then the total space reclaimed.
 */
import { InvalidArgumentError } from '../../../errors.js';
import { humanSize } from '../../../units/bytes.js';
import type { BerthCli } from '../../cli-context.js';
import { CancelledError } from '../../cli-errors.js';
import type { Filters } from '../../client/types.js';
import { naturalLess } from '../../formatter/volume.js';
import { pruneBuildCache, type PruneResult } from '../builder/prune.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption } from '../flags.js';
import { confirm } from '../prompt.js';

export interface SystemPruneOptions {
  all: boolean;
  force: boolean;
  volumes: boolean;
  filters: Filters;
}

export function newSystemPruneCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('prune')
    .use('prune [OPTIONS]')
    .description('Remove unused data')
    .option('-a, --all', 'Remove all unused images not just dangling ones')
    .addOption(filterOption('--filter <filter>', 'Provide filter values (e.g. "label=<key>=<value>")'))
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--volumes', 'Prune anonymous volumes')
    .run<{ all?: boolean; force?: boolean; volumes?: boolean; filter?: Filters }>(noArgs, (_args, f) =>
      runSystemPrune(cli, { all: f.all === true, force: f.force === true, volumes: f.volumes === true, filters: f.filter ?? {} }),
    );
}

/** docker's confirmationMessage: what will go, and the label/until filters that narrow it. */
export function confirmationMessage(o: Pick<SystemPruneOptions, 'all' | 'volumes' | 'filters'>): string {
  const warnings = ['all stopped containers', 'all networks not used by at least one container'];
  if (o.volumes) warnings.push('all anonymous volumes not used by at least one container');
  warnings.push(o.all ? 'all images without at least one container associated to them' : 'all dangling images');
  warnings.push(o.all ? 'all build cache' : 'unused build cache');
  const filters = ['label', 'label!', 'until']
    .flatMap((name) => (o.filters[name] ?? []).map((v) => `${name}=${v}`))
    .sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0));
  let text = `WARNING! This will remove:${warnings.map((w) => `\n  - ${w}`).join('')}\n`;
  if (filters.length > 0) text += `\n  Items to be pruned will be filtered with:${filters.map((f) => `\n  - ${f}`).join('')}\n`;
  return `${text}\nAre you sure you want to continue?`;
}

export async function runSystemPrune(cli: BerthCli, o: SystemPruneOptions): Promise<void> {
  if (o.volumes && o.filters['until'] !== undefined) throw new InvalidArgumentError('ERROR: The "until" filter is not supported with "--volumes"');
  if (!o.force && !(await confirm(cli, confirmationMessage(o)))) throw new CancelledError('system prune has been cancelled');

  const steps: Array<() => Promise<PruneResult>> = [() => pruneContainers(cli, o.filters), () => pruneNetworks(cli, o.filters)];
  // Volumes get the filters as given: no "all", so only anonymous volumes go, as with docker.
  if (o.volumes) steps.push(() => pruneVolumes(cli, o.filters));
  steps.push(() => pruneImages(cli, o.all, o.filters));
  steps.push(() => pruneBuildCache(cli, { all: o.all, filters: o.filters }));

  let reclaimed = 0;
  for (const step of steps) {
    const { spaceReclaimed, output } = await step();
    reclaimed += spaceReclaimed;
    if (output !== '') cli.println(output);
  }
  cli.println(`Total reclaimed space: ${humanSize(reclaimed)}`);
}

const lines = (items: readonly string[]): string => items.map((s) => `${s}\n`).join('');

async function pruneContainers(cli: BerthCli, filters: Filters): Promise<PruneResult> {
  const report = await cli.client.containers.prune(filters);
  const deleted = report.ContainersDeleted ?? [];
  if (deleted.length === 0) return { spaceReclaimed: 0, output: '' };
  return { spaceReclaimed: report.SpaceReclaimed, output: `Deleted Containers:\n${lines(deleted)}` };
}

async function pruneNetworks(cli: BerthCli, filters: Filters): Promise<PruneResult> {
  const deleted = (await cli.client.networks.prune(filters)).NetworksDeleted ?? [];
  return { spaceReclaimed: 0, output: deleted.length === 0 ? '' : `Deleted Networks:\n${lines(deleted)}` };
}

async function pruneVolumes(cli: BerthCli, filters: Filters): Promise<PruneResult> {
  const report = await cli.client.volumes.prune(filters);
  const deleted = report.VolumesDeleted ?? [];
  if (deleted.length === 0) return { spaceReclaimed: 0, output: '' };
  return { spaceReclaimed: report.SpaceReclaimed, output: `Deleted Volumes:\n${lines(deleted)}` };
}

async function pruneImages(cli: BerthCli, all: boolean, filters: Filters): Promise<PruneResult> {
  const report = await cli.client.images.prune({ ...filters, dangling: [...(filters['dangling'] ?? []), String(!all)] });
  const deleted = report.ImagesDeleted ?? [];
  if (deleted.length === 0) return { spaceReclaimed: 0, output: '' };
  const text = deleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted ?? ''}\n`)).join('');
  return { spaceReclaimed: report.SpaceReclaimed, output: `Deleted Images:\n${text}` };
}
