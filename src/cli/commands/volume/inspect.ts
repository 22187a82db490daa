/** `berth volume inspect`: the daemon's JSON for volumes, or a --format template applied to each. */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, minArgs } from '../command.js';
import { printInspect } from '../inspect-output.js';

export interface VolumeInspectOptions {
  volumes: string[];
  format?: string;
}

export function newVolumeInspectCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('inspect')
    .use('inspect [OPTIONS] VOLUME [VOLUME...]')
    .description('Display detailed information on one or more volumes')
    .option('-f, --format <string>', 'Format output using a custom template')
    .run<{ format?: string }>(minArgs(1), (volumes, f) => runVolumeInspect(cli, { volumes, format: f.format }));
}

export async function runVolumeInspect(cli: BerthCli, o: VolumeInspectOptions): Promise<void> {
  await printInspect(cli, o.volumes, o.format, (name) => cli.client.volumes.inspect(name));
}
