/**
 * `berth rmi` / `berth image rm`: remove images, printing each
 * "Untagged: …" / "Deleted: …" the daemon reports.
 */
import type { BerthCli } from '../../cli-context.js';
import { MultiError } from '../../cli-errors.js';
import { isDaemonError } from '../../client/daemon-error.js';
import { describeError } from '../../exit-code.js';
import { BerthCommand, minArgs } from '../command.js';

export interface ImageRmOptions {
  images: string[];
  force: boolean;
  noPrune: boolean;
}

export function newImageRmCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('rm')
    .use('rm [OPTIONS] IMAGE [IMAGE...]')
    .description('Remove one or more images')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents')
    .run<{ force?: boolean; prune?: boolean }>(minArgs(1), (images, f) =>
      runImageRm(cli, { images, force: f.force === true, noPrune: f.prune === false }),
    );
}

export async function runImageRm(cli: BerthCli, o: ImageRmOptions): Promise<void> {
  const errors: unknown[] = [];
  let fatal = false;
  for (const image of o.images) {
    try {
      for (const item of await cli.client.images.remove(image, { force: o.force, noPrune: o.noPrune })) {
        if (item.Deleted) cli.println(`Deleted: ${item.Deleted}`);
        else if (item.Untagged) cli.println(`Untagged: ${item.Untagged}`);
      }
    } catch (err) {
      if (!isDaemonError(err, 'not_found')) fatal = true;
      errors.push(err);
    }
  }
  if (errors.length === 0) return;
  // With -f, images that do not exist are reported but do not fail the command.
  if (!o.force || fatal) throw new MultiError(errors);
  cli.eprintln(errors.map(describeError).join('\n'));
}
