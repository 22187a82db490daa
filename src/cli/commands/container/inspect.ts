/**
 * `berth container inspect`: the daemon's JSON for containers, or a
 * --format template applied to each.
 */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, minArgs } from '../command.js';
import { printInspect } from '../inspect-output.js';

export interface InspectOptions {
  containers: string[];
  format?: string;
  size: boolean;
}

export function newInspectCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('inspect')
    .use('inspect [OPTIONS] CONTAINER [CONTAINER...]')
    .description('Display detailed information on one or more containers')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('-s, --size', 'Display total file sizes')
    .run<{ format?: string; size?: boolean }>(minArgs(1), (containers, f) =>
      runInspect(cli, { containers, format: f.format, size: f.size === true }),
    );
}

export async function runInspect(cli: BerthCli, o: InspectOptions): Promise<void> {
  await printInspect(cli, o.containers, o.format, (ref) => cli.client.containers.inspect(ref, { size: o.size }));
}
