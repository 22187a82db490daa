/**
 * IPv4 addresses and CIDR blocks as plain numbers: parsing, formatting and
 * the set arithmetic IPAM needs (contains, overlaps).
 *
 * An address is an unsigned 32-bit integer (0 … 2^32-1); every bitwise result
 * is brought back to unsigned with `>>> 0`, because JavaScript's bitwise
 * operators work on signed 32-bit values. IPv6 is refused with a clear error
 * until Berth supports it, rather than failing somewhere deeper.
 */
import { InvalidArgumentError } from '../../errors.js';

/** A CIDR block; `address` may carry host bits ('172.18.0.1/16' for an interface address). */
export interface Cidr {
  readonly address: number;
  readonly prefix: number;
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function refuseIPv6(s: string): void {
  if (s.includes(':')) throw new InvalidArgumentError(`ipv6 is not supported yet: ${s}`);
}

/** '10.0.0.1' → 167772161. Leading zeros are refused, as Go's net.ParseIP does (they read as octal elsewhere). */
export function parseIPv4(s: string): number {
  refuseIPv6(s);
  const m = DOTTED_QUAD.exec(s);
  if (!m) throw new InvalidArgumentError(`invalid ipv4 address: ${s}`);
  let n = 0;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith('0')) throw new InvalidArgumentError(`invalid ipv4 address: ${s}`);
    const byte = Number(part);
    if (byte > 255) throw new InvalidArgumentError(`invalid ipv4 address: ${s}`);
    n = n * 256 + byte;
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The netmask of a prefix length as a number (prefix 0 → 0). */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** '172.18.0.1/16' → { address, prefix: 16 }; a bare address is a /32. Host bits are kept. */
export function parseCidr(s: string): Cidr {
  refuseIPv6(s);
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const bits = slash < 0 ? '32' : s.slice(slash + 1);
  if (!/^\d{1,2}$/.test(bits) || Number(bits) > 32) throw new InvalidArgumentError(`invalid cidr address: ${s}`);
  return { address: parseIPv4(addr), prefix: Number(bits) };
}

/**
 * A subnet as a user writes it for `network create --subnet`: host bits must
 * be zero (Docker's words: "invalid subnet 172.18.0.5/16 : it should be 172.18.0.0/16").
 */
export function parseSubnet(s: string): Cidr {
  const c = parseCidr(s);
  if (!s.includes('/')) throw new InvalidArgumentError(`invalid subnet ${s}: it needs a prefix length, e.g. ${s}/24`);
  const net = networkOf(c);
  if (net !== c.address) throw new InvalidArgumentError(`invalid subnet ${s}: it should be ${formatIPv4(net)}/${c.prefix}`);
  return c;
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.address)}/${c.prefix}`;
}

/** The first address of the block (host bits cleared). */
export function networkOf(c: Cidr): number {
  return (c.address & maskOf(c.prefix)) >>> 0;
}

/** The last address of the block (host bits set). */
export function broadcastOf(c: Cidr): number {
  return (networkOf(c) | ~maskOf(c.prefix)) >>> 0;
}

/** The block with its host bits cleared, as a string: '172.18.0.1/16' → '172.18.0.0/16'. */
export function canonicalCidr(c: Cidr | string): string {
  const cidr = typeof c === 'string' ? parseCidr(c) : c;
  return `${formatIPv4(networkOf(cidr))}/${cidr.prefix}`;
}

function asCidr(c: Cidr | string): Cidr {
  return typeof c === 'string' ? parseCidr(c) : c;
}

export function cidrContains(block: Cidr | string, ip: number | string): boolean {
  const c = asCidr(block);
  const n = typeof ip === 'string' ? parseIPv4(ip) : ip;
  return ((n & maskOf(c.prefix)) >>> 0) === networkOf(c);
}

/** True when the two blocks share any address (one then contains the other's network address). */
export function cidrsOverlap(a: Cidr | string, b: Cidr | string): boolean {
  const x = asCidr(a);
  const y = asCidr(b);
  const shorter = Math.min(x.prefix, y.prefix);
  const mask = maskOf(shorter);
  return ((x.address & mask) >>> 0) === ((y.address & mask) >>> 0);
}
