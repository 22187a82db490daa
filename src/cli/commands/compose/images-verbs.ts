/**
 * `berth compose build|pull|push [SERVICE...]`: the services' images —
 * built from their `build:` sections (tagged `image:`, else
 * `<project>-<service>`), pulled from, or pushed to their registries.
 */
import { serviceImage } from '../../../compose/container-spec.js';
import { targetServices } from '../../../compose/service-ops.js';
import type { BerthCli } from '../../cli-context.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposeBuildCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('build')
    .use('build [OPTIONS] [SERVICE...]')
    .description('Build or rebuild services')
    .option('-q, --quiet', "Don't print anything to STDOUT")
    .run<{ quiet?: boolean }>({}, async (services, f) => {
      const project = c.load(services);
      const backend = c.backend({ quiet: f.quiet === true });
      for (const name of targetServices(project, services)) {
        const s = project.services[name]!;
        if (s.build === undefined) continue;
        await backend.images.build(project, s, serviceImage(project, s));
      }
    });
}

export function newComposePullCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('pull')
    .use('pull [OPTIONS] [SERVICE...]')
    .description('Pull service images')
    .option('--ignore-buildable', 'Ignore images that can be built')
    .option('-q, --quiet', 'Pull without printing progress information')
    .run<{ quiet?: boolean; ignoreBuildable?: boolean }>({}, async (services, f) => {
      const project = c.load(services);
      const backend = c.backend({ quiet: f.quiet === true });
      for (const name of targetServices(project, services)) {
        const s = project.services[name]!;
        if (s.image === undefined || (f.ignoreBuildable === true && s.build !== undefined)) continue;
        await backend.images.pull(s.image);
      }
    });
}

export function newComposePushCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('push')
    .use('push [OPTIONS] [SERVICE...]')
    .description('Push service images')
    .option('-q, --quiet', 'Push without printing progress information')
    .run<{ quiet?: boolean }>({}, async (services, f) => {
      const project = c.load(services);
      const cli: BerthCli = c.cli;
      for (const name of targetServices(project, services)) {
        const s = project.services[name]!;
        if (s.image === undefined) continue;
        const { runPush } = await import('../image/push.js');
        await runPush(cli, { image: s.image, quiet: f.quiet === true });
      }
    });
}
