/**
 * `berth volume create [OPTIONS] [VOLUME]`: make a volume (local driver;
 * `--opt` for its tmpfs/bind types) and print its name. Without a name the
 * daemon makes an anonymous one.
 */
import type { BerthCli } from '../../cli-context.js';
import { InvalidArgumentError } from '../../../errors.js';
import { labelsToMap } from '../container/create-body.js';
import { BerthCommand, rangeArgs } from '../command.js';
import { listOption } from '../flags.js';

export interface VolumeCreateOptions {
  name: string;
  driver: string;
  opts: Record<string, string>;
  labels: string[];
}

interface Flags {
  driver?: string;
  name?: string;
  opt?: string[];
  label?: string[];
}

export function newVolumeCreateCommand(cli: BerthCli): BerthCommand {
  const cmd = new BerthCommand('create')
    .use('create [OPTIONS] [VOLUME]')
    .description('Create a volume')
    .option('-d, --driver <string>', 'Specify volume driver name', 'local')
    .addOption(listOption('--label <list>', 'Set metadata for a volume'))
    .addOption(listOption('-o, --opt <map>', 'Set driver specific options'));
  cmd.option('--name <string>', 'Specify volume name');
  const nameOption = cmd.options.find((o) => o.long === '--name');
  if (nameOption) nameOption.hidden = true;
  return cmd.run<Flags>(rangeArgs(0, 1), (args, f) => {
    if (args.length === 1 && f.name !== undefined && f.name !== '') {
      throw new InvalidArgumentError('conflicting options: cannot specify a volume-name through both --name and as a positional arg');
    }
    return runVolumeCreate(cli, { name: args[0] ?? f.name ?? '', driver: f.driver ?? 'local', opts: optsToMap(f.opt ?? []), labels: f.label ?? [] });
  });
}

/** docker's MapOpts: "k=v" → {k: v}, a bare "k" → {k: ""}. */
export function optsToMap(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    out[eq < 0 ? v : v.slice(0, eq)] = eq < 0 ? '' : v.slice(eq + 1);
  }
  return out;
}

export async function runVolumeCreate(cli: BerthCli, o: VolumeCreateOptions): Promise<void> {
  const labels = labelsToMap(o.labels);
  // As docker's client (omitempty): empty maps are not sent, so the volume reports null for them.
  const vol = await cli.client.volumes.create({
    Name: o.name,
    Driver: o.driver,
    ...(Object.keys(o.opts).length > 0 ? { DriverOpts: o.opts } : {}),
    ...(Object.keys(labels).length > 0 ? { Labels: labels } : {}),
  });
  cli.println(vol.Name);
}
