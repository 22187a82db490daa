/**
 * Test fixtures for the embedded DNS tests (not used by the engine): a small
 * upstream DNS server on real sockets, and a client that sends one query over
 * UDP or TCP. Both encode and decode with dns-packet, as the server does.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet } from 'dns-packet';
import { FrameReader, frame } from './tcp-framing.js';

export type UpstreamMode = 'answer' | 'servfail' | 'silent';

export interface SeenQuery {
  transport: 'udp' | 'tcp';
  id: number;
  name: string;
  type: string;
  from: string;
}

/**
 * A fake resolver on address (UDP and TCP, same random port). In 'answer' mode
 * it answers every A query with `answerIp`; 'servfail' answers SERVFAIL;
 * 'silent' reads and never answers (a resolver that is down but not refusing).
 */
export class FakeUpstream {
  readonly seen: SeenQuery[] = [];
  mode: UpstreamMode = 'answer';
  answerIp = '198.51.100.7';
  port = 0;
  /** The exact bytes of the last reply sent, to check the relay is byte for byte. */
  lastReply: Buffer | undefined;
  #udp: dgram.Socket | undefined;
  #tcp: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();

  constructor(readonly address = '127.0.0.2') {}

  async start(): Promise<void> {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, this.address, () => resolve());
    });
    this.#udp = udp;
    this.port = udp.address().port;
    udp.on('message', (msg, rinfo) => {
      const reply = this.#reply(msg, 'udp', rinfo.address);
      if (reply) udp.send(reply, rinfo.port, rinfo.address);
    });
    const tcp = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => undefined);
      const reader = new FrameReader();
      socket.on('data', (chunk: Buffer) => {
        for (const msg of reader.push(chunk)) {
          const reply = this.#reply(msg, 'tcp', socket.remoteAddress ?? '');
          if (reply) socket.write(frame(reply));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.port, this.address, () => resolve());
    });
    this.#tcp = tcp;
  }

  get spec(): string {
    return `${this.address}:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await Promise.all([
      this.#udp ? new Promise<void>((r) => this.#udp!.close(() => r())) : undefined,
      this.#tcp ? new Promise<void>((r) => this.#tcp!.close(() => r())) : undefined,
    ]);
  }

  #reply(msg: Buffer, transport: 'udp' | 'tcp', from: string): Buffer | undefined {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    const q = query.questions?.[0];
    if (q === undefined) return undefined;
    this.seen.push({ transport, id: query.id ?? 0, name: q.name, type: q.type, from });
    if (this.mode === 'silent') return undefined;
    const answers: Packet['answers'] =
      this.mode === 'answer' && q.type === 'A' ? [{ type: 'A', name: q.name, ttl: 42, data: this.answerIp }] : [];
    this.lastReply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.RECURSION_AVAILABLE | (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED | (this.mode === 'servfail' ? 2 : 0),
      questions: [q],
      answers,
    });
    return this.lastReply;
  }
}

export interface QueryOptions {
  /** Source address to send from (a loopback address: 127.0.0.x), to play another client. */
  from?: string;
  timeoutMs?: number;
}

/** Sends raw bytes over UDP and resolves with the first datagram back, or undefined on timeout. */
export function sendUdp(port: number, raw: Buffer, opts: QueryOptions = {}): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const done = (value: Buffer | undefined, err?: Error): void => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => done(undefined), opts.timeoutMs ?? 2000);
    socket.on('error', (err) => done(undefined, err));
    socket.on('message', (msg) => done(msg));
    socket.bind(0, opts.from ?? '127.0.0.1', () => socket.send(raw, port, '127.0.0.1'));
  });
}

/** One query over UDP, decoded. */
export async function queryUdp(port: number, packet: Packet, opts: QueryOptions = {}): Promise<DecodedPacket | undefined> {
  const reply = await sendUdp(port, dnsPacket.encode(packet), opts);
  return reply === undefined ? undefined : dnsPacket.decode(reply);
}

/** One query over TCP (framed), decoded; undefined if nothing comes back in time. */
export function queryTcp(port: number, packet: Packet, opts: QueryOptions = {}): Promise<DecodedPacket | undefined> {
  return sendTcp(port, [frame(dnsPacket.encode(packet))], opts).then((r) => (r === undefined ? undefined : dnsPacket.decode(r)));
}

/** Writes chunks on one TCP connection and resolves with the first framed message back. */
export function sendTcp(port: number, chunks: Buffer[], opts: QueryOptions = {}): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: opts.from });
    const reader = new FrameReader();
    let settled = false;
    const done = (value: Buffer | undefined, err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => done(undefined), opts.timeoutMs ?? 2000);
    socket.on('error', (err) => done(undefined, err));
    socket.on('close', () => done(undefined));
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
    });
    socket.on('data', (chunk: Buffer) => {
      const [first] = reader.push(chunk);
      if (first !== undefined) done(first);
    });
  });
}

/** Decoded rcode name of a reply (dns-packet decodes it but its types leave it out). */
export function rcodeOf(packet: DecodedPacket): string {
  return (packet as DecodedPacket & { rcode: string }).rcode;
}

export function aQuery(name: string, id = 0x1234, type: 'A' | 'AAAA' | 'PTR' | 'MX' = 'A'): Packet {
  return { type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] };
}
