/**
 * `berth events` / `berth system events`: the engine's events, replayed
 * from --since and followed live — until --until, or until interrupted.
 * Relative and RFC 3339 times are turned into the API's form here, against
 * the client's clock, as docker's client does (GetTimestamp).
 */
import { getTimestamp } from '../../../units/timestamp.js';
import type { BerthCli } from '../../cli-context.js';
import type { Filters } from '../../client/types.js';
import { eventTemplate, formatEvent } from '../../formatter/event.js';
import { BerthCommand, noArgs } from '../command.js';
import { filterOption } from '../flags.js';

export interface EventsOptions {
  since?: string;
  until?: string;
  filters: Filters;
  format: string;
}

interface EventsFlags {
  since?: string;
  until?: string;
  filter?: Filters;
  format?: string;
}

export function newEventsCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('events')
    .use('events [OPTIONS]')
    .description('Get real time events from the server')
    .addOption(filterOption('-f, --filter <filter>', 'Filter output based on conditions provided'))
    .option('--format <string>', 'Format output using a custom template:\n\'json\':             Print in JSON format\n\'TEMPLATE\':         Print output using the given Go template.')
    .option('--since <string>', 'Show all events created since timestamp')
    .option('--until <string>', 'Stream events until this timestamp')
    .run<EventsFlags>(noArgs, (_args, f) =>
      runEvents(cli, { since: f.since, until: f.until, filters: f.filter ?? {}, format: f.format ?? '' }),
    );
}

export async function runEvents(cli: BerthCli, o: EventsOptions): Promise<void> {
  // The template is checked before anything is asked of the daemon (docker: exit 64).
  const tmpl = eventTemplate(o.format);
  const now = new Date();
  const stream = await cli.client.system.events({
    since: o.since ? getTimestamp(o.since, now) : undefined,
    until: o.until ? getTimestamp(o.until, now) : undefined,
    filters: o.filters,
  });
  for await (const event of stream) cli.out.write(formatEvent(event, tmpl));
}
