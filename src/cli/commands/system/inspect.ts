/**
 * Top-level `berth inspect`: each name is tried as a container, then as an
 * image (or only as --type says), as docker's system/inspect.go does.
 */
import { withNilHealth } from '../container/inspect.js';
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { isDaemonError } from '../../client/daemon-error.js';
import { BerthCommand, minArgs } from '../command.js';
import { ImageInspectView } from '../../formatter/image-inspect.js';
import { printInspect, TypedInspect } from '../inspect-output.js';

const TYPES = ['container', 'image'] as const;
type ObjectType = (typeof TYPES)[number];

export interface InspectOptions {
  refs: string[];
  format?: string;
  type?: string;
  size: boolean;
}

export function newSystemInspectCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('inspect')
    .use('inspect [OPTIONS] NAME|ID [NAME|ID...]')
    .description('Return low-level information on Berth objects')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('-s, --size', 'Display total file sizes if the type is container')
    .option('--type <string>', 'Only inspect objects of the given type')
    .run<{ format?: string; size?: boolean; type?: string }>(minArgs(1), (refs, f) =>
      runSystemInspect(cli, { refs, format: f.format, type: f.type, size: f.size === true }),
    );
}

export async function runSystemInspect(cli: BerthCli, o: InspectOptions): Promise<void> {
  if (o.type !== undefined && !(TYPES as readonly string[]).includes(o.type)) {
    throw new InvalidArgumentError(`unknown type: "${o.type}": must be one of "${TYPES.join('", "')}"`);
  }
  const order: readonly ObjectType[] = o.type !== undefined ? [o.type as ObjectType] : TYPES;
  await printInspect(cli, o.refs, o.format, async (ref) => {
    for (const type of order) {
      try {
        if (type === 'container') {
          const c = await cli.client.containers.inspect(ref, { size: o.size });
          return o.format ? withNilHealth(c) : c;
        }
        const image = await cli.client.images.inspect(ref);
        if (o.size) cli.eprintln('WARNING: --size ignored for image');
        return new TypedInspect(new ImageInspectView(image), image);
      } catch (err) {
        const skippable = isDaemonError(err, 'not_found') || (err instanceof Error && /not supported|invalid reference format/.test(err.message));
        if (o.type !== undefined || !skippable) throw err;
      }
    }
    throw new Error(`Error: No such object: ${ref}`); // docker's wording, "Error: " included
  });
}
