/**
 * `berth stats` / `berth container stats`: a live table of containers'
 * resource use (docker/cli container/stats.go).
 *
 * With names, those containers, and an unknown one is an error (exit 1)
 * once every row has its first record. Without names, the running containers
 * (all with -a), re-listed every redraw so containers that start appear and
 * those that stop (without -a) go; docker follows container events for this,
 * the outcome on screen is the same.
 *
 * Streaming redraws every 500 ms from the top-left corner with docker's
 * escape sequences (cursor home, erase to end of line, erase below), so the
 * table updates in place on a terminal. --no-stream prints the table once.
 */
import type { BerthCli } from '../../cli-context.js';
import { MultiError } from '../../cli-errors.js';
import { StatsContext, STATS_HEADERS, statsFormat } from '../../formatter/stats.js';
import { renderTable } from '../../formatter/table.js';
import { BerthCommand } from '../command.js';
import { StatsWatch } from './stats-watch.js';

export interface StatsOptions {
  /** Names or IDs; empty: every running container (all with `all`). */
  containers: string[];
  all: boolean;
  noStream: boolean;
  noTrunc: boolean;
  format: string;
}

interface StatsFlags {
  all?: boolean;
  stream?: boolean;
  trunc?: boolean;
  format?: string;
}

const REDRAW_MS = 500;

export function newStatsCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('stats')
    .use('stats [OPTIONS] [CONTAINER...]')
    .description("Display a live stream of container(s) resource usage statistics")
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-stream', 'Disable streaming stats and only pull the first result')
    .option('--no-trunc', 'Do not truncate output')
    .run<StatsFlags>({}, (containers, f) =>
      runStats(cli, {
        containers,
        all: f.all === true,
        noStream: f.stream === false,
        noTrunc: f.trunc === false,
        format: f.format ?? '',
      }),
    );
}

/** A frame drawn over the last one: home, each line erased to its end, then everything below erased. */
export function redrawFrame(table: string): string {
  return `\x1b[H${table.split('\n').map((line) => `${line}\x1b[K\n`).join('')}\x1b[J`;
}

/**
 * Runs until --no-stream has printed, or until `signal` aborts (tests; a
 * user stops it with Ctrl-C).
 */
export async function runStats(cli: BerthCli, o: StatsOptions, signal?: AbortSignal): Promise<void> {
  const api = cli.client.containers;
  const showAll = o.containers.length === 0;
  const watches = new Map<string, StatsWatch>();
  const watch = (ref: string): void => {
    if (watches.has(ref)) return;
    const w = new StatsWatch(api, ref, !o.noStream);
    watches.set(ref, w);
    w.start();
  };
  const relist = async (): Promise<void> => {
    const listed = await api.list({ all: o.all });
    const ids = new Set(listed.map((c) => c.Id));
    for (const c of listed) watch(c.Id);
    for (const [ref, w] of watches) {
      if (!ids.has(ref)) {
        w.close();
        watches.delete(ref);
      }
    }
  };

  try {
    if (showAll) await relist();
    else for (const ref of o.containers) watch(ref);
    await Promise.all([...watches.values()].map((w) => w.first));
    if (!showAll) {
      const errors = [...watches.values()].filter((w) => w.error !== undefined).map((w) => w.error);
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new MultiError(errors);
    }

    const format = statsFormat(o.format);
    const table = () => renderTable(format, [...watches.values()].map((w) => new StatsContext(w.entry, !o.noTrunc)), STATS_HEADERS);
    if (o.noStream) {
      cli.out.write(table());
      return;
    }
    while (!signal?.aborted) {
      cli.out.write(redrawFrame(table()));
      await sleep(REDRAW_MS, signal);
      if (showAll && !signal?.aborted) await relist();
    }
  } finally {
    for (const w of watches.values()) w.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
