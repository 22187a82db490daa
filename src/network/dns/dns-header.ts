/**
 * The few fixed DNS header fields (RFC 1035 §4.1.1) read or written on raw bytes.
 *
 * Messages are encoded and decoded with dns-packet everywhere else. These
 * helpers exist for the relay path: a forwarded reply is passed back byte for
 * byte except for its ID, and re-encoding it would change it (name compression,
 * record types dns-packet does not model), so only the header is touched.
 */
export const HEADER_LENGTH = 12;

export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_NOTIMP = 4;
export const RCODE_REFUSED = 5;

export const OPCODE_QUERY = 0;

export function hasHeader(msg: Buffer): boolean {
  return msg.length >= HEADER_LENGTH;
}

export function messageId(msg: Buffer): number {
  return msg.readUInt16BE(0);
}

/** A copy of msg with another ID; the original is left as it is. */
export function withId(msg: Buffer, id: number): Buffer {
  const copy = Buffer.from(msg);
  copy.writeUInt16BE(id, 0);
  return copy;
}

/** The QR bit: set on responses. */
export function isResponse(msg: Buffer): boolean {
  return (msg[2]! & 0x80) !== 0;
}

export function opcode(msg: Buffer): number {
  return (msg[2]! >> 3) & 0x0f;
}

export function isAuthoritative(msg: Buffer): boolean {
  return (msg[2]! & 0x04) !== 0;
}

export function rcode(msg: Buffer): number {
  return msg[3]! & 0x0f;
}
