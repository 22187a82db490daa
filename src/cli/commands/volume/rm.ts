/**
 * `berth volume rm` (alias `remove`): remove volumes one by one, printing
 * each name removed; failures (in use, unknown) are reported together, exit 1.
 * -f only forgives a volume that does not exist.
 */
import type { BerthCli } from '../../cli-context.js';
import { MultiError } from '../../cli-errors.js';
import { BerthCommand, minArgs } from '../command.js';

export interface VolumeRmOptions {
  volumes: string[];
  force: boolean;
}

export function newVolumeRmCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('rm')
    .use('rm [OPTIONS] VOLUME [VOLUME...]')
    .description('Remove one or more volumes')
    .option('-f, --force', 'Force the removal of one or more volumes')
    .run<{ force?: boolean }>(minArgs(1), (volumes, f) => runVolumeRm(cli, { volumes, force: f.force === true }));
}

export async function runVolumeRm(cli: BerthCli, o: VolumeRmOptions): Promise<void> {
  const errors: unknown[] = [];
  for (const name of o.volumes) {
    try {
      await cli.client.volumes.remove(name, { force: o.force });
      cli.println(name);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultiError(errors);
}
