/**
 * Docker's multiplexed stdio framing (non-tty attach): each frame is an
 * 8-byte header [stream, 0, 0, 0, uint32 big-endian length] and the payload.
 * Stream 0 is stdin, 1 stdout, 2 stderr. berth-monitor writes these on an
 * ATTACH connection; the API layer can pass them through to Docker clients
 * unchanged.
 */

export type StdStream = 0 | 1 | 2;

export interface Frame {
  stream: StdStream;
  data: Buffer;
}

export const FRAME_HEADER_SIZE = 8;

export function encodeFrame(stream: StdStream, data: Uint8Array): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_SIZE);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/**
 * Incremental decoder: push chunks as they arrive from a socket, get back
 * every frame completed so far. A frame split across chunks is kept until
 * its last byte arrives.
 */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Frame[] {
    this.#pending = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    const frames: Frame[] = [];
    while (this.#pending.length >= FRAME_HEADER_SIZE) {
      const stream = this.#pending[0]!;
      if (stream > 2) throw new Error(`invalid stdio frame: stream ${stream}`);
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < FRAME_HEADER_SIZE + size) break;
      frames.push({
        stream: stream as StdStream,
        data: this.#pending.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + size),
      });
      this.#pending = this.#pending.subarray(FRAME_HEADER_SIZE + size);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get buffered(): number {
    return this.#pending.length;
  }
}
