/**
 * `berth diff` / `berth container diff`: files changed in the container's
 * filesystem since it was created ("C /etc", "A /tmp/x", "D /run/y").
 */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface DiffOptions {
  container: string;
}

const KIND = ['C', 'A', 'D'] as const;

export function newDiffCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('diff')
    .use('diff CONTAINER')
    .description("Inspect changes to files or directories on a container's filesystem")
    .run(exactArgs(1), ([container]) => runDiff(cli, { container: container! }));
}

export async function runDiff(cli: BerthCli, o: DiffOptions): Promise<void> {
  for (const change of await cli.client.containers.changes(o.container)) {
    cli.println(`${KIND[change.Kind] ?? '?'} ${change.Path}`);
  }
}
