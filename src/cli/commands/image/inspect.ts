/**
 * `berth image inspect`: the daemon's JSON for images, or a --format
 * template applied to each (on the Go-typed view docker's templates see).
 */
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand, minArgs } from '../command.js';
import { ImageInspectView } from '../../formatter/image-inspect.js';
import { printInspect, TypedInspect } from '../inspect-output.js';

export interface ImageInspectOptions {
  images: string[];
  format?: string;
}

export function newImageInspectCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('inspect')
    .use('inspect [OPTIONS] IMAGE [IMAGE...]')
    .description('Display detailed information on one or more images')
    .option('-f, --format <string>', 'Format output using a custom template')
    .run<{ format?: string }>(minArgs(1), (images, f) => runImageInspect(cli, { images, format: f.format }));
}

export async function runImageInspect(cli: BerthCli, o: ImageInspectOptions): Promise<void> {
  await printInspect(cli, o.images, o.format, async (ref) => {
    const raw = await cli.client.images.inspect(ref);
    return new TypedInspect(new ImageInspectView(raw), raw);
  });
}
