/** `berth network disconnect`: take a container off a network (-f: even if the daemon would refuse). */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, exactArgs } from '../command.js';

export function newNetworkDisconnectCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('disconnect')
    .use('disconnect [OPTIONS] NETWORK CONTAINER')
    .description('Disconnect a container from a network')
    .option('-f, --force', 'Force the container to disconnect from a network')
    .run<{ force?: boolean }>(exactArgs(2), async ([network, container], f) => {
      await cli.client.networks.disconnect(network!, container!, f.force === true);
    });
}
