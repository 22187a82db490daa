/**
 * `berth logs` / `berth container logs`: a container's output; stdout frames
 * to stdout and stderr frames to stderr (a tty container has one raw stream).
 */
import { InvalidArgumentError } from '../../../errors.js';
import { getTimestamp } from '../../../units/duration.js';
import type { BerthCli } from '../../cli-context.js';
import { copyStream, demuxStream } from '../../stream/stdcopy.js';
import { BerthCommand, exactArgs } from '../command.js';

export interface LogsOptions {
  container: string;
  follow: boolean;
  since?: string;
  until?: string;
  timestamps: boolean;
  tail: string;
}

interface LogsFlags {
  follow?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  tail?: string;
  details?: boolean;
}

export function newLogsCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('logs')
    .use('logs [OPTIONS] CONTAINER')
    .description('Fetch the logs of a container')
    .option('--details', 'Show extra details provided to logs')
    .option('-f, --follow', 'Follow log output')
    .option('--since <string>', 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)')
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs', 'all')
    .option('-t, --timestamps', 'Show timestamps')
    .option('--until <string>', 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)')
    .run<LogsFlags>(exactArgs(1), ([container], f) =>
      runLogs(cli, {
        container: container!,
        follow: f.follow === true,
        since: f.since,
        until: f.until,
        timestamps: f.timestamps === true,
        tail: f.tail ?? 'all',
      }),
    );
}

export async function runLogs(cli: BerthCli, o: LogsOptions): Promise<void> {
  const c = await cli.client.containers.inspect(o.container);
  // Relative values ("10m") are resolved here, against the client's clock, as docker does.
  const now = new Date();
  const res = await cli.client.containers.logs(c.Id, {
    follow: o.follow,
    since: timestampFlag('since', o.since, now),
    until: timestampFlag('until', o.until, now),
    timestamps: o.timestamps,
    tail: o.tail,
  });
  if (c.Config.Tty === true) await copyStream(res, cli.out);
  else await demuxStream(res, cli.out, cli.err);
}

/** The API form of --since/--until; a bad value fails as docker's client does. */
function timestampFlag(name: 'since' | 'until', value: string | undefined, now: Date): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return getTimestamp(value, now);
  } catch (err) {
    throw new InvalidArgumentError(`invalid value for "${name}": ${(err as Error).message}`, { cause: err });
  }
}
