/** `berth compose top [SERVICE...]`: the processes of each running container of the project. */
import { listProjectContainers } from '../../../compose/project-containers.js';
import { alignTabs } from '../../formatter/tabwriter.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeTopCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('top')
    .use('top [SERVICES...]')
    .description('Display the running processes')
    .run<Record<string, never>>({}, async (services) => {
      const { name } = c.loadOrName();
      const containers = await listProjectContainers(c.cli.client, name, { services });
      for (const x of containers) {
        const top = await c.cli.client.containers.top(x.id);
        const rows = [top.Titles, ...top.Processes].map((r) => r.join('\t')).join('\n');
        c.cli.println(x.name);
        c.cli.out.write(`${alignTabs(`${rows}\n`)}\n`);
      }
    });
}
