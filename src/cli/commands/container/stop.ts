/**
 * `berth stop` / `berth container stop`: stop running containers, SIGTERM
 * (or --signal) then SIGKILL after the timeout.
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, minArgs } from '../command.js';
import { intOption } from '../flags.js';
import { forEachContainer } from './parallel.js';

export interface StopOptions {
  containers: string[];
  signal?: string;
  /** Seconds before SIGKILL; undefined = the container's StopTimeout. */
  timeout?: number;
}

interface StopFlags {
  signal?: string;
  timeout?: number;
  time?: number;
}

/** Reads -t/--timeout and the deprecated --time, which may not both be given. */
export function timeoutFlag(flags: { timeout?: number; time?: number }): number | undefined {
  if (flags.timeout !== undefined && flags.time !== undefined) {
    throw new InvalidArgumentError('conflicting options: cannot specify both --timeout and --time');
  }
  return flags.timeout ?? flags.time;
}

export function newStopCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('stop')
    .use('stop [OPTIONS] CONTAINER [CONTAINER...]')
    .description('Stop one or more running containers')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .addOption(intOption('-t, --timeout <int>', 'Seconds to wait before killing the container'))
    .addOption(intOption('--time <int>', 'Seconds to wait before killing the container (deprecated: use --timeout)').hideHelp())
    .run<StopFlags>(minArgs(1), (containers, flags) =>
      runStop(cli, { containers, signal: flags.signal, timeout: timeoutFlag(flags) }),
    );
}

export async function runStop(cli: BerthCli, opts: StopOptions): Promise<void> {
  await forEachContainer(cli, opts.containers, (ref) =>
    cli.client.containers.stop(ref, { timeout: opts.timeout, signal: opts.signal }),
  );
}

