/**
 * `berth compose logs [SERVICE...]`: the output of the project's
 * containers, interleaved line by line behind `service-n  | ` prefixes;
 * -f follows until the containers stop (or Ctrl-C).
 */
import { getTimestamp } from '../../../units/duration.js';
import { listProjectContainers, type ProjectContainer } from '../../../compose/project-containers.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';
import { displayName, LogPrinter } from './log-printer.js';

export interface ComposeLogsFlags {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  color?: boolean;
  logPrefix?: boolean;
}

export function newComposeLogsCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('logs')
    .use('logs [OPTIONS] [SERVICE...]')
    .description('View output from containers')
    .option('-f, --follow', 'Follow log output')
    .option('--no-color', 'Produce monochrome output')
    .option('--no-log-prefix', "Don't print prefix in logs")
    .option('--since <string>', 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)')
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs for each container', 'all')
    .option('-t, --timestamps', 'Show timestamps')
    .option('--until <string>', 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)')
    .run<ComposeLogsFlags>({}, (services, f) => runComposeLogs(c, services, f));
}

/** Streams the given containers' logs through one printer; resolves when every stream has ended. */
export async function printLogs(c: ComposeCli, project: string, containers: readonly ProjectContainer[], f: ComposeLogsFlags): Promise<void> {
  const cli = c.cli;
  const names = containers.map((x) => displayName(project, x.name));
  const printer = new LogPrinter(cli.out, names, { color: f.color !== false && cli.out.isTTY === true, prefix: f.logPrefix !== false });
  const now = new Date();
  await Promise.all(
    containers.map(async (x, i) => {
      const inspect = await cli.client.containers.inspect(x.id);
      const stream = await cli.client.containers.logs(x.id, {
        follow: f.follow === true,
        tail: f.tail ?? 'all',
        timestamps: f.timestamps === true,
        ...(f.since !== undefined ? { since: getTimestamp(f.since, now) } : {}),
        ...(f.until !== undefined ? { until: getTimestamp(f.until, now) } : {}),
      });
      await printer.follow(names[i]!, x.service, inspect.Config.Tty === true, stream);
    }),
  );
}

export async function runComposeLogs(c: ComposeCli, services: string[], f: ComposeLogsFlags): Promise<void> {
  const { name } = c.loadOrName();
  const containers = await listProjectContainers(c.cli.client, name, { all: true, services });
  await printLogs(c, name, containers, f);
}
