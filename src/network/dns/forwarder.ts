import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import {
  hasHeader,
  isAuthoritative,
  isResponse,
  messageId,
  RCODE_NOERROR,
  RCODE_NXDOMAIN,
  rcode,
  withId,
} from './dns-header.js';
import { FrameReader, frame } from './tcp-framing.js';
import type { DnsTransport } from './types.js';
import type { Upstream } from './upstream-address.js';

/**
 * Sends a client's query to the host's resolvers and returns their reply.
 *
 * Each attempt uses a fresh socket (a new random source port) and a fresh
 * random ID, so a forged reply must guess both; the client's ID is put back on
 * the reply, which is otherwise relayed byte for byte. UDP queries go out over
 * UDP (a truncated reply is relayed as is, so the client retries over TCP) and
 * TCP queries over TCP.
 *
 * Upstreams are tried in order, as Docker does: a reply that is SERVFAIL,
 * REFUSED, a non-authoritative NXDOMAIN or any other error code moves on to
 * the next one, and is relayed only if no later upstream does better; no reply
 * within the timeout (or a refused connection) also moves on.
 */
export async function forwardQuery(
  query: Buffer,
  transport: DnsTransport,
  upstreams: readonly Upstream[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer | undefined> {
  const clientId = messageId(query);
  let fallback: Buffer | undefined;
  for (const upstream of upstreams) {
    if (signal.aborted) break;
    const id = randomInt(0x10000);
    const outgoing = withId(query, id);
    let answer: Buffer;
    try {
      answer =
        transport === 'tcp'
          ? await exchangeTcp(outgoing, id, upstream, timeoutMs, signal)
          : await exchangeUdp(outgoing, id, upstream, timeoutMs, signal);
    } catch {
      continue; // timeout, refused, unreachable: the next upstream may do better
    }
    const relayed = withId(answer, clientId);
    if (isFinal(answer)) return relayed;
    fallback = relayed;
  }
  return fallback;
}

function isFinal(reply: Buffer): boolean {
  const code = rcode(reply);
  // RFC 8020: an authoritative NXDOMAIN is the truth; a recursive one may be a
  // split-horizon resolver that does not know the name while the next one does.
  return code === RCODE_NOERROR || (code === RCODE_NXDOMAIN && isAuthoritative(reply));
}

function isReplyTo(msg: Buffer, id: number): boolean {
  return hasHeader(msg) && isResponse(msg) && messageId(msg) === id;
}

/** One UDP round trip on a connected socket: datagrams from other addresses never reach us. */
function exchangeUdp(
  query: Buffer,
  id: number,
  upstream: Upstream,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(upstream.family === 6 ? 'udp6' : 'udp4');
    const finish = settleOnce(signal, timeoutMs, () => socket.close(), resolve, reject);
    // ECONNREFUSED (ICMP port unreachable) arrives here: fail fast, try the next one.
    socket.on('error', (err) => finish(err));
    socket.on('message', (msg) => {
      if (isReplyTo(msg, id)) finish(undefined, msg);
    });
    socket.connect(upstream.port, upstream.host, () => {
      try {
        socket.send(query, (err) => {
          if (err) finish(err);
        });
      } catch (err) {
        finish(err as Error); // closed meanwhile (timeout or shutdown)
      }
    });
  });
}

/** One TCP round trip: connect, write the framed query, read the first framed reply with our ID. */
function exchangeTcp(
  query: Buffer,
  id: number,
  upstream: Upstream,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: upstream.host, port: upstream.port });
    const finish = settleOnce(signal, timeoutMs, () => socket.destroy(), resolve, reject);
    const reader = new FrameReader();
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`dns upstream ${upstream.host} closed the connection`)));
    socket.on('connect', () => socket.write(frame(query)));
    socket.on('data', (chunk: Buffer) => {
      for (const msg of reader.push(chunk)) {
        if (isReplyTo(msg, id)) return finish(undefined, msg);
      }
    });
  });
}

/**
 * Settles a round trip once: on the reply, an error, the timeout or the
 * server's shutdown (signal), always releasing the socket.
 */
function settleOnce(
  signal: AbortSignal,
  timeoutMs: number,
  release: () => void,
  resolve: (msg: Buffer) => void,
  reject: (err: Error) => void,
): (err?: Error, msg?: Buffer) => void {
  let settled = false;
  const onAbort = (): void => finish(new Error('dns server closed'));
  const timer = setTimeout(() => finish(new Error('dns upstream timed out')), timeoutMs);
  signal.addEventListener('abort', onAbort, { once: true });
  function finish(err?: Error, msg?: Buffer): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    try {
      release();
    } catch {
      // already closed: nothing left to release
    }
    if (msg !== undefined && err === undefined) resolve(msg);
    else reject(err ?? new Error('dns upstream gave no reply'));
  }
  if (signal.aborted) finish(new Error('dns server closed'));
  return finish;
}
