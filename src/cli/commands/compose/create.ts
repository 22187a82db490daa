/** `berth compose create [SERVICE...]`: `up --no-start` — networks, volumes and containers, nothing started. */
import { up } from '../../../compose/converge.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';
import { parseScale } from './up.js';
import { listOption } from '../flags.js';

export function newComposeCreateCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('create')
    .use('create [OPTIONS] [SERVICE...]')
    .description('Creates containers for a service')
    .option('--build', 'Build images before starting containers')
    .option('--force-recreate', "Recreate containers even if their configuration and image haven't changed")
    .option('--no-recreate', "If containers already exist, don't recreate them")
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .addOption(listOption('--scale <scale>', 'Scale SERVICE to NUM instances'))
    .run<{ build?: boolean; forceRecreate?: boolean; recreate?: boolean; removeOrphans?: boolean; scale?: string[] }>({}, (services, f) =>
      up(c.backend(), c.load(services), {
        services,
        noStart: true,
        build: f.build === true,
        forceRecreate: f.forceRecreate === true,
        noRecreate: f.recreate === false,
        removeOrphans: f.removeOrphans === true,
        scale: parseScale(f.scale ?? []),
      }),
    );
}
