/**
 * The IPv4 blocks the host already routes or has addresses in, for IPAM to
 * avoid when it picks a subnet for a new network (Docker checks routes the
 * same way). Read with two `ip -j` processes in parallel, at network
 * creation only.
 */
import { ipJson } from '../../host/ip-tool.js';
import { canonicalCidr, parseCidr } from '../ipam/cidr.js';

export interface HostAddress {
  /** The block, host bits cleared: '192.0.2.0/24'. */
  cidr: string;
  /** The device it is on, when ip names one. */
  dev?: string;
  /** A route of the main table, or the subnet of an interface address. */
  source: 'route' | 'address';
}

interface RouteJson {
  dst: string;
  dev?: string;
}
interface LinkJson {
  ifname: string;
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

/** Every IPv4 route of the main table (default routes left out) and every interface's IPv4 subnet. */
export async function listAddresses(): Promise<HostAddress[]> {
  const [routes, links] = await Promise.all([
    ipJson<RouteJson[]>(['-4', 'route', 'show', 'table', 'main']),
    ipJson<LinkJson[]>(['-4', 'addr', 'show']),
  ]);
  const out: HostAddress[] = [];
  for (const r of routes) {
    if (r.dst === 'default' || !/^\d/.test(r.dst)) continue;
    const c = parseCidr(r.dst);
    if (c.prefix === 0) continue;
    out.push({ cidr: canonicalCidr(c), ...(r.dev ? { dev: r.dev } : {}), source: 'route' });
  }
  for (const l of links) {
    for (const a of l.addr_info ?? []) {
      if (a.family !== 'inet') continue;
      out.push({ cidr: canonicalCidr(`${a.local}/${a.prefixlen}`), dev: l.ifname, source: 'address' });
    }
  }
  return out;
}
