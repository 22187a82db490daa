/**
 * `berth network inspect`: the daemon's JSON for networks, or a --format
 * template applied to each (on the Go-typed view docker's templates see).
 * Networks that cannot be found are reported after the others (exit 1).
 */
import type { BerthCli } from '../../cli-context.js';
import { NetworkInspectView } from '../../formatter/network-inspect.js';
import { BerthCommand, minArgs } from '../command.js';
import { printInspect, TypedInspect } from '../inspect-output.js';

export interface NetworkInspectOptions {
  networks: string[];
  format?: string;
  verbose: boolean;
}

export function newNetworkInspectCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('inspect')
    .use('inspect [OPTIONS] NETWORK [NETWORK...]')
    .description('Display detailed information on one or more networks')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('-v, --verbose', 'Verbose output for diagnostics')
    .run<{ format?: string; verbose?: boolean }>(minArgs(1), (networks, f) =>
      runNetworkInspect(cli, { networks, format: f.format, verbose: f.verbose === true }),
    );
}

export async function runNetworkInspect(cli: BerthCli, o: NetworkInspectOptions): Promise<void> {
  await printInspect(cli, o.networks, o.format, async (ref) => {
    const raw = await cli.client.networks.inspect(ref, { verbose: o.verbose });
    return new TypedInspect(new NetworkInspectView(raw), raw);
  });
}
