/**
 * `berth compose port SERVICE PRIVATE_PORT`: the host address a service
 * replica's port is published on ("0.0.0.0:8080").
 */
import { NotFoundError } from '../../../errors.js';
import { listProjectContainers } from '../../../compose/project-containers.js';
import { BerthCommand, exactArgs } from '../command.js';
import { intOption } from '../flags.js';
import type { ComposeCli } from './compose-cli.js';

export function newComposePortCommand(c: ComposeCli): BerthCommand {
  return new BerthCommand('port')
    .use('port [OPTIONS] SERVICE PRIVATE_PORT')
    .description('Print the public port for a port binding')
    .addOption(intOption('--index <int>', 'Index of the container if service has multiple replicas', 1))
    .option('--protocol <string>', 'tcp or udp', 'tcp')
    .run<{ index?: number; protocol?: string }>(exactArgs(2), async ([service, port], f) => {
      const { name } = c.loadOrName();
      const index = f.index ?? 1;
      const target = (await listProjectContainers(c.cli.client, name, { services: [service!] })).find((x) => x.number === index);
      if (target === undefined) throw new NotFoundError(`service "${service}" is not running container #${index}`);
      const inspect = await c.cli.client.containers.inspect(target.id);
      const bindings = inspect.NetworkSettings?.Ports?.[`${port}/${f.protocol ?? 'tcp'}`] ?? null;
      const first = bindings?.[0];
      if (first === undefined) throw new NotFoundError(`no port ${port}/${f.protocol ?? 'tcp'} for container ${target.name}`);
      c.cli.println(`${first.HostIp || '0.0.0.0'}:${first.HostPort ?? ''}`);
    });
}
