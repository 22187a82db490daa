/**
 * Demultiplexes docker's stdcopy framing (non-tty attach, exec and logs).
 *
 * Each frame is an 8-byte header — stream id (0 stdin, 1 stdout, 2 stderr,
 * 3 system error), three zero bytes, big-endian uint32 payload length —
 * followed by the payload. Frames arrive split at arbitrary points across
 * socket reads, so FrameDecoder keeps the unfinished tail between pushes.
 */
import type { Readable, Writable } from 'node:stream';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSTEMERR = 3;

const HEADER = 8;

export interface Frame {
  stream: number;
  payload: Buffer;
}

/** Incremental frame parser: push bytes in, get whole frames out. */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.#pending.length - offset >= HEADER) {
      const stream = this.#pending[offset]!;
      if (stream > SYSTEMERR) {
        throw new Error(`unrecognized input header: ${stream}`);
      }
      const size = this.#pending.readUInt32BE(offset + 4);
      if (this.#pending.length - offset - HEADER < size) break;
      frames.push({ stream, payload: this.#pending.subarray(offset + HEADER, offset + HEADER + size) });
      offset += HEADER + size;
    }
    this.#pending = this.#pending.subarray(offset);
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

/** Encodes one frame (used by tests and by anything that fakes a daemon stream). */
export function encodeFrame(stream: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(HEADER);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Writes and waits for 'drain' when the sink is full, so slow terminals get backpressure. */
export function writeAll(sink: Writable, data: Buffer): Promise<void> {
  if (sink.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      sink.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      sink.off('drain', onDrain);
      reject(err);
    };
    sink.once('drain', onDrain);
    sink.once('error', onError);
  });
}

/**
 * Copies a multiplexed stream: stdout (and stdin echo) frames to `stdout`,
 * stderr frames to `stderr`. A system-error frame ends the copy with its
 * message as an error. A stream ending inside a frame is an error too.
 */
export async function demuxStream(
  source: AsyncIterable<Buffer> | Readable,
  stdout: Writable | undefined,
  stderr: Writable | undefined,
): Promise<void> {
  const decoder = new FrameDecoder();
  for await (const chunk of source as AsyncIterable<Buffer>) {
    for (const frame of decoder.push(chunk)) {
      if (frame.stream === SYSTEMERR) throw new Error(frame.payload.toString('utf8'));
      const sink = frame.stream === STDERR ? stderr : stdout;
      if (sink !== undefined && frame.payload.length > 0) await writeAll(sink, frame.payload);
    }
  }
  if (decoder.pendingBytes > 0) throw new Error('unexpected EOF in multiplexed stream');
}

/** Copies a raw (tty) stream unchanged. */
export async function copyStream(source: AsyncIterable<Buffer> | Readable, sink: Writable | undefined): Promise<void> {
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (sink !== undefined) await writeAll(sink, chunk);
  }
}
