/**
 * `berth tag` / `berth image tag`: give an image another name.
 */
import { InvalidArgumentError } from '../../../errors.js';
import { familiarName, parseNormalizedNamed } from '../../../reference/reference.js';
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface TagOptions {
  source: string;
  target: string;
}

export function newTagCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('tag')
    .use('tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .run(exactArgs(2), ([source, target]) => runTag(cli, { source: source!, target: target! }));
}

export async function runTag(cli: BerthCli, o: TagOptions): Promise<void> {
  const ref = parseNormalizedNamed(o.target);
  if (ref.digest !== undefined) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
  await cli.client.images.tag(o.source, familiarName(ref), ref.tag ?? 'latest');
}
