/**
 * `berth export` / `berth container export`: the container's filesystem as a
 * tar, to a file (-o) or stdout (never to a terminal).
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface ExportOptions {
  container: string;
  output?: string;
}

export function newExportCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('export')
    .use('export [OPTIONS] CONTAINER')
    .description("Export a container's filesystem as a tar archive")
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .run<{ output?: string }>(exactArgs(1), ([container], f) => runExport(cli, { container: container!, output: f.output }));
}

export async function runExport(cli: BerthCli, o: ExportOptions): Promise<void> {
  if (o.output === undefined && cli.out.isTTY === true) {
    throw new InvalidArgumentError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  }
  const res = await cli.client.containers.export(o.container);
  if (o.output === undefined) {
    await pipeline(res, cli.out, { end: false });
    return;
  }
  try {
    await pipeline(res, createWriteStream(o.output, { mode: 0o600 }));
  } catch (err) {
    throw new Error(`failed to export container: ${(err as Error).message}`, { cause: err });
  }
}
