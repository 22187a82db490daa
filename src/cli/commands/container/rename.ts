/**
 * `berth rename` / `berth container rename`: give a container a new name.
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { describeError } from '../../exit-code.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface RenameOptions {
  container: string;
  newName: string;
}

export function newRenameCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('rename')
    .use('rename CONTAINER NEW_NAME')
    .description('Rename a container')
    .run(exactArgs(2), ([container, newName]) => runRename(cli, { container: container!, newName: newName! }));
}

export async function runRename(cli: BerthCli, opts: RenameOptions): Promise<void> {
  const oldName = opts.container.trim();
  const newName = opts.newName.trim();
  if (oldName === '' || newName === '') throw new InvalidArgumentError('Error: Neither old nor new names may be empty');
  try {
    await cli.client.containers.rename(oldName, newName);
  } catch (err) {
    // docker prints the daemon's answer, then its own summary as the error.
    cli.eprintln(describeError(err));
    throw new Error(`Error: failed to rename container named ${oldName}`);
  }
}
