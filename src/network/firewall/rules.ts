/**
 * The rules of one network and of one published port, built from their
 * descriptions. Pure functions: Firewall decides what to add or delete by
 * comparing their output with iptables-save, so every spec here is written
 * exactly as iptables-save prints it (ruleset.ts), and the inputs are
 * checked strictly because they end up in an iptables-restore script.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { ChainNames, Rule } from './chains.js';

/** A bridge network as the firewall sees it. */
export interface NetworkSpec {
  /** The Linux bridge, e.g. 'berth0' or 'br-1a2b3c4d5e6f'. */
  bridge: string;
  /** IPv4 CIDR, e.g. '172.18.0.0/16'. */
  subnet: string;
  /** --internal: no NAT, no traffic in or out of the subnet (publishing ports on it is not supported, as in Docker). */
  internal: boolean;
  /** Inter-container communication on this bridge (default true); needs br_netfilter to be enforced. */
  icc?: boolean;
}

/** One published port: hostIp:hostPort on the host → containerIp:containerPort. */
export interface PortMapping {
  proto: 'tcp' | 'udp';
  /** '0.0.0.0' (every host address) or one IPv4 address of the host, e.g. '127.0.0.1'. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
  /** The bridge the container's address is on. */
  bridge: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// Linux interface names: at most 15 bytes, no '/', no blanks; we also refuse
// anything iptables would read as a wildcard ('+') or an option.
const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

export function checkIpv4(value: string, what: string): string {
  if (!IPV4.test(value)) throw new InvalidArgumentError(`invalid ${what}: ${JSON.stringify(value)} (an IPv4 address)`);
  return value;
}

export function checkBridge(name: string): string {
  if (!IFNAME.test(name)) throw new InvalidArgumentError(`invalid bridge name: ${JSON.stringify(name)}`);
  return name;
}

function checkPort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`invalid ${what}: ${port}`);
  return port;
}

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** '172.18.0.1/16' → '172.18.0.0/16': the network address, as iptables-save prints it. */
export function canonicalSubnet(cidr: string): string {
  const [addr, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (addr === undefined || !IPV4.test(addr) || !/^\d{1,2}$/.test(bitsText ?? '') || bits > 32) {
    throw new InvalidArgumentError(`invalid subnet: ${JSON.stringify(cidr)} (an IPv4 CIDR)`);
  }
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return `${intToIpv4((ipv4ToInt(addr) & mask) >>> 0)}/${bits}`;
}

export function subnetContains(subnet: string, ip: string): boolean {
  const [addr, bitsText] = subnet.split('/');
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((ipv4ToInt(addr!) & mask) >>> 0) === ((ipv4ToInt(ip) & mask) >>> 0);
}

/** The network's rules, grouped by chain, each group in the order it must have. */
export function networkRules(c: ChainNames, n: NetworkSpec): Rule[] {
  const br = checkBridge(n.bridge);
  const net = canonicalSubnet(n.subnet);
  const nat = (chain: string, spec: string): Rule => ({ table: 'nat', chain, spec });
  const filter = (chain: string, spec: string): Rule => ({ table: 'filter', chain, spec });
  const rules: Rule[] = [];

  // No address translation at all for --internal: its traffic never leaves
  // the subnet, and Docker publishes no ports on it.
  if (!n.internal) {
    // Outbound: the subnet leaving through any other interface takes the host's address.
    rules.push(nat(c.postrouting, `-s ${net} ! -o ${br} -j MASQUERADE`));
    // Hairpin: a container reaching a published port of its own bridge through
    // a host address must see the answer come from the host, not straight
    // from the peer on the same bridge, or its conntrack entry never matches.
    rules.push(nat(c.postrouting, `-s ${net} -o ${br} -m conntrack --ctstate DNAT -j MASQUERADE`));
    // The host's own processes using a published port on 127.0.0.1 (or any
    // local address): the container must answer to an address it can route
    // back through the bridge (Docker's rule without the userland proxy).
    rules.push(nat(c.postrouting, `-o ${br} -m addrtype --src-type LOCAL -j MASQUERADE`));
  }

  // Into the bridge: answers to connections from inside, then published
  // container ports (chain P), then nothing else from outside the bridge.
  rules.push(filter(c.forward, `-o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`));
  rules.push(filter(c.forward, `-o ${br} -j ${c.main}`));
  rules.push(filter(c.forward, `! -i ${br} -o ${br} -j DROP`));
  // Out of the bridge, and within it.
  if (!n.internal) rules.push(filter(c.forward, `-i ${br} ! -o ${br} -j ACCEPT`));
  rules.push(filter(c.forward, `-i ${br} -o ${br} -j ${n.icc === false ? 'DROP' : 'ACCEPT'}`));

  if (n.internal) {
    // Nothing in or out of the subnet, whatever the other interface is.
    rules.push(filter(c.isolation1, `! -s ${net} -o ${br} -j DROP`));
    rules.push(filter(c.isolation1, `! -d ${net} -i ${br} -j DROP`));
  } else {
    // Docker's two stages: leaving this bridge for another interface →
    // stage 2, which drops it if that interface is another Berth bridge.
    rules.push(filter(c.isolation1, `-i ${br} ! -o ${br} -j ${c.isolation2}`));
    rules.push(filter(c.isolation2, `-o ${br} -j DROP`));
  }
  return rules;
}

/** The chains networkRules writes to; each network's rules in them are recognised by its bridge name. */
export function networkChains(c: ChainNames): Array<{ table: 'nat' | 'filter'; chain: string }> {
  return [
    { table: 'nat', chain: c.postrouting },
    { table: 'filter', chain: c.forward },
    { table: 'filter', chain: c.isolation1 },
    { table: 'filter', chain: c.isolation2 },
  ];
}

export function checkMapping(m: PortMapping): void {
  if (m.proto !== 'tcp' && m.proto !== 'udp') throw new InvalidArgumentError(`invalid protocol: ${JSON.stringify(m.proto)} (tcp or udp)`);
  checkIpv4(m.hostIp, 'host ip');
  checkIpv4(m.containerIp, 'container ip');
  checkPort(m.hostPort, 'host port');
  checkPort(m.containerPort, 'container port');
  checkBridge(m.bridge);
}

/** nat: the DNAT that sends hostIp:hostPort to the container. */
export function dnatRule(c: ChainNames, m: PortMapping): Rule {
  checkMapping(m);
  const dst = m.hostIp === '0.0.0.0' ? '' : `-d ${m.hostIp}/32 `;
  return {
    table: 'nat',
    chain: c.main,
    spec: `${dst}-p ${m.proto} -m ${m.proto} --dport ${m.hostPort} -j DNAT --to-destination ${m.containerIp}:${m.containerPort}`,
  };
}

/**
 * filter: the forward accept of the container port. Two mappings to the same
 * container port (-p 8080:80 -p 8081:80) share it; unpublish keeps it while a
 * DNAT to that port remains.
 */
export function acceptRule(c: ChainNames, m: PortMapping): Rule {
  checkMapping(m);
  return {
    table: 'filter',
    chain: c.main,
    spec: `-d ${m.containerIp}/32 ! -i ${m.bridge} -o ${m.bridge} -p ${m.proto} -m ${m.proto} --dport ${m.containerPort} -j ACCEPT`,
  };
}
