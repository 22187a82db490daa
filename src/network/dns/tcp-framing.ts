/**
 * DNS over TCP frames every message with a two-byte big-endian length
 * (RFC 1035 §4.2.2, RFC 7766). Used both by the server side (queries from
 * containers) and by the forwarder (replies from upstreams).
 */

/** A message with its length prefix, ready to write to a TCP socket. */
export function frame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length, 0);
  return Buffer.concat([prefix, message]);
}

/**
 * Cuts a TCP byte stream into whole messages. Memory is bounded: a frame is at
 * most 64 KiB and only the unfinished one is kept between chunks.
 */
export class FrameReader {
  #pending: Buffer = Buffer.alloc(0);

  /** Appends a chunk and returns every message it completes (zero-length frames included). */
  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    while (this.#pending.length - offset >= 2) {
      const length = this.#pending.readUInt16BE(offset);
      if (this.#pending.length - offset - 2 < length) break;
      messages.push(this.#pending.subarray(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    // Copy the unfinished tail so a later concat does not keep old chunks alive.
    this.#pending = offset === 0 ? this.#pending : Buffer.from(this.#pending.subarray(offset));
    return messages;
  }
}
