/**
 * `network create`'s IPAM flags (--subnet, --ip-range, --gateway,
 * --aux-address) grouped into one IPAM pool per subnet, with the checks and
 * messages of docker/cli's createIPAMConfig: each range, gateway and
 * auxiliary address must fall in exactly one given subnet, subnets must not
 * overlap, one range and one gateway per subnet. A lone subnet is not
 * checked here (the daemon does), exactly as docker leaves it.
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { IpamConfig } from '../../client/networks.js';
import { sortedKeys } from './flag-values.js';

export interface IpamFlags {
  driver: string;
  subnets: readonly string[];
  ipRanges: readonly string[];
  gateways: readonly string[];
  auxAddresses: Readonly<Record<string, string>>;
  options: Readonly<Record<string, string>>;
}

/** An address as bytes: 4 for IPv4, 16 for IPv6 (Go's net.IP after To4 where it applies). */
type Bytes = number[];

function parseIPv4(s: string): Bytes | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: Bytes = [];
  for (const p of parts) {
    // Go refuses leading zeros ("010") and anything but decimal digits.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out.push(Number(p));
  }
  return out;
}

function parseIPv6(s: string): Bytes | undefined {
  if (s.includes('%')) return undefined; // a zone is not an IP for net.ParseIP
  let head = s;
  let tail4: Bytes | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (left === undefined || right === undefined) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail4 !== undefined) bytes.splice(12, 4, ...tail4);
  return bytes;
}

/** Go's net.ParseIP, returning the 4-byte form for IPv4 and IPv4-mapped IPv6 (To4). */
export function parseIp(s: string): Bytes | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return v4;
  const v6 = parseIPv6(s);
  if (v6 === undefined) return undefined;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

interface Cidr {
  ip: Bytes;
  network: Bytes;
  prefix: number;
}

/** Go's net.ParseCIDR; throws "invalid CIDR address: …" as Go's ParseError says. */
export function parseCidr(s: string): Cidr {
  const fail = (): never => {
    throw new InvalidArgumentError(`invalid CIDR address: ${s}`);
  };
  const slash = s.indexOf('/');
  if (slash < 0) fail();
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const v4 = parseIPv4(addr);
  const ip = v4 ?? parseIPv6(addr);
  if (ip === undefined || !/^\d+$/.test(bits)) return fail();
  const prefix = Number(bits);
  if (prefix > ip.length * 8) fail();
  const network = ip.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return { ip, network, prefix };
}

/** Go's IPNet.Contains. */
function contains(net: Cidr, ip: Bytes): boolean {
  if (ip.length !== net.network.length) return false;
  return net.network.every((b, i) => {
    const keep = Math.max(0, Math.min(8, net.prefix - i * 8));
    return (ip[i]! & ((0xff << (8 - keep)) & 0xff)) === b;
  });
}

/** docker's subnetMatches: is `data` (an address, or a CIDR's address) inside `subnet`? */
export function subnetMatches(subnet: string, data: string): boolean {
  let net: Cidr;
  try {
    net = parseCidr(subnet);
  } catch (err) {
    throw new InvalidArgumentError(`invalid subnet: ${(err as Error).message}`);
  }
  const ip = data.includes('/') ? parseCidr(data).ip : parseIp(data);
  if (ip === undefined) return false;
  // A CIDR's or a mapped address's IPv4 part, as Go's To4 gives it.
  const ip4 = ip.length === 16 && ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff ? ip.slice(12) : ip;
  return contains(net, ip4);
}

/** The IPAM section of POST /networks/create, from the flags; throws docker's messages. */
export function createIpamConfig(f: IpamFlags): { Driver: string; Options: Record<string, string>; Config: IpamConfig[] } {
  if (f.subnets.length < f.ipRanges.length || f.subnets.length < f.gateways.length) {
    throw new InvalidArgumentError('every ip-range or gateway must have a corresponding subnet');
  }
  // Keyed by subnet; insertion order kept (docker's map makes its order random).
  const pools = new Map<string, IpamConfig & { AuxiliaryAddresses: Record<string, string> }>();
  for (const s of f.subnets) {
    for (const k of pools.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) {
        throw new InvalidArgumentError('multiple overlapping subnet configuration is not supported');
      }
    }
    pools.set(s, { Subnet: s, AuxiliaryAddresses: {} });
  }
  for (const r of f.ipRanges) {
    let match = false;
    for (const s of f.subnets) {
      parseCidr(r);
      if (!subnetMatches(s, r)) continue;
      const pool = pools.get(s)!;
      if (pool.IPRange !== undefined) {
        throw new InvalidArgumentError(`cannot configure multiple ranges (${r}, ${pool.IPRange}) on the same subnet (${s})`);
      }
      pool.IPRange = r;
      match = true;
    }
    if (!match) throw new InvalidArgumentError(`no matching subnet for range ${r}`);
  }
  for (const g of f.gateways) {
    let match = false;
    for (const s of f.subnets) {
      if (!subnetMatches(s, g)) continue;
      const pool = pools.get(s)!;
      if (pool.Gateway !== undefined) {
        throw new InvalidArgumentError(`cannot configure multiple gateways (${g}, ${pool.Gateway}) for the same subnet (${s})`);
      }
      pool.Gateway = g;
      match = true;
    }
    if (!match) throw new InvalidArgumentError(`no matching subnet for gateway ${g}`);
  }
  for (const [key, address] of Object.entries(f.auxAddresses)) {
    let match = false;
    for (const s of f.subnets) {
      if (!subnetMatches(s, address)) continue;
      pools.get(s)!.AuxiliaryAddresses[key] = address;
      match = true;
    }
    if (!match) throw new InvalidArgumentError(`no matching subnet for aux-address ${address}`);
  }
  // Go's omitempty drops an empty AuxiliaryAddresses map from the wire.
  const config = [...pools.values()].map(({ AuxiliaryAddresses, ...pool }) =>
    Object.keys(AuxiliaryAddresses).length > 0 ? { ...pool, AuxiliaryAddresses: sortedKeys(AuxiliaryAddresses) } : pool,
  );
  return { Driver: f.driver, Options: { ...f.options }, Config: config };
}
