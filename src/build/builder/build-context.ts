/**
 * The build context on the daemon's side: the tar the client posted to
 * `/build` (plain or compressed), unpacked safely into a directory under
 * the build work root, `.dockerignore` applied, and the Dockerfile read out.
 *
 * Entries that would land outside the directory (`../x`, symlinked parents)
 * are refused by the extractor, so a hostile context cannot write anywhere
 * else.
 *
 * Contexts are kept by content: the tar is first saved whole while it is
 * hashed (one sequential write; or, when it is byte for byte the previous
 * context's, not written at all: context-receiver.ts), and a context with
 * the same bytes as one already unpacked reuses that directory. A rebuild of an unchanged project
 * (docker/cli sends the same tar for the same files) then unpacks nothing:
 * creating tens of thousands of files is the dominant cost of a big
 * context, far above reading it. The most recent context is kept for the
 * next build; older ones go when no build uses them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { decompressed } from '../../archive/compression.js';
import { extractTar } from '../../archive/tar-extract.js';
import { BerthError, InvalidArgumentError, isErrno, NotFoundError } from '../../errors.js';
import { resolveInRoot } from '../../runtime/user.js';
import { diskUsage } from '../../snapshots/disk-usage.js';
import { removeDirEventually } from '../../storage/remove-dir.js';
import { hashTree, type TreeHash } from '../context/content-hash.js';
import { applyDockerignore } from './context-filter.js';
import { receiveTar, type KeptTar } from './context-receiver.js';

/** A kept context as `system df` shows build cache. */
export interface BuildCacheRecord {
  id: string;
  inUse: boolean;
  size: number;
  createdAt: string;
  lastUsedAt: string;
  usageCount: number;
  description: string;
}

export interface BuildContext {
  /** The unpacked context: COPY and ADD sources are resolved inside it. Read-only for the build. */
  dir: string;
  /** sha256 of the context tar (uncompressed): equal digests, equal contexts. */
  digest: string;
  /** The Dockerfile's text and the name it was given. */
  dockerfile: { name: string; text: string };
  /** The build is done with it (it may be kept for the next build). */
  release(): Promise<void>;
}

export class ContextStore {
  /** Unpacked contexts by digest and Dockerfile name, oldest first, with how many builds use each. */
  readonly #contexts = new Map<string, Unpacked>();
  /** Content hashes of COPY sources by context digest and paths: a rebuild from the same context hashes nothing. */
  readonly #hashes = new Map<string, Promise<TreeHash>>();
  /** The most recently received new context tar, kept for comparing the next one with (context-receiver.ts). */
  #lastTar: KeptTar | undefined;

  constructor(private readonly root: string) {}

  /** Receives the posted context and reads the Dockerfile named `dockerfileName` from it. */
  async receive(input: Readable, dockerfileName: string): Promise<BuildContext> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o700 });
    const incoming = path.join(this.root, `incoming-${randomBytes(8).toString('hex')}.tar`);
    let digest: string;
    let entry: Unpacked;
    const previous = this.#lastTar;
    try {
      const got = await receiveTar(await decompressed(input), incoming, previous);
      digest = got.digest;
      try {
        entry = await this.#unpack(`${digest}\0${dockerfileName}`, got.same ? previous!.file : incoming, dockerfileName);
      } catch (err) {
        if (!got.same) await fs.rm(incoming, { force: true });
        throw err;
      }
      if (!got.same) {
        // The newest context's tar is what the next one is compared with.
        this.#lastTar = { file: incoming, digest };
        if (previous) await fs.rm(previous.file, { force: true });
      }
    } catch (err) {
      throw contextError(err);
    }
    const key = `${digest}\0${dockerfileName}`;
    const release = async () => {
      entry.users -= 1;
      await this.#prune(key);
    };
    return { dir: entry.dir, digest, dockerfile: entry.dockerfile, release };
  }

  /** The content hash of paths in a context (remembered: contexts never change once unpacked). */
  hash(ctx: BuildContext, rels: readonly string[]): Promise<TreeHash> {
    const key = `${ctx.digest}\0${[...rels].sort().join('\0')}`;
    let hashed = this.#hashes.get(key);
    if (!hashed) {
      hashed = hashTree(ctx.dir, rels);
      hashed.catch(() => this.#hashes.delete(key));
      this.#hashes.set(key, hashed);
      // A small memory: the keys of older contexts are dropped first.
      while (this.#hashes.size > 256) this.#hashes.delete(this.#hashes.keys().next().value!);
    }
    return hashed;
  }

  /** Takes the context for a build (synchronously with finding it, so no prune can remove it in between). */
  #use(key: string): Unpacked {
    const entry = this.#contexts.get(key)!;
    entry.users += 1;
    entry.usageCount += 1;
    entry.lastUsedAt = new Date().toISOString();
    // Most recently used last.
    this.#contexts.delete(key);
    this.#contexts.set(key, entry);
    return entry;
  }

  /**
   * Unpacks, reads the Dockerfile, then applies .dockerignore (which may list the Dockerfile
   * itself, as docker/cli's hidden `-f` file is: read first, then gone from the context).
   */
  async #unpack(key: string, tarFile: string, dockerfileName: string): Promise<Unpacked> {
    if (this.#contexts.has(key)) {
      const entry = this.#use(key);
      await entry.ready;
      return entry;
    }
    const dir = path.join(this.root, `context-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`);
    const partial = `${dir}.partial-${randomBytes(4).toString('hex')}`;
    try {
      // lenientEnd: docker/cli sends a context without its end blocks when -f names a file outside it.
      await extractTar(createReadStream(tarFile), partial, { whiteouts: 'keep', symlinks: 'reject-parents', sameOwner: true, lenientEnd: true });
      const dockerfile = await readDockerfile(partial, dockerfileName);
      await applyDockerignore(partial);
      if (this.#contexts.has(key)) {
        const theirs = this.#use(key); // another build unpacked the same context meanwhile
        await removeDirEventually(partial);
        await theirs.ready;
        return theirs;
      }
      // Registered before the rename (no await in between), so a concurrent build waits on no race.
      const ready = fs.rename(partial, dir);
      const now = new Date().toISOString();
      this.#contexts.set(key, { digest: key.split('\0')[0]!, createdAt: now, lastUsedAt: now, usageCount: 0, dir, dockerfile, users: 0, ready: ready.catch(() => undefined) });
      const ours = this.#use(key);
      try {
        await ready;
      } catch (err) {
        this.#contexts.delete(key);
        throw err;
      }
      return ours;
    } catch (err) {
      await removeDirEventually(partial);
      throw err;
    }
  }

  /** The kept contexts as build cache records (`system df`): Docker's BuildCache entries of type source.local. */
  async usage(): Promise<BuildCacheRecord[]> {
    const out: BuildCacheRecord[] = [];
    const last = this.#lastTar;
    for (const e of this.#contexts.values()) {
      e.size ??= diskUsage(e.dir).then((u) => u.size, () => 0);
      // The tar kept for comparing the next context with is this context's too.
      const tar = last && last.digest === e.digest ? await fs.stat(last.file).then((st) => st.size, () => 0) : 0;
      out.push({ id: e.digest, inUse: e.users > 0, size: (await e.size) + tar, createdAt: e.createdAt, lastUsedAt: e.lastUsedAt, usageCount: e.usageCount, description: `local source for context (Dockerfile: ${e.dockerfile.name})` });
    }
    return out;
  }

  /**
   * `builder prune`: contexts no build is using go; without `all` the most recently used one
   * stays (it is what makes the next rebuild of the same project cheap). `keep` decides per
   * record (filters). Returns what went and the bytes freed.
   */
  async pruneCache(all: boolean, keep: (r: BuildCacheRecord) => boolean): Promise<{ deleted: string[]; reclaimed: number }> {
    const records = new Map((await this.usage()).map((r) => [r.id, r]));
    const newest = [...this.#contexts.keys()].at(-1);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const [key, e] of [...this.#contexts]) {
      const r = records.get(e.digest);
      if (e.users > 0 || (!all && key === newest) || (r && keep(r))) continue;
      this.#contexts.delete(key);
      await removeDirEventually(e.dir);
      for (const k of [...this.#hashes.keys()]) if (k.startsWith(`${e.digest}\0`)) this.#hashes.delete(k);
      if (this.#lastTar?.digest === e.digest) {
        await fs.rm(this.#lastTar.file, { force: true });
        this.#lastTar = undefined;
      }
      if (!deleted.includes(e.digest)) deleted.push(e.digest);
      reclaimed += r?.size ?? 0;
    }
    return { deleted, reclaimed };
  }

  /** Keeps the most recent context and those in use; removes the others. */
  async #prune(keep: string): Promise<void> {
    for (const [digest, entry] of [...this.#contexts]) {
      if (digest === keep || entry.users > 0) continue;
      this.#contexts.delete(digest);
      await removeDirEventually(entry.dir);
    }
  }
}

interface Unpacked {
  /** The context's digest (the build cache record's ID in `system df`). */
  digest: string;
  createdAt: string;
  lastUsedAt: string;
  usageCount: number;
  /** Bytes on disk, measured once after unpacking (contexts never change). */
  size?: Promise<number>;
  dir: string;
  /** Settles once dir is in place (the rename after unpacking). */
  ready: Promise<unknown>;
  dockerfile: { name: string; text: string };
  users: number;
}

function contextError(err: unknown): unknown {
  if (err instanceof BerthError || !(err instanceof Error)) return err;
  return new InvalidArgumentError(`failed to read the build context: ${err.message}`, { cause: err });
}

/** moby also accepts "dockerfile" when the default name is missing. */
async function readDockerfile(dir: string, name: string): Promise<{ name: string; text: string }> {
  const candidates = name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name];
  for (const candidate of candidates) {
    let host: string;
    try {
      host = await resolveInRoot(dir, candidate);
    } catch {
      continue;
    }
    try {
      const text = await fs.readFile(host, 'utf8');
      return { name: candidate, text };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      if (isErrno(err, 'EISDIR')) throw new InvalidArgumentError(`the Dockerfile (${candidate}) is a directory`);
      throw err;
    }
  }
  throw new NotFoundError(`Cannot locate specified Dockerfile: ${name}`);
}
