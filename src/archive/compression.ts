/**
 * Compression of layer streams, detected from the first bytes rather than
 * trusted from a media type: Docker accepts a gzipped tar wherever a tar is
 * expected, and so do we. gzip is decoded (node:zlib, multi-member streams
 * included), zstd by the host's zstd (host/zstd-tool.ts: Node 20 has no
 * decoder for it); xz and bzip2 are recognised and refused by name.
 */
import { Readable } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { NotImplementedError } from '../errors.js';
import { zstdDecoder } from '../host/zstd-tool.js';

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

export function detectCompression(head: Uint8Array): Compression {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  return 'none';
}

/** The stream's uncompressed bytes: the input itself when it is plain, else a decoder fed from it. */
export async function decompressed(input: NodeJS.ReadableStream | Readable): Promise<Readable> {
  const source = input instanceof Readable ? input : new Readable().wrap(input);
  const { head, ended } = await readHead(source, 6);
  const kind = detectCompression(head);
  // After 'end' nothing can be unshifted, so a tiny input is replayed from what was read.
  const plain = ended ? Readable.from(head.length > 0 ? [head] : []) : source;
  if (kind === 'none') return plain;
  if (kind === 'zstd') return zstdDecoder(plain);
  if (kind !== 'gzip') {
    source.destroy();
    throw new NotImplementedError(`${kind}-compressed archives are not supported`);
  }
  // A deep output buffer lets zlib (on the thread pool) run ahead while the main thread writes files.
  // (zlib streams take Transform options too; @types/node does not say so.)
  const options: ZlibOptions & { highWaterMark: number } = { chunkSize: 64 * 1024, highWaterMark: 4 * 1024 * 1024 };
  const gunzip = createGunzip(options);
  plain.on('error', (err) => gunzip.destroy(err));
  return plain.pipe(gunzip);
}

/**
 * Reads at least n bytes (fewer at end of stream) and puts them back. A
 * stream destroyed before or while this waits (with or without an error)
 * rejects: it will never say 'end' or 'error' again.
 */
function readHead(stream: Readable, n: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed) {
      reject(stream.errored ?? new Error('the stream was closed before it was read'));
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (ended: boolean) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      const head = Buffer.concat(chunks);
      if (!ended && head.length > 0) stream.unshift(head);
      resolve({ head, ended });
    };
    const onClose = () => {
      if (stream.readableEnded) return;
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      reject(stream.errored ?? new Error('the stream was closed before it was read'));
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = stream.read() as Buffer | null) !== null) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        length += chunk.length;
        if (length >= n) return finish(false);
      }
    };
    const onEnd = () => finish(true);
    const onError = (err: Error) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      reject(err);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}
