/**
 * `berth restart` / `berth container restart`: stop (with timeout) then start.
 */
import type { BerthCli } from '../../cli-context.js';
import { MultiError } from '../../cli-errors.js';
import { BerthCommand, minArgs } from '../command.js';
import { intOption } from '../flags.js';
import { timeoutFlag } from './stop.js';

export interface RestartOptions {
  containers: string[];
  signal?: string;
  timeout?: number;
}

export function newRestartCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('restart')
    .use('restart [OPTIONS] CONTAINER [CONTAINER...]')
    .description('Restart one or more containers')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .addOption(intOption('-t, --timeout <int>', 'Seconds to wait before killing the container'))
    .addOption(intOption('--time <int>', 'Seconds to wait before killing the container (deprecated: use --timeout)').hideHelp())
    .run<{ signal?: string; timeout?: number; time?: number }>(minArgs(1), (containers, flags) =>
      runRestart(cli, { containers, signal: flags.signal, timeout: timeoutFlag(flags) }),
    );
}

export async function runRestart(cli: BerthCli, opts: RestartOptions): Promise<void> {
  // docker restarts one after another, not in parallel.
  const errors: unknown[] = [];
  for (const ref of opts.containers) {
    try {
      await cli.client.containers.restart(ref, { timeout: opts.timeout, signal: opts.signal });
      cli.println(ref);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new MultiError(errors);
}
