/**
 * Reads an uploaded image archive (docker-archive or OCI layout) in one
 * streaming pass, without ever writing a file by the name the tar gives it.
 *
 * Each regular file either goes straight into the content store (large
 * files: layers) or is kept in memory (small files: manifest.json,
 * index.json, configs), so the upload is never buffered whole. A file named
 * blobs/sha256/<hex> is verified against <hex> as it streams; a mismatch
 * fails the load before anything is registered. Names are checked before
 * use: absolute names and names that climb out ("../evil") are refused, and
 * symlinks and hard links are resolved inside the archive's own namespace,
 * where one that points outside is refused too.
 *
 * With a LayerStager, each big file that looks like a layer is also teed
 * into it while it streams (unpacked before the manifest is read; see
 * layer-stager.ts). Both sides run at once, the slower one setting the pace.
 *
 * Lifecycle: `ArchiveReader.read()` → look files up with `bytes()` /
 * `blob()` → `discardNew()` when the load fails (removes the blobs this
 * load added and nothing else).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { cleanEntryName } from '../../archive/entry-path.js';
import { readTar } from '../../archive/tar-reader.js';
import type { BlobInfo, ContentStore } from '../../content/content-store.js';
import { digestOf, type Digest } from '../../content/digest.js';
import { InvalidArgumentError } from '../../errors.js';
import { digestFromBlobPath } from './archive-format.js';
import { STAGE_HEAD, type LayerStager } from './layer-stager.js';

/** Files up to this size stay in memory until something needs them as blobs. */
const SMALL_FILE = 1024 * 1024;
/** Cap on what small files may hold in memory in total, so an upload cannot exhaust the heap. */
const MEMORY_BUDGET = 64 * 1024 * 1024;
const MAX_LINK_HOPS = 40;

type ArchiveFile = { kind: 'memory'; data: Buffer } | { kind: 'blob'; info: BlobInfo };

export class ArchiveReader {
  readonly #files = new Map<string, ArchiveFile>();
  readonly #links = new Map<string, string>();
  readonly #added = new Set<Digest>();
  #existing = new Set<string>();
  #inMemory = 0;

  private constructor(
    private readonly content: ContentStore,
    private readonly stager: LayerStager | undefined,
  ) {}

  /** Reads the whole (uncompressed) tar stream; big files that look like layers are teed into stager. */
  static async read(input: Readable, content: ContentStore, stager?: LayerStager): Promise<ArchiveReader> {
    const r = new ArchiveReader(content, stager);
    r.#existing = new Set((await content.list()).map((b) => b.digest));
    try {
      for await (const { entry, body } of readTar(input)) {
        const name = safeName(entry.name);
        if (name === '') continue;
        switch (entry.type) {
          case 'directory':
            break;
          case 'file':
            await r.#addFile(name, entry.size, body);
            break;
          case 'symlink':
            r.#links.set(name, linkTarget(entry.name, name, entry.linkname));
            break;
          case 'link':
            r.#links.set(name, safeName(entry.linkname, entry.name));
            break;
          default:
            throw new InvalidArgumentError(`invalid archive: entry ${JSON.stringify(entry.name)} is a ${entry.type}, not a file`);
        }
      }
    } catch (err) {
      await r.discardNew();
      throw err;
    }
    return r;
  }

  /** Names of the regular files and links, for format detection. */
  has(name: string): boolean {
    return this.#resolve(name, false) !== undefined;
  }

  /** The bytes of a (small) file; NotFound-like InvalidArgumentError when the archive lacks it. */
  async bytes(name: string): Promise<Buffer> {
    const f = this.#file(name);
    return f.kind === 'memory' ? f.data : this.content.readBlob(f.info.digest);
  }

  /** The file as a blob in the content store (small files are written there now). */
  async blob(name: string): Promise<BlobInfo> {
    const resolved = this.#resolve(name, true)!;
    const f = this.#files.get(resolved)!;
    if (f.kind === 'blob') return f.info;
    const info = await this.content.writeBlob(f.data);
    this.#noteAdded(info.digest);
    this.#files.set(resolved, { kind: 'blob', info });
    this.#inMemory -= f.data.length;
    return info;
  }

  /** The first bytes of a file, to tell gzip from plain tar. */
  async head(name: string, n = 6): Promise<Buffer> {
    const f = this.#file(name);
    if (f.kind === 'memory') return f.data.subarray(0, n);
    const handle = await fs.open(await this.content.blobPath(f.info.digest), 'r');
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await handle.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** Removes the blobs this load added that are not in keep (all of them on failure). */
  async discardNew(keep: ReadonlySet<string> = new Set()): Promise<void> {
    for (const d of this.#added) {
      if (keep.has(d)) continue;
      await this.content.delete(d).catch(() => undefined);
    }
    this.#added.clear();
  }

  #file(name: string): ArchiveFile {
    return this.#files.get(this.#resolve(name, true)!)!;
  }

  /** Follows links inside the archive; a missing name is an error when required. */
  #resolve(name: string, required: boolean): string | undefined {
    let cur = safeName(name);
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      if (this.#files.has(cur)) return cur;
      const next = this.#links.get(cur);
      if (next === undefined) break;
      cur = next;
    }
    if (required) throw new InvalidArgumentError(`invalid archive: ${name} is missing from the archive`);
    return undefined;
  }

  async #addFile(name: string, size: number, body: AsyncIterable<Buffer>): Promise<void> {
    const promised = digestFromBlobPath(name);
    if (size <= SMALL_FILE && this.#inMemory + size <= MEMORY_BUDGET) {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c);
      const data = Buffer.concat(chunks);
      if (promised && digestOf(data) !== promised) throw mismatch(name, promised, digestOf(data));
      this.#setFile(name, { kind: 'memory', data });
      this.#inMemory += data.length;
      return;
    }
    if (promised && this.#existing.has(promised)) {
      // Already stored: verify the bytes without writing them again.
      const hash = createHash('sha256');
      let seen = 0;
      for await (const c of body) {
        hash.update(c);
        seen += c.length;
      }
      const actual = `sha256:${hash.digest('hex')}` as Digest;
      if (actual !== promised) throw mismatch(name, promised, actual);
      this.#setFile(name, { kind: 'blob', info: { digest: promised, size: seen } });
      return;
    }
    const info = await this.#store(name, body, { ...(promised ? { digest: promised } : {}), size });
    this.#noteAdded(info.digest);
    this.#setFile(name, { kind: 'blob', info });
  }

  /** Streams a file into the content store and, when it looks like a layer, into the stager too. */
  async #store(name: string, body: AsyncIterable<Buffer>, expected: { digest?: Digest; size: number }): Promise<BlobInfo> {
    const chunks = body[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    while (headBytes < STAGE_HEAD) {
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
    const sink = this.stager && headBytes >= STAGE_HEAD ? await this.stager.open(Buffer.concat(head)) : undefined;
    const writer = await this.content.writer();
    let info: BlobInfo;
    try {
      // Both sides take each chunk in turn; each waits only when its own disk queue is full.
      const feed = async (chunk: Buffer) => {
        await writer.write(chunk);
        if (sink) await sink.write(chunk);
      };
      for (const chunk of head) await feed(chunk);
      while (!ended) {
        const next = await chunks.next();
        if (next.done) break;
        await feed(next.value);
      }
      info = await writer.commit(expected);
    } catch (err) {
      await writer.abort();
      await sink?.abort();
      if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`invalid archive: ${name}: ${err.message}`, { cause: err });
      throw err;
    }
    await sink?.end(info.digest);
    return info;
  }

  #setFile(name: string, f: ArchiveFile): void {
    const old = this.#files.get(name);
    if (old?.kind === 'memory') this.#inMemory -= old.data.length;
    this.#links.delete(name);
    this.#files.set(name, f);
  }

  #noteAdded(d: Digest): void {
    if (!this.#existing.has(d)) this.#added.add(d);
  }
}

function mismatch(name: string, expected: Digest, actual: Digest): InvalidArgumentError {
  return new InvalidArgumentError(`invalid archive: ${name}: digest mismatch: expected ${expected}, got ${actual}`);
}

/** A cleaned relative name; absolute and climbing names are refused. */
function safeName(raw: string, entry = raw): string {
  if (raw.startsWith('/')) throw new InvalidArgumentError(`invalid archive: entry ${JSON.stringify(entry)} has an absolute path`);
  try {
    return cleanEntryName(raw, entry);
  } catch (err) {
    throw new InvalidArgumentError(`invalid archive: ${(err as Error).message}`, { cause: err });
  }
}

/** A symlink's target as an archive name, relative to the link's directory; never outside the archive. */
function linkTarget(rawName: string, name: string, target: string): string {
  if (target.startsWith('/')) {
    throw new InvalidArgumentError(`invalid archive: symlink ${JSON.stringify(rawName)} points to an absolute path`);
  }
  const joined = path.posix.join(path.posix.dirname(name), target);
  if (joined === '..' || joined.startsWith('../')) {
    throw new InvalidArgumentError(`invalid archive: symlink ${JSON.stringify(rawName)} points outside the archive`);
  }
  return safeName(joined, rawName);
}
