/**
 * `berth network connect`: attach a running or created container to a
 * network, optionally with aliases (--alias a,b), a fixed address (--ip,
 * --ip6), links and driver options.
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import type { EndpointConfig } from '../../client/networks.js';
import { BerthCommand, exactArgs } from '../command.js';
import { checkedList, linkProblem, sliceOption } from './flag-values.js';

export interface NetworkConnectFlags {
  ip?: string;
  ip6?: string;
  link?: string[];
  alias?: string[];
  linkLocalIp?: string[];
  driverOpt?: string[];
}

export function newNetworkConnectCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('connect')
    .use('connect [OPTIONS] NETWORK CONTAINER')
    .description('Connect a container to a network')
    .option('--ip <string>', 'IPv4 address (e.g., "172.30.100.104")')
    .option('--ip6 <string>', 'IPv6 address (e.g., "2001:db8::33")')
    .addOption(checkedList('--link <list>', 'Add link to another container', linkProblem))
    .addOption(sliceOption('--alias <strings>', 'Add network-scoped alias for the container'))
    .addOption(sliceOption('--link-local-ip <strings>', 'Add a link-local address for the container'))
    .addOption(sliceOption('--driver-opt <strings>', 'driver options for the network'))
    .run<NetworkConnectFlags>(exactArgs(2), async ([network, container], f) => {
      await cli.client.networks.connect(network!, container!, endpointConfig(f));
    });
}

/** docker's convertDriverOpt: KEY=VALUE pairs, trimmed; a pair without "=" or key is refused. */
function driverOpts(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const key = (eq < 0 ? v : v.slice(0, eq)).trim();
    if (eq < 0 || key === '') throw new InvalidArgumentError('invalid key/value pair format in driver options');
    out[key] = v.slice(eq + 1).trim();
  }
  return out;
}

/** The EndpointConfig docker's CLI sends for these flags (empty addresses left out, as Go's omitempty does). */
export function endpointConfig(f: NetworkConnectFlags): EndpointConfig {
  const ipam: EndpointConfig['IPAMConfig'] = {};
  if (f.ip) ipam.IPv4Address = f.ip;
  if (f.ip6) ipam.IPv6Address = f.ip6;
  if (f.linkLocalIp !== undefined && f.linkLocalIp.length > 0) ipam.LinkLocalIPs = [...f.linkLocalIp];
  return {
    IPAMConfig: ipam,
    Links: f.link !== undefined && f.link.length > 0 ? [...f.link] : null,
    Aliases: [...(f.alias ?? [])],
    DriverOpts: driverOpts(f.driverOpt ?? []),
  };
}
