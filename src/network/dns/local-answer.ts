import { randomInt } from 'node:crypto';
import { isIPv4 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import { RCODE_NOERROR } from './dns-header.js';
import type { DnsAnswerSource, DnsTransport } from './types.js';

/** Smallest UDP reply every client takes (RFC 1035); bigger only if the query's EDNS OPT says so. */
export const MIN_UDP_SIZE = 512;
/** A TCP message is framed by a 16-bit length. */
export const MAX_TCP_SIZE = 65535;

const IN_ADDR_ARPA = '.in-addr.arpa';

/**
 * The engine's own answer to a one-question query, or undefined when the name
 * (or address) is not the engine's and the query should go upstream.
 *
 * As Docker's resolver: A → every address, shuffled (round robin across the
 * containers sharing an alias); AAAA or any other type of an owned name →
 * NOERROR with no records, so the client does not ask the outside about a
 * container name (Docker does this for AAAA and MX); PTR in in-addr.arpa for an
 * address on the client's networks → its name. The question is echoed as asked
 * (case included: some stubs randomise case and check it).
 */
export function answerLocally(
  query: DecodedPacket,
  question: Question,
  clientIp: string,
  source: DnsAnswerSource,
  ttl: number,
): Packet | undefined {
  if (question.class !== undefined && question.class !== 'IN' && question.class !== 'ANY') return undefined;
  const name = normalizeName(question.name);

  if (question.type === 'PTR' && name.endsWith(IN_ADDR_ARPA)) {
    const ip = reverseNameToIPv4(name);
    const target = ip === undefined ? undefined : source.reverse(clientIp, ip);
    if (target === undefined) return undefined;
    return reply(query, question, RCODE_NOERROR, [
      { type: 'PTR', name: question.name, class: 'IN', ttl, data: normalizeName(target) },
    ]);
  }

  const addresses = source.lookup(clientIp, name);
  if (addresses === undefined) return undefined;
  const type: string = question.type; // dns-packet decodes 255 as 'ANY', which its types leave out
  if (type !== 'A' && type !== 'ANY') return reply(query, question, RCODE_NOERROR, []);
  const answers: Answer[] = shuffled(addresses.filter((a) => isIPv4(a))).map((ip) => ({
    type: 'A',
    name: question.name,
    class: 'IN',
    ttl,
    data: ip,
  }));
  return reply(query, question, RCODE_NOERROR, answers);
}

/** A reply carrying only an rcode (SERVFAIL, FORMERR, NOTIMP), echoing the question if there was one. */
export function failureReply(query: DecodedPacket, rcodeValue: number): Packet {
  return reply(query, query.questions?.[0], rcodeValue, []);
}

/**
 * Encodes a reply within what the client can take: over UDP, 512 bytes or the
 * EDNS size it advertised; answers that do not fit are dropped and TC is set,
 * so the client asks again over TCP and gets them all (as Docker's truncateResp).
 */
export function encodeReply(packet: Packet, query: DecodedPacket, transport: DnsTransport): Buffer {
  const limit = transport === 'tcp' ? MAX_TCP_SIZE : udpLimit(query);
  const answers = packet.answers ?? [];
  const full = dnsPacket.encodingLength(packet);
  if (full <= limit || answers.length === 0) return dnsPacket.encode(packet);
  // dns-packet does not compress names, so every record of one name has the
  // same size: work out how many fit instead of re-encoding one at a time.
  const base = dnsPacket.encodingLength({ ...packet, answers: [] });
  const each = (full - base) / answers.length;
  const fit = Math.max(0, Math.floor((limit - base) / each));
  const flags = (packet.flags ?? 0) | (transport === 'udp' ? dnsPacket.TRUNCATED_RESPONSE : 0);
  return dnsPacket.encode({ ...packet, flags, answers: answers.slice(0, fit) });
}

/** 'Web.Example.' → 'web.example' (DNS names are case-insensitive; the root dot is implied). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}

/** '4.3.2.1.in-addr.arpa' → '1.2.3.4'; undefined for anything that is not one whole address. */
export function reverseNameToIPv4(name: string): string | undefined {
  const normalized = normalizeName(name);
  if (!normalized.endsWith(IN_ADDR_ARPA)) return undefined;
  const octets = normalized.slice(0, -IN_ADDR_ARPA.length).split('.');
  if (octets.length !== 4 || !octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255)) {
    return undefined;
  }
  return octets.reverse().join('.');
}

function reply(query: DecodedPacket, question: Question | undefined, rcodeValue: number, answers: Answer[]): Packet {
  // Keep RD and CD from the query (as SetReply does); RA because we recurse via upstreams.
  const kept = (query.flags ?? 0) & (dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED);
  return {
    type: 'response',
    id: query.id ?? 0,
    flags: kept | dnsPacket.RECURSION_AVAILABLE | (rcodeValue & 0x0f),
    questions: question === undefined ? [] : [question],
    answers,
  };
}

function udpLimit(query: DecodedPacket): number {
  const opt = query.additionals?.find((a) => a.type === 'OPT');
  const advertised = opt !== undefined && 'udpPayloadSize' in opt ? opt.udpPayloadSize : 0;
  return Math.min(MAX_TCP_SIZE, Math.max(MIN_UDP_SIZE, advertised));
}

/** Fisher–Yates on a copy: the source's array is not ours to reorder. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
