/**
 * `berth rm` / `berth container rm`: remove containers; -f kills running
 * ones first and ignores those that do not exist.
 */
import type { BerthCli } from '../../cli-context.js';
import { InvalidArgumentError } from '../../../errors.js';
import { isDaemonError } from '../../client/daemon-error.js';
import { BerthCommand, minArgs } from '../command.js';
import { forEachContainer } from './parallel.js';

export interface RmOptions {
  containers: string[];
  force: boolean;
  volumes: boolean;
}

export function newRmCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('rm')
    .use('rm [OPTIONS] CONTAINER [CONTAINER...]')
    .description('Remove one or more containers')
    .option('-f, --force', 'Force the removal of a running container (uses SIGKILL)')
    .option('-v, --volumes', 'Remove anonymous volumes associated with the container')
    .run<{ force?: boolean; volumes?: boolean }>(minArgs(1), (containers, flags) =>
      runRm(cli, { containers, force: flags.force === true, volumes: flags.volumes === true }),
    );
}

export async function runRm(cli: BerthCli, opts: RmOptions): Promise<void> {
  await forEachContainer(
    cli,
    opts.containers,
    async (ref) => {
      const name = ref.replace(/^\/+|\/+$/g, '');
      if (name === '') throw new InvalidArgumentError('container name cannot be empty');
      await cli.client.containers.remove(name, { force: opts.force, volumes: opts.volumes });
    },
    { ignore: (err) => opts.force && isDaemonError(err, 'not_found') },
  );
}
