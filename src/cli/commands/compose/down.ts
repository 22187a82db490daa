/**
 * `berth compose down`: stop and remove the project's containers and
 * networks; -v its volumes too, --rmi its images. Without a compose file,
 * `-p NAME` is enough (the project is found by its labels).
 */
import { FlagError } from '../../cli-errors.js';
import { down } from '../../../compose/down.js';
import { BerthCommand, noArgs } from '../command.js';
import { intOption } from '../flags.js';
import type { ComposeCli } from './compose-cli.js';

export interface ComposeDownFlags {
  volumes?: boolean;
  rmi?: string;
  removeOrphans?: boolean;
  timeout?: number;
}

export function newComposeDownCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('down')
    .use('down [OPTIONS]')
    .description('Stop and remove containers, networks')
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('--rmi <string>', 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")')
    .addOption(intOption('-t, --timeout <int>', 'Specify a shutdown timeout in seconds'))
    .option('-v, --volumes', 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers')
    .run<ComposeDownFlags>(noArgs, (_args, f) => runComposeDown(c, f));
}

export async function runComposeDown(c: ComposeCli, f: ComposeDownFlags): Promise<void> {
  if (f.rmi !== undefined && f.rmi !== 'local' && f.rmi !== 'all') throw new FlagError(`invalid --rmi option "${f.rmi}": use "local" or "all"`);
  const { name, project } = c.loadOrName();
  await down(c.backend(), name, project, {
    removeOrphans: f.removeOrphans === true,
    volumes: f.volumes === true,
    ...(f.rmi !== undefined ? { rmi: f.rmi as 'local' | 'all' } : {}),
    ...(f.timeout !== undefined ? { timeout: f.timeout } : {}),
  });
}
