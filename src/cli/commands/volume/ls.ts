/**
 * `berth volume ls` (alias `list`): volumes as a table (DRIVER, VOLUME
 * NAME), names with -q, or any --format template; filters dangling, driver,
 * label, name are applied by the daemon.
 */
import type { BerthCli } from '../../cli-context.js';
import type { Filters } from '../../client/types.js';
import { renderTable } from '../../formatter/table.js';
import { VOLUME_HEADERS, volumeFormat, volumeRows } from '../../formatter/volume.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption } from '../flags.js';

export interface VolumeListOptions {
  quiet: boolean;
  format: string;
  filters: Filters;
}

export function newVolumeListCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('ls')
    .use('ls [OPTIONS]')
    .description('List volumes')
    .addOption(filterOption('-f, --filter <filter>', "Provide filter values (e.g. 'dangling=true')"))
    .option('--format <string>', 'Format output using a custom template')
    .option('-q, --quiet', 'Only display volume names')
    .run<{ quiet?: boolean; format?: string; filter?: Filters }>(noArgs, (_args, f) =>
      runVolumeList(cli, { quiet: f.quiet === true, format: f.format ?? '', filters: f.filter ?? {} }),
    );
}

export async function runVolumeList(cli: BerthCli, o: VolumeListOptions): Promise<void> {
  const { Volumes } = await cli.client.volumes.list(o.filters);
  cli.out.write(renderTable(volumeFormat(o.format, o.quiet), volumeRows(Volumes ?? []), VOLUME_HEADERS));
}
