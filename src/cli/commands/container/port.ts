/**
 * `berth port` / `berth container port`: the container's published ports
 * ("80/tcp -> 0.0.0.0:8080"), or where one private port is published.
 */
import { NotFoundError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import type { PortMap } from '../../client/types.js';
import { BerthCommand, rangeArgs } from '../command.js';

export interface PortOptions {
  container: string;
  /** "80", "80/tcp" or "80/udp". */
  privatePort?: string;
}

export function newPortCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('port')
    .use('port CONTAINER [PRIVATE_PORT[/PROTO]]')
    .description('List port mappings or a specific mapping for the container')
    .run(rangeArgs(1, 2), ([container, privatePort]) => runPort(cli, { container: container!, privatePort }));
}

const hostAddress = (ip: string | undefined, port: string | undefined): string => {
  const host = ip === undefined || ip === '' ? '0.0.0.0' : ip;
  return host.includes(':') ? `[${host}]:${port ?? ''}` : `${host}:${port ?? ''}`;
};

/** Lines of `port` output for a PortMap, sorted by port then protocol as docker does. */
export function portLines(ports: PortMap, privatePort?: string): string[] {
  const keys = Object.keys(ports).sort((a, b) => {
    const [pa, ta] = a.split('/');
    const [pb, tb] = b.split('/');
    return Number(pa) - Number(pb) || (ta ?? '').localeCompare(tb ?? '');
  });
  if (privatePort !== undefined) {
    const key = privatePort.includes('/') ? privatePort : `${privatePort}/tcp`;
    const bindings = ports[key];
    if (bindings === undefined || bindings === null || bindings.length === 0) return [];
    return bindings.map((b) => hostAddress(b.HostIp, b.HostPort));
  }
  const lines: string[] = [];
  for (const key of keys) {
    for (const b of ports[key] ?? []) lines.push(`${key} -> ${hostAddress(b.HostIp, b.HostPort)}`);
  }
  return lines;
}

export async function runPort(cli: BerthCli, o: PortOptions): Promise<void> {
  const c = await cli.client.containers.inspect(o.container);
  const lines = portLines(c.NetworkSettings?.Ports ?? {}, o.privatePort);
  if (o.privatePort !== undefined && lines.length === 0) {
    throw new NotFoundError(`no public port '${o.privatePort.includes('/') ? o.privatePort : `${o.privatePort}/tcp`}' published for ${o.container}`);
  }
  for (const line of lines) cli.println(line);
}
