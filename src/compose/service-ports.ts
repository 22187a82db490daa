/**
 * `ports:` entries, short or long syntax, → the long form (compose-go's
 * ParsePortConfig):
 *
 *   80                      target 80, host port chosen by the daemon
 *   "8080:80"               published 8080
 *   "127.0.0.1:8080:80/udp" bound to one address, another protocol
 *   "[::1]:8080:80"         IPv6 in brackets
 *   "9090-9091:8080-8081"   ranges of equal length: one entry per port
 *   "8000-8010:80"          one target, a host range to choose from
 *   {target: 80, published: "8080", host_ip: …, protocol: udp}
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors.js';
import type { RawMap, ServicePort } from './types.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

function range(s: string, what: string, where: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  const start = Number(m?.[1]);
  const end = m?.[2] === undefined ? start : Number(m[2]);
  if (m === null || end > 65535 || start > end) throw new InvalidArgumentError(`${where}: invalid ${what} port ${JSON.stringify(s)}`);
  return [start, end];
}

/** Splits "[ip:]host:container" honouring IPv6 brackets. */
function split(raw: string, where: string): [ip: string, host: string, container: string] {
  if (raw.startsWith('[')) {
    const m = /^\[([^\]]+)\]:([^:]*):([^:]+)$/.exec(raw);
    if (m === null) throw new InvalidArgumentError(`${where}: invalid port ${JSON.stringify(raw)}`);
    return [m[1]!, m[2]!, m[3]!];
  }
  const parts = raw.split(':');
  if (parts.length === 1) return ['', '', parts[0]!];
  if (parts.length === 2) return ['', parts[0]!, parts[1]!];
  return [parts.slice(0, -2).join(':'), parts[parts.length - 2]!, parts[parts.length - 1]!];
}

function protocolOf(raw: string, where: string): ServicePort['protocol'] {
  const p = raw.toLowerCase();
  if (!PROTOCOLS.has(p)) throw new InvalidArgumentError(`${where}: invalid protocol ${JSON.stringify(raw)}`);
  return p as ServicePort['protocol'];
}

/** One short-syntax entry → one or more long entries. */
export function parseShortPort(value: string | number, where: string): ServicePort[] {
  const raw = String(value).trim();
  const slash = raw.lastIndexOf('/');
  const protocol = slash >= 0 ? protocolOf(raw.slice(slash + 1), where) : 'tcp';
  const [ip, host, container] = split(slash >= 0 ? raw.slice(0, slash) : raw, where);
  if (ip !== '' && isIP(ip) === 0) throw new InvalidArgumentError(`${where}: invalid IP address ${JSON.stringify(ip)}`);
  const [cStart, cEnd] = range(container, 'container', where);
  const base = { protocol, mode: 'ingress' as const, ...(ip !== '' ? { host_ip: ip } : {}) };
  if (host === '') {
    const out: ServicePort[] = [];
    for (let p = cStart; p <= cEnd; p++) out.push({ target: p, ...base });
    return out;
  }
  const [hStart, hEnd] = range(host, 'host', where);
  if (cStart === cEnd) return [{ target: cStart, published: host, ...base }];
  if (hEnd - hStart !== cEnd - cStart) {
    throw new InvalidArgumentError(`${where}: port ranges don't match: ${host} and ${container}`);
  }
  const out: ServicePort[] = [];
  for (let i = 0; i <= cEnd - cStart; i++) out.push({ target: cStart + i, published: String(hStart + i), ...base });
  return out;
}

/** One long-syntax entry, checked and defaulted. */
export function parseLongPort(m: RawMap, where: string): ServicePort {
  if (m['target'] === undefined) throw new InvalidArgumentError(`${where}: target is required`);
  const [target] = range(String(m['target']), 'target', where);
  const out: ServicePort = {
    target,
    protocol: m['protocol'] === undefined ? 'tcp' : protocolOf(String(m['protocol']), where),
    mode: m['mode'] === 'host' ? 'host' : 'ingress',
  };
  if (m['mode'] !== undefined && m['mode'] !== 'host' && m['mode'] !== 'ingress') {
    throw new InvalidArgumentError(`${where}.mode must be "host" or "ingress"`);
  }
  if (m['name'] !== undefined) out.name = String(m['name']);
  if (m['published'] !== undefined && m['published'] !== '') {
    range(String(m['published']), 'published', where);
    out.published = String(m['published']);
  }
  if (m['host_ip'] !== undefined && m['host_ip'] !== '') {
    const ip = String(m['host_ip']);
    if (isIP(ip) === 0) throw new InvalidArgumentError(`${where}: invalid IP address ${JSON.stringify(ip)}`);
    out.host_ip = ip;
  }
  if (m['app_protocol'] !== undefined) out.app_protocol = String(m['app_protocol']);
  return out;
}

/** The whole `ports:` list in long form. */
export function parsePorts(list: readonly unknown[], where: string): ServicePort[] {
  const out: ServicePort[] = [];
  list.forEach((entry, i) => {
    const at = `${where}[${i}]`;
    if (typeof entry === 'object' && entry !== null) out.push(parseLongPort(entry as RawMap, at));
    else out.push(...parseShortPort(entry as string | number, at));
  });
  return out;
}

/** The key two files' entries are merged on (compose-spec: ip, target, published, protocol). */
export function portKey(p: ServicePort): string {
  return `${p.host_ip ?? ''}|${p.target}|${p.published ?? ''}|${p.protocol}`;
}
