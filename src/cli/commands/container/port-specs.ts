/**
 * `-p` / `--expose` specs → the API's PortBindings and ExposedPorts
 * (go-connections nat.ParsePortSpecs semantics).
 *
 *   -p 8080:80            tcp 80 ← host 8080, any address
 *   -p 127.0.0.1:8080:80  bound to one address
 *   -p [::1]:8080:80/udp  IPv6 in brackets, other protocol
 *   -p 80                 expose 80, host port chosen by the daemon
 *   -p 8000-8001:80-81    ranges of equal length map one to one
 *   -p 8000-8010:80       one container port, a host range to choose from
 */
import { isIP } from 'node:net';
import type { PortMap } from '../../client/types.js';

export interface PortSpecs {
  exposed: Record<string, Record<string, never>>;
  bindings: PortMap;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** Splits "[ip:]host:container" honouring IPv6 brackets. */
function splitParts(raw: string): [ip: string, host: string, container: string] {
  let ip = '';
  let rest = raw;
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close < 0) throw new Error(`invalid IP address: ${raw}`);
    ip = raw.slice(1, close);
    rest = raw.slice(close + 1);
    if (!rest.startsWith(':')) throw new Error(`invalid port specification: ${JSON.stringify(raw)}`);
    rest = rest.slice(1);
    const parts = rest.split(':');
    if (parts.length !== 2) throw new Error(`invalid port specification: ${JSON.stringify(raw)}`);
    return [ip, parts[0]!, parts[1]!];
  }
  const parts = raw.split(':');
  if (parts.length === 1) return ['', '', parts[0]!];
  if (parts.length === 2) return ['', parts[0]!, parts[1]!];
  if (parts.length === 3) return [parts[0]!, parts[1]!, parts[2]!];
  // Unbracketed IPv6: everything before the last two parts.
  return [parts.slice(0, -2).join(':'), parts[parts.length - 2]!, parts[parts.length - 1]!];
}

/** "80" → [80, 80]; "8000-8010" → [8000, 8010]. */
export function parsePortRange(s: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (m === null) throw new Error(`invalid port: ${s}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 0 || end > 65535 || start > end) throw new Error(`invalid port range: ${s}`);
  return [start, end];
}

function splitProto(s: string): [port: string, proto: string] {
  const slash = s.indexOf('/');
  if (slash < 0) return [s, 'tcp'];
  return [s.slice(0, slash), s.slice(slash + 1).toLowerCase()];
}

/** Adds one -p spec to `into`. */
export function addPortSpec(raw: string, into: PortSpecs): void {
  const [ip, hostPort, containerSpec] = splitParts(raw);
  const [containerPort, proto] = splitProto(containerSpec);
  if (ip !== '' && isIP(ip) === 0) throw new Error(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new Error(`no port specified: ${raw}<empty>`);
  if (!PROTOCOLS.has(proto)) throw new Error(`invalid proto: ${proto}`);
  let cStart: number;
  let cEnd: number;
  try {
    [cStart, cEnd] = parsePortRange(containerPort);
  } catch {
    throw new Error(`invalid containerPort: ${containerPort}`);
  }
  let hStart = 0;
  let hEnd = 0;
  if (hostPort !== '') {
    try {
      [hStart, hEnd] = parsePortRange(hostPort);
    } catch {
      throw new Error(`invalid hostPort: ${hostPort}`);
    }
  }
  const hostIsRange = hostPort !== '' && hEnd !== hStart;
  if (hostPort !== '' && cEnd - cStart !== hEnd - hStart && !(cEnd === cStart && hostIsRange)) {
    throw new Error(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  for (let i = 0; i <= cEnd - cStart; i++) {
    const key = `${cStart + i}/${proto}`;
    let host = '';
    if (hostPort !== '') host = cEnd === cStart && hostIsRange ? hostPort : String(hStart + i);
    into.exposed[key] = {};
    const list = into.bindings[key] ?? [];
    list.push({ HostIp: ip, HostPort: host });
    into.bindings[key] = list;
  }
}

/** Adds one --expose spec ("80", "80/udp", "8000-8010"). */
export function addExposeSpec(raw: string, into: PortSpecs): void {
  const [port, proto] = splitProto(raw);
  if (!PROTOCOLS.has(proto)) throw new Error(`invalid range format for --expose: invalid proto: ${proto}`);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(port);
  } catch (err) {
    throw new Error(`invalid range format for --expose: ${(err as Error).message}`);
  }
  for (let p = start; p <= end; p++) into.exposed[`${p}/${proto}`] = {};
}

export function parsePortSpecs(publish: readonly string[], expose: readonly string[]): PortSpecs {
  const specs: PortSpecs = { exposed: {}, bindings: {} };
  for (const p of publish) addPortSpec(p, specs);
  for (const e of expose) addExposeSpec(e, specs);
  return specs;
}
