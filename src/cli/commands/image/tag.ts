/**
 * `berth tag` / `berth image tag`: give an image another name.
 */
import { InvalidArgumentError } from '../../../errors.js';
import { familiarName, isDigest, isFullId, parseNormalizedNamed, type Reference } from '../../../reference/reference.js';
import { quote } from '../../../units/go-strconv.js';
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

/** The docker client's ImageTag: both names are checked before the daemon is asked. */
export async function runTag(cli: BerthCli, o: TagOptions): Promise<void> {
  // The source may also be an ID or a digest (distribution's ParseAnyReference).
  if (!isFullId(o.source) && !isDigest(o.source)) parseOrExplain(o.source);
  const ref = parseOrExplain(o.target);
  if (ref.digest !== undefined) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
  await cli.client.images.tag(o.source, familiarName(ref), ref.tag ?? 'latest');
}

function parseOrExplain(s: string): Reference {
  try {
    return parseNormalizedNamed(s);
  } catch (err) {
    throw new InvalidArgumentError(`Error parsing reference: ${quote(s)} is not a valid repository/tag: ${(err as Error).message}`, { cause: err });
  }
}
