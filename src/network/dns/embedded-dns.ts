import dgram from 'node:dgram';
import net from 'node:net';
import { ConflictError, FailedPreconditionError, InvalidArgumentError, isErrno, UnavailableError } from '../../errors.js';
import { QueryHandler } from './query-handler.js';
import { FrameReader, frame } from './tcp-framing.js';
import type { DnsTransport, EmbeddedDnsOptions } from './types.js';
import type { Upstream } from './upstream-address.js';

/** RFC 7766 suggests closing idle DNS-over-TCP connections after some seconds. */
const TCP_IDLE_MS = 10_000;
/** Bounds on TCP clients so one container cannot hold every connection or queue. */
const MAX_TCP_CONNECTIONS = 256;
const MAX_TCP_CONNECTIONS_PER_CLIENT = 32;
const MAX_TCP_PIPELINE = 32;
/** With port 0 the UDP port is random and TCP must take the same one: retry if it is taken. */
const RANDOM_PORT_ATTEMPTS = 8;

interface Listener {
  address: string;
  port: number;
  udp: dgram.Socket;
  tcp: net.Server;
  connections: Set<net.Socket>;
  /** Aborted on close: in-flight forwards give up and release their sockets. */
  shutdown: AbortController;
}

/**
 * The engine's DNS server for user-defined networks (Docker's embedded DNS).
 *
 * berthd lives in the host network namespace, so it listens on each network's
 * gateway address, port 53, UDP and TCP; containers on that network have
 * `nameserver <gateway>` in resolv.conf. Lifecycle: `listen(gateway)` after the
 * bridge has the address (before, the bind fails with EADDRNOTAVAIL),
 * `close(gateway)` when the network goes, `closeAll()` at daemon shutdown.
 * Nothing starts at construction.
 */
export class EmbeddedDns {
  readonly #opts: EmbeddedDnsOptions;
  readonly #handler: QueryHandler;
  readonly #listeners = new Map<string, Listener>();
  readonly #opening = new Map<string, Promise<void>>();

  constructor(opts: EmbeddedDnsOptions) {
    this.#opts = opts;
    this.#handler = new QueryHandler(opts, (u) => this.#isSelf(u));
  }

  /**
   * Serves DNS on address:port over UDP and TCP. Idempotent per address: a
   * second call for an address already served resolves at once. Port 0 picks a
   * free port (for tests); read it with `port(address)`.
   */
  async listen(address: string, port = 53): Promise<void> {
    if (net.isIP(address) === 0) throw new InvalidArgumentError(`invalid dns listen address: ${address}`);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidArgumentError(`invalid dns listen port: ${port}`);
    }
    // Wait out a listen already under way for this address (its failure is its caller's).
    for (let opening = this.#opening.get(address); opening !== undefined; opening = this.#opening.get(address)) {
      await opening.catch(() => undefined);
    }
    const existing = this.#listeners.get(address);
    if (existing !== undefined) {
      if (port !== 0 && port !== existing.port) {
        throw new ConflictError(`dns already listening on ${address} port ${existing.port}, not ${port}`);
      }
      return;
    }
    const started = this.#open(address, port).then((listener) => {
      this.#listeners.set(address, listener);
    });
    this.#opening.set(address, started);
    try {
      await started;
    } finally {
      this.#opening.delete(address);
    }
  }

  /** Stops serving on address, dropping open TCP connections and in-flight forwards. No-op if not served. */
  async close(address: string): Promise<void> {
    await this.#opening.get(address)?.catch(() => undefined);
    const listener = this.#listeners.get(address);
    if (listener === undefined) return;
    this.#listeners.delete(address);
    listener.shutdown.abort();
    for (const socket of listener.connections) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => listener.udp.close(() => resolve())),
      new Promise<void>((resolve) => listener.tcp.close(() => resolve())),
    ]);
  }

  async closeAll(): Promise<void> {
    const addresses = new Set([...this.#listeners.keys(), ...this.#opening.keys()]);
    await Promise.all([...addresses].map((a) => this.close(a)));
  }

  /** The addresses being served. */
  listening(): string[] {
    return [...this.#listeners.keys()];
  }

  /** The port served on address (the one picked when listening on port 0), or undefined. */
  port(address: string): number | undefined {
    return this.#listeners.get(address)?.port;
  }

  async #open(address: string, port: number): Promise<Listener> {
    const attempts = port === 0 ? RANDOM_PORT_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      const shutdown = new AbortController();
      const udp = await bindUdp(address, port).catch((err: unknown) => {
        throw listenError(err, address, port);
      });
      const actual = udp.address().port;
      const listener: Listener = { address, port: actual, udp, tcp: net.createServer(), connections: new Set(), shutdown };
      try {
        await listenTcp(listener.tcp, address, actual);
      } catch (err) {
        udp.close();
        if (attempt < attempts && isErrno(err, 'EADDRINUSE')) continue;
        throw listenError(err, address, actual);
      }
      this.#serve(listener);
      return listener;
    }
  }

  #serve(listener: Listener): void {
    const { udp, tcp } = listener;
    udp.on('error', (err) => this.#report(err));
    udp.on('message', (msg, rinfo) => {
      void this.#answerUdp(listener, msg, rinfo);
    });
    tcp.on('error', (err) => this.#report(err));
    tcp.on('connection', (socket) => this.#acceptTcp(listener, socket));
  }

  async #answerUdp(listener: Listener, msg: Buffer, rinfo: dgram.RemoteInfo): Promise<void> {
    try {
      const reply = await this.#answer(listener, msg, rinfo.address, 'udp');
      if (reply !== undefined && !listener.shutdown.signal.aborted) {
        listener.udp.send(reply, rinfo.port, rinfo.address, () => undefined);
      }
    } catch (err) {
      this.#report(err);
    }
  }

  #acceptTcp(listener: Listener, socket: net.Socket): void {
    socket.on('error', () => undefined); // a client resetting its connection is not our failure
    const clientIp = clientAddress(socket.remoteAddress ?? '');
    let fromClient = 0;
    for (const other of listener.connections) if (clientAddress(other.remoteAddress ?? '') === clientIp) fromClient++;
    if (listener.connections.size >= MAX_TCP_CONNECTIONS || fromClient >= MAX_TCP_CONNECTIONS_PER_CLIENT) {
      socket.destroy();
      return;
    }
    listener.connections.add(socket);
    socket.on('close', () => listener.connections.delete(socket));
    const reader = new FrameReader();
    let pending = 0;
    // Idle means no query waiting as well as no bytes: a slow forward (up to three
    // upstream timeouts) must not lose its connection before the answer is written.
    // ('timeout' with on(), not setTimeout's callback: that one is a once-listener.)
    socket.setTimeout(TCP_IDLE_MS);
    socket.on('timeout', () => {
      if (pending === 0) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      for (const msg of reader.push(chunk)) {
        // Pipelined queries are answered as each is ready (RFC 7766 allows any order);
        // past a bound, stop reading until some are done.
        if (++pending >= MAX_TCP_PIPELINE) socket.pause();
        this.#answer(listener, msg, clientIp, 'tcp')
          .then((reply) => {
            if (reply !== undefined && !socket.destroyed) socket.write(frame(reply));
          })
          .catch((err: unknown) => this.#report(err))
          .finally(() => {
            if (--pending < MAX_TCP_PIPELINE && socket.isPaused() && !socket.destroyed) socket.resume();
          });
      }
    });
  }

  #answer(listener: Listener, msg: Buffer, from: string, transport: DnsTransport): Promise<Buffer | undefined> {
    return this.#handler.handle(msg, clientAddress(from), transport, listener.shutdown.signal);
  }

  #isSelf(upstream: Upstream): boolean {
    return this.#listeners.get(upstream.host)?.port === upstream.port;
  }

  #report(err: unknown): void {
    try {
      this.#opts.onError?.(err);
    } catch {
      // a failing error sink must not take the server down
    }
  }
}

/** '::ffff:172.18.0.2' (a v4 client on a dual-stack socket) → '172.18.0.2'. */
function clientAddress(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind({ address, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      // Until #serve attaches the reporting handler, an error must not go unhandled.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

function listenTcp(server: net.Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function listenError(err: unknown, address: string, port: number): Error {
  const where = `${address} port ${port}`;
  if (isErrno(err, 'EADDRINUSE')) return new ConflictError(`dns cannot listen on ${where}: address already in use`, { cause: err });
  if (isErrno(err, 'EADDRNOTAVAIL')) {
    return new FailedPreconditionError(`dns cannot listen on ${where}: address not assigned to any interface`, { cause: err });
  }
  return new UnavailableError(`dns cannot listen on ${where}`, { cause: err });
}
