import { isIP } from 'node:net';
import { InvalidArgumentError } from '../../errors.js';

/** One resolver to forward to. */
export interface Upstream {
  host: string;
  port: number;
  family: 4 | 6;
}

/**
 * The nameservers of a resolv.conf text, in order, as bare addresses.
 *
 * berthd runs in the host's network namespace, so loopback resolvers
 * (systemd-resolved's 127.0.0.53, a local dnsmasq) are reachable and kept —
 * unlike the default bridge's resolv.conf, which must drop them.
 */
export function hostUpstreams(resolvConfText: string): string[] {
  const out: string[] = [];
  for (const rawLine of resolvConfText.split('\n')) {
    // resolv.conf comments start with '#' or ';' and may follow a value.
    const line = rawLine.replace(/[#;].*$/, '').trim();
    const [keyword, value] = line.split(/\s+/);
    if (keyword !== 'nameserver' || value === undefined) continue;
    const address = value.split('%')[0]!; // a zone index does not change the address
    if (isIP(address) === 0) continue;
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

/**
 * Parses 'ip', 'ip:port', 'ipv6', '[ipv6]' or '[ipv6]:port' (port 53 when absent).
 * An IPv6 address with a zone ('fe80::1%eth0') is accepted as is.
 */
export function parseUpstream(spec: string): Upstream {
  let host = spec.trim();
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (host.split(':').length === 2) {
    const [ip, p] = host.split(':') as [string, string];
    if (!/^\d+$/.test(p)) throw new InvalidArgumentError(`invalid dns upstream port: ${spec}`);
    host = ip;
    port = Number(p);
  }
  const family = isIP(host.split('%')[0]!);
  if (family !== 4 && family !== 6) throw new InvalidArgumentError(`invalid dns upstream address: ${spec}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`invalid dns upstream port: ${spec}`);
  }
  return { host, port, family };
}
