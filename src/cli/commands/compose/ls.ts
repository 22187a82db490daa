/** `berth compose ls`: the projects on the engine, found by their containers' labels. */
import { listProjects } from '../../../compose/project-containers.js';
import { LABEL } from '../../../compose/labels.js';
import { alignTabs } from '../../formatter/tabwriter.js';
import { BerthCommand, noArgs } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeLsCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('ls')
    .use('ls [OPTIONS]')
    .description('List running compose projects')
    .option('-a, --all', 'Show all stopped Compose projects')
    .option('--format <string>', 'Format the output. Values: [table | json]', 'table')
    .option('-q, --quiet', 'Only display project names')
    .run<{ all?: boolean; quiet?: boolean; format?: string }>(noArgs, async (_args, f) => {
      const projects = await listProjects(c.cli.client, f.all === true);
      const rows = [...projects.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, containers]) => {
        const counts = new Map<string, number>();
        for (const x of containers) counts.set(x.state, (counts.get(x.state) ?? 0) + 1);
        const status = [...counts.entries()].map(([s, n]) => `${s}(${n})`).join(', ');
        const files = containers[0]?.summary.Labels?.[LABEL.configFiles] ?? '';
        return { Name: name, Status: status, ConfigFiles: files };
      });
      if (f.quiet === true) {
        for (const r of rows) c.cli.println(r.Name);
      } else if (f.format === 'json') {
        c.cli.println(JSON.stringify(rows));
      } else {
        c.cli.out.write(alignTabs(`${['NAME\tSTATUS\tCONFIG FILES', ...rows.map((r) => `${r.Name}\t${r.Status}\t${r.ConfigFiles}`)].join('\n')}\n`));
      }
    });
}
