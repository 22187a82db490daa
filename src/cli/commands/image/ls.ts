/**
 * `berth image ls` (alias `list`; top-level `berth images`): list images as a
 * table, ids, or any --format template; an optional REPOSITORY[:TAG]
 * becomes a reference filter.
 */
import type { BerthCli } from '../../cli-context.js';
import type { Filters } from '../../client/types.js';
import { IMAGE_HEADERS, imageFormat, imageRows } from '../../formatter/image.js';
import { renderTable } from '../../formatter/table.js';
import { BerthCommand, rangeArgs } from '../command.js';
import { filterOption } from '../flags.js';

export interface ImageListOptions {
  match?: string;
  all: boolean;
  quiet: boolean;
  digests: boolean;
  noTrunc: boolean;
  format: string;
  filters: Filters;
}

interface Flags {
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  trunc?: boolean;
  format?: string;
  filter?: Filters;
}

export function newImageListCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('ls')
    .use('ls [OPTIONS] [REPOSITORY[:TAG]]')
    .description('List images')
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('--digests', 'Show digests')
    .addOption(filterOption())
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .run<Flags>(rangeArgs(0, 1), (args, f) =>
      runImageList(cli, {
        match: args[0],
        all: f.all === true,
        quiet: f.quiet === true,
        digests: f.digests === true,
        noTrunc: f.trunc === false,
        format: f.format ?? '',
        filters: f.filter ?? {},
      }),
    );
}

export async function runImageList(cli: BerthCli, o: ImageListOptions): Promise<void> {
  const filters: Filters = { ...o.filters };
  if (o.match !== undefined) filters['reference'] = [...(filters['reference'] ?? []), o.match];
  const images = await cli.client.images.list({ all: o.all, filters });
  const format = imageFormat(o.format, o.quiet, o.digests);
  const rows = imageRows(images, {
    trunc: !o.noTrunc,
    digest: o.digests,
    formatNeedsDigest: format.includes('{{.Digest}}'),
  });
  cli.out.write(renderTable(format, rows, IMAGE_HEADERS));
}
