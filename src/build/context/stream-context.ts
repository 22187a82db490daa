/**
 * `berth build -`: the context arrives on stdin, and, as in docker/cli's
 * GetContextFromReader, it is either an archive, passed on untouched (a tar,
 * or a gzip/bzip2/xz/zstd-compressed one; the daemon decompresses), or else a
 * Dockerfile, sent as a one-member tar holding just "Dockerfile".
 *
 * The first 512 bytes decide (docker's archiveHeaderSize): a known
 * compression magic, or a tar header whose checksum is right. Docker asks Go's
 * tar reader for a whole first member, which fails on a tar opening with a
 * PAX or GNU long-name header; a valid checksum alone is accepted here.
 */
import { Readable } from 'node:stream';
import { detectCompression } from '../../archive/compression.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from '../../archive/tar-header.js';
import { DEFAULT_DOCKERFILE } from './context-tar.js';

const HEADER_SIZE = 512;

export interface StreamContext {
  /** The context to send. */
  tar: Readable;
  /** True when the input was a Dockerfile (the tar holds it as "Dockerfile"); -f is then ignored. */
  dockerfileOnly: boolean;
}

export async function contextFromStream(input: AsyncIterable<Buffer | string>): Promise<StreamContext> {
  const it = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < HEADER_SIZE) {
    const r = await it.next();
    if (r.done === true) {
      ended = true;
      break;
    }
    const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    head.push(chunk);
    headLength += chunk.length;
  }
  const first = Buffer.concat(head);
  if (isArchive(first.subarray(0, HEADER_SIZE))) {
    const rest = async function* (): AsyncGenerator<Buffer> {
      yield first;
      if (ended) return;
      for (let r = await it.next(); r.done !== true; r = await it.next()) yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    };
    return { tar: Readable.from(rest(), { objectMode: false }), dockerfileOnly: false };
  }
  const body: Buffer[] = [first];
  if (!ended) for (let r = await it.next(); r.done !== true; r = await it.next()) body.push(typeof r.value === 'string' ? Buffer.from(r.value) : r.value);
  return { tar: Readable.from([dockerfileOnlyTar(Buffer.concat(body))], { objectMode: false }), dockerfileOnly: true };
}

/** docker/cli's build.IsArchive: compressed, or a tar header with a valid checksum. */
export function isArchive(head: Buffer): boolean {
  if (head.length >= 2 && detectCompression(head) !== 'none') return true;
  if (head.length < HEADER_SIZE) return false;
  const field = head.subarray(148, 156).toString('latin1').replace(/[\0 ]+/g, ' ').trim();
  if (!/^[0-7]+$/.test(field)) return false;
  const want = parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < HEADER_SIZE; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : head[i]!;
    unsigned += b;
    signed += b < 128 ? b : b - 256;
  }
  return want === unsigned || want === signed;
}

/** A context holding one Dockerfile (mode 0644, owned by 0:0). */
export function dockerfileOnlyTar(content: Buffer): Buffer {
  const header = encodeHeader({ name: DEFAULT_DOCKERFILE, type: 'file', mode: 0o644, uid: 0, gid: 0, size: content.length, mtime: Math.floor(Date.now() / 1000) });
  return Buffer.concat([header, content, padding(content.length), END_OF_ARCHIVE]);
}
