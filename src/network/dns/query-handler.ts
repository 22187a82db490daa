import dnsPacket from 'dns-packet';
import type { DecodedPacket } from 'dns-packet';
import { hasHeader, isResponse, OPCODE_QUERY, opcode, RCODE_FORMERR, RCODE_NOTIMP, RCODE_SERVFAIL } from './dns-header.js';
import { forwardQuery } from './forwarder.js';
import { answerLocally, encodeReply, failureReply } from './local-answer.js';
import {
  DEFAULT_FORWARD_TIMEOUT_MS,
  DEFAULT_MAX_FORWARDS,
  DEFAULT_MAX_FORWARDS_PER_CLIENT,
  DEFAULT_TTL,
  MAX_UPSTREAMS,
  type DnsTransport,
  type EmbeddedDnsOptions,
} from './types.js';
import { parseUpstream, type Upstream } from './upstream-address.js';

/**
 * Turns one raw query into one raw reply (or none), whatever socket it came on.
 *
 * Order of decisions: drop what is not a query (undecodable, or a response —
 * answering those could loop two servers into each other); answer from the
 * engine's names; otherwise forward if the client's network allows it and a
 * forwarding slot is free; otherwise SERVFAIL, as Docker answers external names
 * on --internal networks. The only synchronous work per query is one decode,
 * one source lookup and one encode; forwarding is all I/O.
 *
 * `handle` never rejects: a failure becomes SERVFAIL (or no reply) and is
 * reported through onError.
 */
export class QueryHandler {
  readonly #opts: EmbeddedDnsOptions;
  readonly #ttl: number;
  readonly #timeoutMs: number;
  readonly #maxForwards: number;
  readonly #maxPerClient: number;
  /** Forwarded queries in flight, per client address and in total. */
  readonly #inFlight = new Map<string, number>();
  #inFlightTotal = 0;
  readonly #isSelf: (upstream: Upstream) => boolean;

  constructor(opts: EmbeddedDnsOptions, isSelf: (upstream: Upstream) => boolean) {
    this.#opts = opts;
    this.#ttl = opts.ttl ?? DEFAULT_TTL;
    this.#timeoutMs = opts.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS;
    this.#maxForwards = opts.maxForwards ?? DEFAULT_MAX_FORWARDS;
    this.#maxPerClient = opts.maxForwardsPerClient ?? DEFAULT_MAX_FORWARDS_PER_CLIENT;
    this.#isSelf = isSelf;
  }

  async handle(raw: Buffer, clientIp: string, transport: DnsTransport, signal: AbortSignal): Promise<Buffer | undefined> {
    if (!hasHeader(raw) || isResponse(raw)) return undefined;
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(raw);
    } catch {
      return undefined; // malformed: dropped, as a real resolver does
    }
    try {
      if (opcode(raw) !== OPCODE_QUERY) return encodeReply(failureReply(query, RCODE_NOTIMP), query, transport);
      const question = query.questions?.[0];
      if (question === undefined || query.questions!.length !== 1) {
        return encodeReply(failureReply(query, RCODE_FORMERR), query, transport);
      }
      const local = answerLocally(query, question, clientIp, this.#opts.source, this.#ttl);
      if (local !== undefined) return encodeReply(local, query, transport);
      if (!this.#opts.source.mayForward(clientIp)) return this.#servfail(query, transport);
      return (await this.#forward(raw, clientIp, transport, signal)) ?? this.#servfail(query, transport);
    } catch (err) {
      this.#report(err);
      return this.#servfail(query, transport);
    }
  }

  async #forward(raw: Buffer, clientIp: string, transport: DnsTransport, signal: AbortSignal): Promise<Buffer | undefined> {
    const upstreams = this.#upstreams();
    if (upstreams.length === 0) return undefined;
    const mine = this.#inFlight.get(clientIp) ?? 0;
    if (mine >= this.#maxPerClient || this.#inFlightTotal >= this.#maxForwards) return undefined;
    this.#inFlight.set(clientIp, mine + 1);
    this.#inFlightTotal++;
    try {
      return await forwardQuery(raw, transport, upstreams, this.#timeoutMs, signal);
    } finally {
      this.#inFlightTotal--;
      const left = (this.#inFlight.get(clientIp) ?? 1) - 1;
      if (left === 0) this.#inFlight.delete(clientIp);
      else this.#inFlight.set(clientIp, left);
    }
  }

  /** The first three usable upstreams; never one of our own listeners (that would loop). */
  #upstreams(): Upstream[] {
    const out: Upstream[] = [];
    for (const spec of this.#opts.upstreams()) {
      let upstream: Upstream;
      try {
        upstream = parseUpstream(spec);
      } catch (err) {
        this.#report(err);
        continue;
      }
      if (this.#isSelf(upstream)) continue;
      out.push(upstream);
      if (out.length === MAX_UPSTREAMS) break;
    }
    return out;
  }

  #servfail(query: DecodedPacket, transport: DnsTransport): Buffer | undefined {
    try {
      return encodeReply(failureReply(query, RCODE_SERVFAIL), query, transport);
    } catch (err) {
      this.#report(err);
      return undefined;
    }
  }

  #report(err: unknown): void {
    try {
      this.#opts.onError?.(err);
    } catch {
      // a failing error sink must not take the server down
    }
  }
}
