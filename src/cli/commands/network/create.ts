/**
 * `berth network create`: create a network and print its ID.
 *
 * IPAM flags are grouped per subnet and checked here, before any request
 * (ipam-config.ts); everything else — drivers, IPv6, overlapping pools — is
 * the daemon's to accept or refuse, as with docker.
 */
import { Option } from 'commander';
import type { BerthCli } from '../../cli-context.js';
import type { NetworkCreateBody } from '../../client/networks.js';
import { BerthCommand, exactArgs } from '../command.js';
import { checkedList, keyValueMap, keyValueOption, labelProblem, sliceOption, sortedKeys } from './flag-values.js';
import { createIpamConfig } from './ipam-config.js';

/** The flags as commander hands them over (`--ipv6=false` arrives as `ipv6: false`). */
export interface NetworkCreateFlags {
  driver?: string;
  opt?: Record<string, string>;
  label?: string[];
  internal?: boolean;
  ipv6?: boolean;
  attachable?: boolean;
  ingress?: boolean;
  scope?: string;
  configOnly?: boolean;
  configFrom?: string;
  ipamDriver?: string;
  subnet?: string[];
  ipRange?: string[];
  gateway?: string[];
  auxAddress?: Record<string, string>;
  ipamOpt?: Record<string, string>;
}

export function newNetworkCreateCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('create')
    .use('create [OPTIONS] NETWORK')
    .description('Create a network')
    .option('-d, --driver <string>', 'Driver to manage the Network (default "bridge")')
    .addOption(keyValueOption('-o, --opt <map>', 'Set driver specific options'))
    .addOption(checkedList('--label <list>', 'Set metadata on a network', labelProblem))
    .option('--internal', 'Restrict external access to the network')
    .option('--ipv6', 'Enable or disable IPv6 address assignment')
    .addOption(new Option('--no-ipv6').hideHelp())
    .option('--attachable', 'Enable manual container attachment')
    .option('--ingress', 'Create swarm routing-mesh network')
    .option('--scope <string>', "Control the network's scope")
    .option('--config-only', 'Create a configuration only network')
    .option('--config-from <string>', 'The network from which to copy the configuration')
    .option('--ipam-driver <string>', 'IP Address Management Driver (default "default")')
    .addOption(sliceOption('--subnet <strings>', 'Subnet in CIDR format that represents a network segment'))
    .addOption(sliceOption('--ip-range <strings>', 'Allocate container ip from a sub-range'))
    .addOption(sliceOption('--gateway <strings>', 'IPv4 or IPv6 Gateway for the master subnet'))
    .addOption(keyValueOption('--aux-address <map>', 'Auxiliary IPv4 or IPv6 addresses used by Network driver'))
    .addOption(keyValueOption('--ipam-opt <map>', 'Set IPAM driver specific options'))
    .run<NetworkCreateFlags>(exactArgs(1), async ([name], f) => {
      const { Id } = await cli.client.networks.create(networkCreateBody(name!, f));
      cli.println(Id);
    });
}

/**
 * The body docker's CLI sends: every field present, EnableIPv6 only when
 * --ipv6 was given (true or false), ConfigFrom null unless --config-from.
 * Throws InvalidArgumentError with docker's words for inconsistent IPAM flags.
 */
export function networkCreateBody(name: string, f: NetworkCreateFlags): NetworkCreateBody {
  const ipam = createIpamConfig({
    driver: f.ipamDriver ?? 'default',
    subnets: f.subnet ?? [],
    ipRanges: f.ipRange ?? [],
    gateways: f.gateway ?? [],
    auxAddresses: f.auxAddress ?? {},
    options: f.ipamOpt ?? {},
  });
  return {
    Driver: f.driver ?? 'bridge',
    Scope: f.scope ?? '',
    ...(f.ipv6 !== undefined ? { EnableIPv6: f.ipv6 } : {}),
    IPAM: { ...ipam, Options: sortedKeys(ipam.Options) },
    Internal: f.internal === true,
    Attachable: f.attachable === true,
    Ingress: f.ingress === true,
    ConfigOnly: f.configOnly === true,
    ConfigFrom: f.configFrom !== undefined && f.configFrom !== '' ? { Network: f.configFrom } : null,
    Options: sortedKeys(f.opt),
    Labels: sortedKeys(keyValueMap(f.label ?? [])),
    // Last, as Go writes network.CreateRequest's own field after its embedded CreateOptions.
    Name: name,
  };
}
