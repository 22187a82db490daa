/**
 * Sends a byte range of an open file as a response body, with little CPU:
 * node has no sendfile(2), so this is the next best thing — two reused
 * 1 MiB buffers per response (one being read from disk while the other is
 * written to the socket), taken from a small free list shared by all
 * responses. A plain fs read stream allocates a fresh buffer per chunk; at
 * hundreds of MB/s the garbage collector then costs as much as the copying.
 *
 * Lifecycle: sendFileRange(handle, res, start, end) → resolves when the last
 * byte is handed to the socket and res.end() is called; rejects (and stops
 * reading) when the client goes away. The caller owns and closes the handle.
 */
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

const CHUNK = 1 << 20;
const POOL_MAX = 16;
const pool: Buffer[] = [];

function take(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafe(CHUNK);
}

function give(buf: Buffer): void {
  if (pool.length < POOL_MAX) pool.push(buf);
}

export async function sendFileRange(handle: FileHandle, res: ServerResponse, start: number, end: number): Promise<void> {
  const bufs = [take(), take()];
  const inFlight: Array<Promise<void> | undefined> = [undefined, undefined];
  // A write queued on a socket that dies may never call back: the loop also stops on 'close'.
  let onClose: () => void = () => undefined;
  const gone = new Promise<never>((_, reject) => {
    onClose = () => {
      if (!res.writableFinished) reject(new Error('client closed the connection'));
    };
  });
  gone.catch(() => undefined);
  res.once('close', onClose);
  let clean = false;
  try {
    let pos = start;
    let i = 0;
    while (pos <= end) {
      if (inFlight[i] !== undefined) await Promise.race([inFlight[i], gone]);
      const buf = bufs[i]!;
      const { bytesRead } = await Promise.race([handle.read(buf, 0, Math.min(CHUNK, end - pos + 1), pos), gone]);
      if (bytesRead === 0) throw new Error(`file ended at ${pos}, before ${end + 1}`);
      pos += bytesRead;
      inFlight[i] = write(res, bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      inFlight[i]!.catch(() => undefined);
      i ^= 1;
    }
    await Promise.race([Promise.all(inFlight), gone]);
    await Promise.race([new Promise<void>((resolve) => res.end(resolve)), gone]);
    clean = true;
  } finally {
    res.off('close', onClose);
    // Buffers still queued on a dead socket are left to the garbage collector, never reused.
    if (clean) bufs.forEach(give);
  }
}

function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    res.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}
