/** `berth compose start [SERVICE...]`: start the services' existing containers, dependencies first. */
import { startServices } from '../../../compose/service-ops.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeStartCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('start')
    .use('start [SERVICE...]')
    .description('Start services')
    .run<Record<string, never>>({}, (services) => startServices(c.backend(), c.load(services), services));
}
