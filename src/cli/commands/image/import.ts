/**
 * `berth import` / `berth image import`: a root filesystem tarball (file or
 * "-" for stdin) becomes a one-layer image; prints the new image id.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../../errors.js';
import { familiarName, parseNormalizedNamed } from '../../../reference/reference.js';
import type { BerthCli } from '../../cli-context.js';
import { displayJsonMessages } from '../../stream/json-message.js';
import { BerthCommand, rangeArgs } from '../command.js';
import { listOption } from '../flags.js';

export interface ImportOptions {
  source: string;
  reference?: string;
  changes: string[];
  message?: string;
}

export function newImportCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('import')
    .use('import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]')
    .description('Import the contents from a tarball to create a filesystem image')
    .addOption(listOption('-c, --change <list>', 'Apply Dockerfile instruction to the created image'))
    .option('-m, --message <string>', 'Set commit message for imported image')
    .run<{ change?: string[]; message?: string }>(rangeArgs(1, 2), ([source, reference], f) =>
      runImport(cli, { source: source!, reference, changes: f.change ?? [], message: f.message }),
    );
}

export async function runImport(cli: BerthCli, o: ImportOptions): Promise<void> {
  if (/^[a-z]+:\/\//i.test(o.source)) throw new InvalidArgumentError('importing from a URL is not supported by Berth');
  let input: Readable;
  if (o.source === '-') {
    input = cli.in;
  } else {
    await fsp.access(o.source);
    input = createReadStream(o.source);
  }
  const ref = o.reference !== undefined ? parseNormalizedNamed(o.reference) : undefined;
  if (ref?.digest !== undefined) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
  const res = await cli.client.images.import(input, {
    repo: ref !== undefined ? familiarName(ref) : undefined,
    tag: ref?.tag,
    message: o.message,
    changes: o.changes,
  });
  // The daemon answers {"status":"sha256:…"}; docker prints that status line.
  await displayJsonMessages(res, cli.out);
}
