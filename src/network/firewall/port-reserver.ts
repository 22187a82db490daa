/**
 * Host ports held by berthd for published ports.
 *
 * The DNAT rules take a published port's traffic before it reaches any
 * socket, so nothing in the kernel stops two containers from publishing the
 * same port, or a container from publishing a port that another program
 * serves. The reserver closes that gap the way Docker's port mapper does:
 * for every published port berthd binds (and for TCP listens on) a socket
 * of its own and holds it open. A port that is taken, by another container
 * or any other program, is then an error at container start instead of a
 * silent hijack, and a random port (hostPort 0) is one nobody else uses.
 *
 * Lifecycle: reserve when the container starts (before the firewall
 * publishes), release when it stops, releaseAll when the daemon exits;
 * after a daemon restart the daemon reserves its running containers' ports
 * again. The sockets are unref'd: they never keep the process alive.
 */
import * as dgram from 'node:dgram';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import { ConflictError, InvalidArgumentError, PermissionDeniedError } from '../../errors.js';
import { checkIpv4 } from './rules.js';

export type PortProto = 'tcp' | 'udp';

export interface PortReserverOptions {
  /** Where random ports come from; default the kernel's ip_local_port_range (32768–60999 on stock Linux). */
  range?: { first: number; last: number };
}

interface Held {
  close(): Promise<void>;
}

const ANY = '0.0.0.0';
const DEFAULT_RANGE = { first: 32768, last: 60999 };

export class PortReserver {
  /** `proto/port` → host ip → the socket (a promise while it binds, so a second caller sees it taken). */
  readonly #held = new Map<string, Map<string, Promise<Held>>>();
  #range: { first: number; last: number } | undefined;
  #next = 0;

  constructor(opts: PortReserverOptions = {}) {
    this.#range = opts.range;
  }

  /** The range random ports come from. */
  async range(): Promise<{ first: number; last: number }> {
    if (!this.#range) {
      // Docker's port allocator reads the same sysctl for its dynamic range.
      const text = await fs.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
      const [first, last] = text.trim().split(/\s+/).map(Number);
      this.#range = first && last && first <= last && last <= 65535 ? { first, last } : DEFAULT_RANGE;
    }
    return this.#range;
  }

  /**
   * Holds hostIp:hostPort/proto and returns the port; hostPort 0 picks a free
   * one from the dynamic range. Taken → ConflictError, in Docker's words.
   */
  async reserve(hostIp: string, hostPort: number, proto: PortProto): Promise<number> {
    checkIpv4(hostIp, 'host ip');
    if (proto !== 'tcp' && proto !== 'udp') throw new InvalidArgumentError(`invalid protocol: ${JSON.stringify(proto)} (tcp or udp)`);
    if (!Number.isInteger(hostPort) || hostPort < 0 || hostPort > 65535) throw new InvalidArgumentError(`invalid host port: ${hostPort}`);
    if (hostPort !== 0) {
      if (this.#conflicts(hostIp, hostPort, proto)) throw new ConflictError(`Bind for ${hostIp}:${hostPort} failed: port is already allocated`);
      await this.#hold(hostIp, hostPort, proto);
      return hostPort;
    }
    const { first, last } = await this.range();
    const size = last - first + 1;
    // Docker's allocator walks the range from the last port it gave out; we
    // start the walk at a random place so that several daemons on one host
    // (tests) do not all try the same ports first.
    if (this.#next === 0) this.#next = first + Math.floor(Math.random() * size);
    for (let i = 0; i < size; i++) {
      const port = first + ((this.#next - first + i) % size);
      if (this.#conflicts(hostIp, port, proto)) continue;
      try {
        await this.#hold(hostIp, port, proto);
      } catch (err) {
        if (err instanceof ConflictError) continue;
        throw err;
      }
      this.#next = port + 1 > last ? first : port + 1;
      return port;
    }
    throw new ConflictError(`Bind for ${hostIp}:0 failed: all ports are allocated`);
  }

  /** Closes the socket holding the port; nothing if it is not held. */
  async release(hostIp: string, hostPort: number, proto: PortProto): Promise<void> {
    const byIp = this.#held.get(`${proto}/${hostPort}`);
    const held = byIp?.get(hostIp);
    if (!byIp || !held) return;
    byIp.delete(hostIp);
    if (byIp.size === 0) this.#held.delete(`${proto}/${hostPort}`);
    await held.then((h) => h.close(), () => undefined);
  }

  async releaseAll(): Promise<void> {
    const all = [...this.#held.values()].flatMap((byIp) => [...byIp.values()]);
    this.#held.clear();
    await Promise.all(all.map((p) => p.then((h) => h.close(), () => undefined)));
  }

  /** Every port held now. */
  list(): Array<{ hostIp: string; hostPort: number; proto: PortProto }> {
    return [...this.#held.entries()].flatMap(([key, byIp]) => {
      const [proto, port] = key.split('/') as [PortProto, string];
      return [...byIp.keys()].map((hostIp) => ({ hostIp, hostPort: Number(port), proto }));
    });
  }

  /** 0.0.0.0:P and 127.0.0.1:P overlap; two different specific addresses do not. */
  #conflicts(hostIp: string, port: number, proto: PortProto): boolean {
    const byIp = this.#held.get(`${proto}/${port}`);
    if (!byIp) return false;
    return byIp.has(hostIp) || (hostIp === ANY ? byIp.size > 0 : byIp.has(ANY));
  }

  async #hold(hostIp: string, port: number, proto: PortProto): Promise<void> {
    const key = `${proto}/${port}`;
    const pending = proto === 'tcp' ? listenTcp(hostIp, port) : bindUdp(hostIp, port);
    const byIp = this.#held.get(key) ?? new Map<string, Promise<Held>>();
    byIp.set(hostIp, pending);
    this.#held.set(key, byIp);
    try {
      await pending;
    } catch (err) {
      if (byIp.get(hostIp) === pending) byIp.delete(hostIp);
      if (byIp.size === 0 && this.#held.get(key) === byIp) this.#held.delete(key);
      throw bindError(err, hostIp, port, proto);
    }
  }
}

function listenTcp(host: string, port: number): Promise<Held> {
  // A connection can only reach this socket when the DNAT rule is missing;
  // it is closed at once rather than left hanging.
  const server = net.createServer({ pauseOnConnect: true }, (sock) => sock.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      server.unref();
      resolve({ close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

function bindUdp(address: string, port: number): Promise<Held> {
  const sock = dgram.createSocket({ type: 'udp4' });
  return new Promise((resolve, reject) => {
    sock.once('error', (err) => {
      sock.close();
      reject(err);
    });
    sock.bind({ address, port, exclusive: true }, () => {
      sock.removeAllListeners('error');
      sock.on('error', () => undefined);
      sock.unref();
      resolve({ close: () => new Promise<void>((done) => sock.close(() => done())) });
    });
  });
}

function bindError(err: unknown, hostIp: string, port: number, proto: PortProto): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const what = `failed to bind host port ${hostIp}:${port}/${proto}`;
  if (code === 'EADDRINUSE') return new ConflictError(`${what}: address already in use`, { cause: err });
  if (code === 'EADDRNOTAVAIL') return new InvalidArgumentError(`${what}: cannot assign requested address`, { cause: err });
  if (code === 'EACCES') return new PermissionDeniedError(`${what}: permission denied`, { cause: err });
  return new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
