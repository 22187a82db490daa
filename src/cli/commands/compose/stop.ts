/** `berth compose stop [SERVICE...]`: stop the services' containers, dependents first. */
import { stopServices } from '../../../compose/service-ops.js';
import { BerthCommand } from '../command.js';
import { intOption } from '../flags.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeStopCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('stop')
    .use('stop [OPTIONS] [SERVICE...]')
    .description('Stop services')
    .addOption(intOption('-t, --timeout <int>', 'Specify a shutdown timeout in seconds'))
    .run<{ timeout?: number }>({}, (services, f) => stopServices(c.backend(), c.load(services), services, f.timeout));
}
