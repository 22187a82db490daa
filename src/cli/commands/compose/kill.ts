/** `berth compose kill [SERVICE...]`: send a signal (default SIGKILL) to the services' containers. */
import { killServices } from '../../../compose/service-ops.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeKillCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('kill')
    .use('kill [OPTIONS] [SERVICE...]')
    .description('Force stop service containers')
    .option('-s, --signal <string>', 'SIGNAL to send to the container', 'SIGKILL')
    .run<{ signal?: string }>({}, (services, f) => killServices(c.backend(), c.load(services), services, f.signal));
}
