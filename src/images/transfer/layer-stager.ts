/**
 * Unpacks the layers of an uploaded archive while they stream in.
 *
 * An archive names its layers in manifest.json / index.json, which `docker
 * save` writes after the blobs. Rather than store every blob first and read
 * each one back to unpack it once the manifest is known, every big file whose
 * first bytes look like a layer (a ustar header, or gzip) is teed as it
 * streams: the archive reader stores one copy in the content store, and this
 * module unpacks the other into a parentless snapshot ("extract-load-…").
 * When the manifest has been read, the loader commits each staged snapshot
 * under its chain ID on its real parent (Snapshotter.commit with
 * `{ parent }`: a layer's own directory does not depend on what lies below
 * it), so registering the image finds every layer unpacked already.
 *
 * Staging is a guess: a file that is no layer after all, or whose tar is
 * malformed, only loses its staged snapshot. Its blob is stored regardless,
 * and the ordinary unpack path (ImageService.register) then reports whatever
 * is wrong with it.
 *
 * Lifecycle: new LayerStager(snapshotter) → open(head) per big file, write()
 * its bytes, end(blobDigest) → take(blobDigest) for each layer the loader
 * commits → discard() at the end, always (removes what was not taken).
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { decompressed, detectCompression } from '../../archive/compression.js';
import { DigestStream } from '../../archive/digest-stream.js';
import { extractTar } from '../../archive/tar-extract.js';
import type { Digest } from '../../content/digest.js';
import type { Snapshotter } from '../../snapshots/types.js';
import { waitWritable } from './stream-drain.js';

/** Bytes the unpacking side may fall behind the store side before the reader waits for it. */
const STAGE_BUFFER = 1024 * 1024;

/** Bytes open() needs to see: a whole tar header. */
export const STAGE_HEAD = 512;

export interface StagedLayer {
  /** The active, parentless snapshot holding the unpacked layer. */
  key: string;
  /** Digest of the uncompressed tar (the layer's diff ID). */
  diffId: Digest;
}

/** One file being unpacked as it streams. */
export interface StageSink {
  /** Feeds the next bytes; waits while the unpacking side is behind. Never throws. */
  write(chunk: Buffer): Promise<void>;
  /** No more bytes: blobDigest is what the store side computed for them. */
  end(blobDigest: Digest | undefined): Promise<void>;
  /** Stops unpacking this file (the store side failed). */
  abort(): Promise<void>;
}

export class LayerStager {
  readonly #staged = new Map<Digest, StagedLayer>();
  readonly #keys = new Set<string>();

  constructor(private readonly snapshotter: Snapshotter) {}

  /** A sink when head (the file's first bytes) looks like a layer; undefined otherwise. */
  async open(head: Buffer): Promise<StageSink | undefined> {
    // gzip, or zstd (OCI `+zstd` layers, from a pull): both decoded by decompressed().
    const kind = detectCompression(head);
    const gzip = kind === 'gzip' || kind === 'zstd';
    if (!gzip && !isUstarHeader(head)) return undefined;
    const key = `extract-load-${randomBytes(8).toString('hex')}`;
    await this.snapshotter.prepare(key);
    this.#keys.add(key);
    const upper = await this.snapshotter.upperDir(key);
    const input = new PassThrough({ highWaterMark: STAGE_BUFFER });
    // Stopping is destroy(error): a plain destroy() ends no 'end'/'error' wait the extractor may be in.
    // The extractor reports the error; this listener only keeps it from being unhandled.
    input.on('error', () => undefined);
    const stop = () => input.destroy(new Error('layer staging stopped'));
    let failed = false;
    let meter: DigestStream | undefined;
    const unpacked = (async () => {
      let tar: Readable = input;
      if (gzip) {
        // The diff ID is the digest of the uncompressed tar; a plain tar's is its blob digest.
        meter = new DigestStream();
        const plain = await decompressed(input);
        plain.on('error', (err) => meter!.destroy(err));
        tar = plain.pipe(meter);
      }
      await extractTar(tar, upper, { whiteouts: 'overlay', symlinks: 'reject-parents' });
    })().catch(() => {
      failed = true;
      stop();
    });
    // Whatever the extractor leaves unread (padding after the end of the archive) is dropped.
    void unpacked.finally(() => input.resume());

    const drop = async () => {
      this.#keys.delete(key);
      await this.snapshotter.remove(key).catch(() => undefined);
    };
    return {
      write: async (chunk) => {
        if (failed || input.destroyed) return;
        if (!input.write(chunk)) await waitWritable(input);
      },
      end: async (blobDigest) => {
        if (!input.destroyed) input.end();
        await unpacked;
        const diffId = gzip ? meterDigest(meter) : blobDigest;
        if (failed || diffId === undefined || blobDigest === undefined) return drop();
        this.#staged.set(blobDigest, { key, diffId });
      },
      abort: async () => {
        failed = true;
        stop();
        await unpacked;
        await drop();
      },
    };
  }

  /** The staged snapshot of a blob, now the caller's to commit or remove. */
  take(blobDigest: Digest): StagedLayer | undefined {
    const s = this.#staged.get(blobDigest);
    if (s === undefined) return undefined;
    this.#staged.delete(blobDigest);
    this.#keys.delete(s.key);
    return s;
  }

  /** Removes every staged snapshot nobody took. */
  async discard(): Promise<void> {
    const keys = [...this.#keys];
    this.#keys.clear();
    this.#staged.clear();
    for (const key of keys) await this.snapshotter.remove(key).catch(() => undefined);
  }
}

function meterDigest(meter: DigestStream | undefined): Digest | undefined {
  try {
    return meter?.digest;
  } catch {
    return undefined; // the gzip stream did not finish
  }
}

/** A POSIX/GNU tar header: "ustar" magic and a matching checksum. */
export function isUstarHeader(b: Buffer): boolean {
  if (b.length < STAGE_HEAD || b.toString('latin1', 257, 262) !== 'ustar') return false;
  const stored = parseInt(b.toString('latin1', 148, 156).replace(/[\0 ]+$/g, '').trim(), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!;
  return stored === sum;
}
