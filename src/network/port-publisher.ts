/**
 * Published ports: a container's PortBindings (and, with -P, every exposed
 * port) turned into host ports reserved by the daemon and DNAT rules in the
 * kernel (firewall/), and back.
 *
 * Host ports are chosen when the container starts, as Docker does: an empty
 * HostPort takes a random free port, a range ("8000-8010") the first free
 * one in it. A port that is taken is an error at start, before the
 * container runs. Because the rules live in the kernel, published ports
 * keep working while berthd restarts; a restarted daemon reserves the same
 * ports again (restore).
 */
import { ConflictError, InvalidArgumentError } from '../errors.js';
import type { Firewall, PortMapping, PortReserver } from './firewall/firewall.js';

export type PortBindingsWire = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null | undefined>;

/** One port as the container asks for it, before a host port is chosen. */
interface PortWish {
  proto: 'tcp' | 'udp';
  containerPort: number;
  hostIp: string;
  /** Inclusive range; [0, 0] = any. */
  hostPorts: [number, number];
}

const ANY_V4 = '0.0.0.0';

function parseKey(key: string): { port: number; proto: 'tcp' | 'udp' } | undefined {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
  if (!m) throw new InvalidArgumentError(`invalid port specification: ${JSON.stringify(key)}`);
  if (m[2] === 'sctp') return undefined; // no sctp NAT module on Berth's hosts: exposed, not published
  return { port: Number(m[1]), proto: (m[2] ?? 'tcp') as 'tcp' | 'udp' };
}

function parseHostPorts(raw: string | undefined): [number, number] {
  if (!raw) return [0, 0];
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] ? Number(m[2]) : lo;
  if (!m || lo > 65535 || hi > 65535 || hi < lo) throw new InvalidArgumentError(`invalid host port: ${JSON.stringify(raw)}`);
  return [lo, hi];
}

/** What the container asks to publish: its bindings, plus every exposed port with -P. */
export function portWishes(bindings: PortBindingsWire | undefined, exposed: Record<string, unknown> | undefined, publishAll: boolean): PortWish[] {
  const out: PortWish[] = [];
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const k = parseKey(key);
    if (!k) continue;
    for (const b of list ?? []) {
      const hostIp = b.HostIp || ANY_V4;
      if (hostIp.includes(':')) continue; // IPv6 host addresses: Berth's networks are IPv4 only
      out.push({ proto: k.proto, containerPort: k.port, hostIp, hostPorts: parseHostPorts(b.HostPort) });
      bound.add(`${k.port}/${k.proto}`);
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const k = parseKey(key);
      if (!k || bound.has(`${k.port}/${k.proto}`)) continue;
      out.push({ proto: k.proto, containerPort: k.port, hostIp: ANY_V4, hostPorts: [0, 0] });
    }
  }
  return out;
}

export class PortPublisher {
  constructor(
    private readonly firewall: Firewall,
    private readonly reserver: PortReserver,
  ) {}

  /** Reserves host ports and installs the rules; on any failure undoes what it did. */
  async publish(wishes: readonly PortWish[], target: { containerIp: string; bridge: string }): Promise<PortMapping[]> {
    const done: PortMapping[] = [];
    try {
      for (const w of wishes) {
        const hostPort = await this.#reserve(w);
        const m: PortMapping = { proto: w.proto, hostIp: w.hostIp, hostPort, containerIp: target.containerIp, containerPort: w.containerPort, bridge: target.bridge };
        done.push(m);
        await this.firewall.publish(m);
      }
      return done;
    } catch (err) {
      await this.unpublish(done);
      throw err;
    }
  }

  async #reserve(w: PortWish): Promise<number> {
    const [lo, hi] = w.hostPorts;
    if (lo === hi) return this.reserver.reserve(w.hostIp, lo, w.proto);
    let last: unknown;
    for (let p = lo; p <= hi; p++) {
      try {
        return await this.reserver.reserve(w.hostIp, p, w.proto);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        last = err;
      }
    }
    throw last ?? new ConflictError(`no free host port in ${lo}-${hi}`);
  }

  async unpublish(mappings: readonly PortMapping[]): Promise<void> {
    for (const m of mappings) {
      await this.firewall.unpublish(m).catch(() => undefined);
      await this.reserver.release(m.hostIp, m.hostPort, m.proto).catch(() => undefined);
    }
  }

  /** After a daemon restart: the rules are still in the kernel; hold the ports again. */
  async restore(mappings: readonly PortMapping[]): Promise<void> {
    for (const m of mappings) {
      await this.reserver.reserve(m.hostIp, m.hostPort, m.proto).catch(() => undefined);
      await this.firewall.publish(m); // idempotent: puts back a rule someone flushed
    }
  }
}

/** NetworkSettings.Ports: every exposed or published port, with its host bindings (null when none). */
export function portsJson(exposed: Record<string, unknown> | undefined, mappings: readonly PortMapping[]): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const key of Object.keys(exposed ?? {})) out[key.includes('/') ? key : `${key}/tcp`] = null;
  for (const m of mappings) {
    const key = `${m.containerPort}/${m.proto}`;
    (out[key] ??= []).push({ HostIp: m.hostIp, HostPort: String(m.hostPort) });
  }
  return out;
}
