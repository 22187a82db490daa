/** `berth compose pause|unpause [SERVICE...]`: freeze or thaw the services' running containers. */
import { pauseServices, unpauseServices } from '../../../compose/service-ops.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposePauseCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('pause')
    .use('pause [SERVICE...]')
    .description('Pause services')
    .run<Record<string, never>>({}, (services) => pauseServices(c.backend(), c.load(services), services));
}

export function newComposeUnpauseCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('unpause')
    .use('unpause [SERVICE...]')
    .description('Unpause services')
    .run<Record<string, never>>({}, (services) => unpauseServices(c.backend(), c.load(services), services));
}
