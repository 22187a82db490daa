/**
 * `berth compose ps [SERVICE...]`: the project's containers as a table
 * (NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS), IDs with -q, service
 * names with --services, or any --format template (`json` too).
 */
import { listProjectContainers } from '../../../compose/project-containers.js';
import { LABEL } from '../../../compose/labels.js';
import type { ContainerSummary } from '../../client/types.js';
import { CONTAINER_HEADERS, ContainerContext } from '../../formatter/container.js';
import { renderTable } from '../../formatter/table.js';
import { BerthCommand } from '../command.js';
import { listOption } from '../flags.js';
import type { ComposeCli } from './compose-cli.js';

export const COMPOSE_PS_FORMAT = 'table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}';
const HEADERS: Readonly<Record<string, string>> = { ...CONTAINER_HEADERS, Name: 'NAME', Service: 'SERVICE', Project: 'PROJECT' };

/** A `ps` row: docker's container fields plus compose's Name, Service and Project. */
class ComposeContainerContext extends ContainerContext {
  readonly #c: ContainerSummary;

  constructor(c: ContainerSummary) {
    super(c, true);
    this.#c = c;
  }

  get Name(): string {
    return (this.#c.Names[0] ?? '').replace(/^\//, '');
  }

  get Service(): string {
    return this.#c.Labels?.[LABEL.service] ?? '';
  }

  get Project(): string {
    return this.#c.Labels?.[LABEL.project] ?? '';
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), Name: this.Name, Service: this.Service, Project: this.Project };
  }
}

export interface ComposePsFlags {
  all?: boolean;
  quiet?: boolean;
  services?: boolean;
  format?: string;
  status?: string[];
}

export function newComposePsCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('ps')
    .use('ps [OPTIONS] [SERVICE...]')
    .description('List containers')
    .option('-a, --all', 'Show all stopped containers (including those created by the run command)')
    .option('--format <string>', 'Format output using a custom template: \'table\', \'table TEMPLATE\', \'json\', \'TEMPLATE\'', 'table')
    .option('-q, --quiet', 'Only display IDs')
    .option('--services', 'Display services')
    .addOption(listOption('--status <stringArray>', 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]'))
    .run<ComposePsFlags>({}, (services, f) => runComposePs(c, services, f));
}

export async function runComposePs(c: ComposeCli, services: string[], f: ComposePsFlags): Promise<void> {
  const { name } = c.loadOrName();
  let containers = await listProjectContainers(c.cli.client, name, { all: f.all === true || (f.status ?? []).length > 0, services, oneoff: f.all === true });
  if ((f.status ?? []).length > 0) containers = containers.filter((x) => f.status!.includes(x.state));
  if (f.services === true) {
    for (const s of new Set(containers.map((x) => x.service))) c.cli.println(s);
    return;
  }
  if (f.quiet === true) {
    for (const x of containers) c.cli.println(x.id);
    return;
  }
  const format = f.format === undefined || f.format === 'table' ? COMPOSE_PS_FORMAT : f.format;
  c.cli.out.write(renderTable(format, containers.map((x) => new ComposeContainerContext(x.summary)), HEADERS));
}
