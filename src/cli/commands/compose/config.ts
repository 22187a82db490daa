/**
 * `berth compose config`: the resolved project — files merged, variables
 * interpolated, extends applied, every field in its long form — as YAML
 * (or JSON), or parts of it: --services, --volumes, --profiles, --images,
 * --hash; -q only validates.
 */
import { InvalidArgumentError } from '../../../errors.js';
import { serviceConfigHash } from '../../../compose/config-hash.js';
import { serviceImage } from '../../../compose/container-spec.js';
import { projectToJson, projectToYaml } from '../../../compose/serialize.js';
import { BerthCommand } from '../command.js';
import type { ComposeCli } from './compose-cli.js';

export interface ConfigFlags {
  services?: boolean;
  volumes?: boolean;
  profiles?: boolean;
  images?: boolean;
  hash?: string;
  quiet?: boolean;
  format?: string;
}

export function newComposeConfigCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('config')
    .use('config [OPTIONS] [SERVICE...]')
    .description('Parse, resolve and render compose file in canonical format')
    .option('--format <string>', 'Format the output. Values: [yaml | json]', 'yaml')
    .option('--hash <string>', 'Print the service config hash, one per line ("*" for every service)')
    .option('--images', 'Print the image names, one per line')
    .option('--profiles', 'Print the profile names, one per line')
    .option('-q, --quiet', 'Only validate the configuration, don\'t print anything')
    .option('--services', 'Print the service names, one per line')
    .option('--volumes', 'Print the volume names, one per line')
    .run<ConfigFlags>({}, async (args, f) => runComposeConfig(c, args, f));
}

export async function runComposeConfig(c: ComposeCli, services: string[], f: ConfigFlags): Promise<void> {
  const project = c.load(services);
  if (services.length > 0) {
    for (const name of Object.keys(project.services)) if (!services.includes(name)) delete project.services[name];
  }
  const cli = c.cli;
  if (f.quiet === true) return;
  if (f.services === true) {
    for (const name of Object.keys(project.services)) cli.println(name);
    return;
  }
  if (f.volumes === true) {
    for (const name of Object.keys(project.volumes)) cli.println(name);
    return;
  }
  if (f.profiles === true) {
    const all = new Set([...Object.values(project.services), ...Object.values(project.disabledServices)].flatMap((s) => s.profiles ?? []));
    for (const p of [...all].sort()) cli.println(p);
    return;
  }
  if (f.images === true) {
    for (const s of Object.values(project.services)) cli.println(serviceImage(project, s));
    return;
  }
  if (f.hash !== undefined) {
    const wanted = f.hash === '*' ? Object.keys(project.services) : f.hash.split(',');
    for (const name of wanted) {
      const s = project.services[name];
      if (s === undefined) throw new InvalidArgumentError(`no such service: ${name}`);
      cli.println(`${name} ${serviceConfigHash(s)}`);
    }
    return;
  }
  if (f.format === 'json') cli.out.write(projectToJson(project));
  else if (f.format === undefined || f.format === 'yaml') cli.out.write(projectToYaml(project));
  else throw new InvalidArgumentError(`unsupported format ${JSON.stringify(f.format)}: use yaml or json`);
}
