/**
 * `berth compose up [SERVICE...]`: create and start the project's
 * containers, changing only what differs from the files (see
 * src/compose/converge.ts). With -d it returns once everything is started
 * (with --wait, once it is running and healthy); without, it then follows
 * every container's output behind a coloured `service-n  | ` prefix until
 * they all stop, and Ctrl-C stops them.
 */
import { FlagError } from '../../cli-errors.js';
import { up, type UpOptions } from '../../../compose/converge.js';
import { listProjectContainers } from '../../../compose/project-containers.js';
import { stopServices } from '../../../compose/service-ops.js';
import { BerthCommand } from '../command.js';
import { intOption, listOption } from '../flags.js';
import type { ComposeCli } from './compose-cli.js';
import { displayName, LogPrinter } from './log-printer.js';

export interface ComposeUpFlags {
  detach?: boolean;
  build?: boolean;
  deps?: boolean;
  forceRecreate?: boolean;
  recreate?: boolean;
  removeOrphans?: boolean;
  scale?: string[];
  wait?: boolean;
  waitTimeout?: number;
  timeout?: number;
  start?: boolean;
  quietPull?: boolean;
  color?: boolean;
  logPrefix?: boolean;
}

export function newComposeUpCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('up')
    .use('up [OPTIONS] [SERVICE...]')
    .description('Create and start containers')
    .option('--build', 'Build images before starting containers')
    .option('-d, --detach', 'Detached mode: Run containers in the background')
    .option('--force-recreate', "Recreate containers even if their configuration and image haven't changed")
    .option('--no-color', 'Produce monochrome output')
    .option('--no-deps', "Don't start linked services")
    .option('--no-log-prefix', "Don't print prefix in logs")
    .option('--no-recreate', "If containers already exist, don't recreate them")
    .option('--no-start', "Don't start the services after creating them")
    .option('--quiet-pull', 'Pull without printing progress information')
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .addOption(listOption('--scale <scale>', 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present'))
    .addOption(intOption('-t, --timeout <int>', 'Use this timeout in seconds for container shutdown when attached or when containers are already running'))
    .option('--wait', 'Wait for services to be running|healthy. Implies detached mode')
    .addOption(intOption('--wait-timeout <int>', 'Maximum duration in seconds to wait for the project to be running|healthy'))
    .run<ComposeUpFlags>({}, (services, f) => runComposeUp(c, services, f));
}

/** --scale web=3 --scale api=2 → {web: 3, api: 2}. */
export function parseScale(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (m === null) throw new FlagError(`invalid --scale value ${JSON.stringify(v)}: use SERVICE=NUM`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export function upOptions(services: string[], f: ComposeUpFlags): UpOptions {
  if (f.forceRecreate === true && f.recreate === false) throw new FlagError('--force-recreate and --no-recreate are incompatible');
  return {
    services,
    noDeps: f.deps === false,
    forceRecreate: f.forceRecreate === true,
    noRecreate: f.recreate === false,
    removeOrphans: f.removeOrphans === true,
    build: f.build === true,
    scale: parseScale(f.scale ?? []),
    noStart: f.start === false,
    wait: f.wait === true,
    ...(f.waitTimeout !== undefined ? { waitTimeoutMs: f.waitTimeout * 1000 } : {}),
    ...(f.timeout !== undefined ? { stopTimeout: f.timeout } : {}),
  };
}

export async function runComposeUp(c: ComposeCli, services: string[], f: ComposeUpFlags): Promise<void> {
  const project = c.load(services);
  const options = upOptions(services, f);
  const backend = c.backend({ quietPull: f.quietPull === true });
  const since = Math.floor(Date.now() / 1000);
  await up(backend, project, options);
  if (f.detach === true || f.wait === true || options.noStart === true) return;
  await followAttached(c, project.name, options.services ?? [], f, since, () =>
    stopServices(backend, project, options.services ?? [], f.timeout),
  );
}

/** Attached mode: every container's output until all have stopped; the first Ctrl-C stops them. */
async function followAttached(c: ComposeCli, project: string, services: string[], f: ComposeUpFlags, since: number, stop: () => Promise<void>): Promise<void> {
  const cli = c.cli;
  const containers = await listProjectContainers(cli.client, project, { all: true, services });
  const names = containers.map((x) => displayName(project, x.name));
  const printer = new LogPrinter(cli.out, names, { color: f.color !== false && cli.out.isTTY === true, prefix: f.logPrefix !== false });
  cli.println('Attaching to ' + names.join(', '));
  let stopping: Promise<void> | undefined;
  const onSignal = (): void => {
    if (stopping !== undefined) process.exit(130);
    cli.eprintln('Gracefully stopping... (press Ctrl+C again to force)');
    stopping = stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await Promise.all(
      containers.map(async (x, i) => {
        const inspect = await cli.client.containers.inspect(x.id);
        const stream = await cli.client.containers.logs(x.id, { follow: true, since: String(since) });
        await printer.follow(names[i]!, x.service, inspect.Config.Tty === true, stream);
        const after = await cli.client.containers.inspect(x.id);
        if (!after.State.Running) printer.notice(names[i]!, x.service, `exited with code ${after.State.ExitCode}`);
      }),
    );
    await stopping;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
