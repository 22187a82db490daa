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
  await printInspect(cli, o.containers, o.format, async (ref) => {
    const c = await cli.client.containers.inspect(ref, { size: o.size });
    return o.format ? withNilHealth(c) : c;
  });
}

/**
 * The API leaves State.Health out for a container without a healthcheck; the
 * docker CLI decodes into a struct where it is a nil pointer, so
 * `{{json .State.Health}}` prints null there. Templates here see the same.
 */
export function withNilHealth<T>(c: T): T {
  const state = (c as { State?: Record<string, unknown> }).State;
  if (state && typeof state === 'object' && !('Health' in state)) state.Health = null;
  return c;
}
