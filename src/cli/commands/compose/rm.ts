/**
 * `berth compose rm [SERVICE...]`: remove the services' stopped containers
 * (-s stops running ones first). Berth does not ask for confirmation: -f is
 * accepted for compatibility.
 */
import { removeServices } from '../../../compose/service-ops.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeRmCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('rm')
    .use('rm [OPTIONS] [SERVICE...]')
    .description('Removes stopped service containers')
    .option('-f, --force', "Don't ask to confirm removal")
    .option('-s, --stop', 'Stop the containers, if required, before removing')
    .option('-v, --volumes', 'Remove any anonymous volumes attached to containers')
    .run<{ stop?: boolean; volumes?: boolean }>({}, async (services, f) => {
      const removed = await removeServices(c.backend(), c.load(services), services, { stop: f.stop === true, volumes: f.volumes === true });
      if (removed.length === 0) c.cli.eprintln('No stopped containers');
    });
}
