/**
 * `berth network rm` (alias `remove`): remove networks one by one, printing
 * each name removed; a failure is reported on stderr and the others still go
 * (exit 1 at the end). With -f, networks that do not exist are skipped quietly.
 */
import type { BerthCli } from '../../cli-context.js';
import { StatusError } from '../../cli-errors.js';
import { isDaemonError } from '../../client/daemon-error.js';
import { describeError } from '../../exit-code.js';
import { BerthCommand, minArgs } from '../command.js';

export interface NetworkRmOptions {
  networks: string[];
  force: boolean;
}

export function newNetworkRmCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('rm')
    .use('rm NETWORK [NETWORK...]')
    .description('Remove one or more networks')
    .option('-f, --force', 'Do not error if the network does not exist')
    .run<{ force?: boolean }>(minArgs(1), (networks, f) => runNetworkRm(cli, { networks, force: f.force === true }));
}

export async function runNetworkRm(cli: BerthCli, o: NetworkRmOptions): Promise<void> {
  let failed = false;
  for (const name of o.networks) {
    try {
      await cli.client.networks.remove(name);
    } catch (err) {
      if (o.force && isDaemonError(err, 'not_found')) continue;
      cli.eprintln(describeError(err));
      failed = true;
      continue;
    }
    cli.println(name);
  }
  // docker 27 prints nothing more (docker 28 adds a line "exit status 1").
  if (failed) throw new StatusError(1);
}
