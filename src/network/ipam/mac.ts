/**
 * The MAC address of an endpoint, derived from its IPv4 address as Docker
 * does: 02:42 (locally administered, unicast) followed by the four bytes of
 * the address. Deterministic, so an address always comes with the same MAC
 * and a peer's ARP cache never holds a wrong pairing for it.
 */
import { parseIPv4 } from './cidr.js';

export function macFor(ip: string): string {
  const n = parseIPv4(ip);
  const bytes = [0x02, 0x42, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
