/**
 * `berth load` / `berth image load`: images from a tar (file or stdin);
 * prints the daemon's "Loaded image: …" lines.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { displayJsonMessages } from '../../stream/json-message.js';
import { BerthCommand, noArgs } from '../command.js';

export interface LoadOptions {
  input?: string;
  quiet: boolean;
}

export function newLoadCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('load')
    .use('load [OPTIONS]')
    .description('Load an image from a tar archive or STDIN')
    .option('-i, --input <string>', 'Read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'Suppress the load output')
    .run<{ input?: string; quiet?: boolean }>(noArgs, (_args, f) => runLoad(cli, { input: f.input, quiet: f.quiet === true }));
}

export async function runLoad(cli: BerthCli, o: LoadOptions): Promise<void> {
  let input: Readable;
  if (o.input === undefined) {
    if (cli.in.isTTY === true) throw new InvalidArgumentError('requested load from stdin, but stdin is empty');
    input = cli.in;
  } else {
    await fsp.access(o.input); // "no such file" before any request is made
    input = createReadStream(o.input);
  }
  // docker asks for quiet output when it is not writing to a terminal (no progress bars).
  const res = await cli.client.images.load(input, { quiet: o.quiet || cli.out.isTTY !== true });
  await displayJsonMessages(res, cli.out);
}
