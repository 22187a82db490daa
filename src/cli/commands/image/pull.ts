/**
 * `berth pull` / `berth image pull`: fetch an image from a registry,
 * showing the daemon's progress lines.
 */
import { familiarName, formatReference, normalizeReference } from '../../../reference/reference.js';
import type { BerthCli } from '../../cli-context.js';
import { displayJsonMessages } from '../../stream/json-message.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface PullOptions {
  image: string;
  quiet: boolean;
}

export function newPullCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('pull')
    .use('pull [OPTIONS] NAME[:TAG|@DIGEST]')
    .description('Download an image from a registry')
    .option('-q, --quiet', 'Suppress verbose output')
    .run<{ quiet?: boolean }>(exactArgs(1), ([image], f) => runPull(cli, { image: image!, quiet: f.quiet === true }));
}

export async function runPull(cli: BerthCli, o: PullOptions): Promise<void> {
  const ref = normalizeReference(o.image);
  const res = await cli.client.images.pull(familiarName(ref), ref.digest ?? ref.tag);
  await displayJsonMessages(res, o.quiet ? undefined : cli.out);
  cli.println(formatReference(ref));
}
