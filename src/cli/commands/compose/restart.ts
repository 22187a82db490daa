/** `berth compose restart [SERVICE...]`: restart the services' containers (nothing is recreated). */
import { restartServices } from '../../../compose/service-ops.js';
import { BerthCommand } from '../command.js';
import { intOption } from '../flags.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeRestartCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('restart')
    .use('restart [OPTIONS] [SERVICE...]')
    .description('Restart service containers')
    .addOption(intOption('-t, --timeout <int>', 'Specify a shutdown timeout in seconds'))
    .run<{ timeout?: number }>({}, (services, f) => restartServices(c.backend(), c.load(services), services, f.timeout));
}
