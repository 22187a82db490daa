/** `berth compose images [SERVICE...]`: the images the project's containers run. */
import { listProjectContainers } from '../../../compose/project-containers.js';
import { humanSize } from '../../../units/bytes.js';
import { alignTabs } from '../../formatter/tabwriter.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeImagesCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('images')
    .use('images [OPTIONS] [SERVICE...]')
    .description('List images used by the created containers')
    .option('-q, --quiet', 'Only display IDs')
    .run<{ quiet?: boolean }>({}, async (services, f) => {
      const { name } = c.loadOrName();
      const containers = await listProjectContainers(c.cli.client, name, { all: true, services });
      const rows = ['CONTAINER\tREPOSITORY\tTAG\tIMAGE ID\tSIZE'];
      for (const x of containers) {
        const image = await c.cli.client.images.inspect(x.summary.ImageID);
        if (f.quiet === true) {
          c.cli.println(image.Id);
          continue;
        }
        const ref = x.summary.Image;
        const colon = ref.lastIndexOf(':');
        const [repo, tag] = colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
        const size = typeof image['Size'] === 'number' ? humanSize(image['Size']) : '';
        rows.push([x.name, repo, tag, image.Id.replace(/^sha256:/, '').slice(0, 12), size].join('\t'));
      }
      if (f.quiet !== true) c.cli.out.write(alignTabs(`${rows.join('\n')}\n`));
    });
}
