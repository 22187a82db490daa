/**
 * `berth save` / `berth image save`: images as one tar (docker's archive
 * format), to a file (-o) or stdout, never to a terminal.
 */
import { createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, minArgs } from '../command.js';

export interface SaveOptions {
  images: string[];
  output?: string;
}

export function newSaveCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('save')
    .use('save [OPTIONS] IMAGE [IMAGE...]')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .run<{ output?: string }>(minArgs(1), (images, f) => runSave(cli, { images, output: f.output }));
}

export async function runSave(cli: BerthCli, o: SaveOptions): Promise<void> {
  if (o.output === undefined && cli.out.isTTY === true) {
    throw new InvalidArgumentError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  }
  const res = await cli.client.images.save(o.images);
  if (o.output === undefined) {
    await pipeline(res, cli.out, { end: false });
    return;
  }
  // Like docker's atomic writer: a failed save leaves no half-written file behind.
  const tmp = `${o.output}.berth-tmp-${process.pid}`;
  try {
    await pipeline(res, createWriteStream(tmp, { mode: 0o600 }));
    await fsp.rename(tmp, o.output);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw new Error(`failed to save image: ${(err as Error).message}`, { cause: err });
  }
}
