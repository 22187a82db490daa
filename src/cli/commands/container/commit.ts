/**
 * `berth commit` / `berth container commit`: a new image from a container's
 * changes; prints the new image id.
 */
import type { BerthCli } from '../../cli-context.js';
import { InvalidArgumentError } from '../../../errors.js';
import { familiarName, parseNormalizedNamed } from '../../../reference/reference.js';
import { BerthCommand, rangeArgs } from '../command.js';
import { listOption } from '../flags.js';

export interface CommitOptions {
  container: string;
  reference?: string;
  author?: string;
  message?: string;
  changes: string[];
  pause: boolean;
}

export function newCommitCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('commit')
    .use('commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]')
    .description("Create a new image from a container's changes")
    .option('-a, --author <string>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .addOption(listOption('-c, --change <list>', 'Apply Dockerfile instruction to the created image'))
    .option('-m, --message <string>', 'Commit message')
    .option('-p, --pause', 'Pause container during commit (default true)')
    .option('--no-pause', 'Do not pause the container during commit')
    .run<{ author?: string; change?: string[]; message?: string; pause?: boolean }>(rangeArgs(1, 2), (args, f) =>
      runCommit(cli, {
        container: args[0]!,
        reference: args[1],
        author: f.author,
        message: f.message,
        changes: f.change ?? [],
        pause: f.pause !== false,
      }),
    );
}

export async function runCommit(cli: BerthCli, o: CommitOptions): Promise<void> {
  const ref = o.reference !== undefined ? parseNormalizedNamed(o.reference) : undefined;
  if (ref?.digest !== undefined) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
  const res = await cli.client.containers.commit({
    container: o.container,
    repo: ref !== undefined ? familiarName(ref) : undefined,
    tag: ref?.tag,
    author: o.author,
    comment: o.message,
    changes: o.changes,
    pause: o.pause,
  });
  cli.println(res.Id);
}
