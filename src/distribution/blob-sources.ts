/**
 * Which repositories of which registry are known to hold a blob: learnt from
 * every pull and push, asked by a push for a cross-repository mount (moby's
 * V2MetadataService, reduced to what mounting needs). A blob pushed to
 * `host/team/app` and then pushed to `host/team/other` is mounted from the
 * first instead of being uploaded again.
 *
 * Kept on disk (when given a file) so this holds across berthd restarts:
 * load() at start, then every change is saved shortly after it happens
 * (written atomically; a lost or damaged file only costs uploads that a
 * mount would have saved, so it is not fsynced). Bounded: the blobs seen
 * least recently are forgotten first.
 */
import type { Digest } from '../content/digest.js';
import { readJsonIfExists, writeFileAtomic } from '../storage/atomic-write.js';

/** At most this many repositories are remembered per blob (moby tries at most 3 mounts). */
const MAX_SOURCES = 8;
/** At most this many blobs are remembered. */
const MAX_BLOBS = 20_000;
/** Changes are gathered this long before one write. */
const SAVE_DELAY_MS = 250;

interface SourcesFile {
  version: 1;
  /** [digest, "domain/path" entries most recent last], least recently seen blob first. */
  blobs: Array<[string, string[]]>;
}

export class BlobSources {
  /** digest → "domain/path" entries, most recent last; Map order = least recently seen first. */
  readonly #sources = new Map<Digest, string[]>();
  readonly #file: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(file?: string) {
    this.#file = file;
  }

  /** Reads what an earlier run saved; a missing or unreadable file starts empty. */
  async load(): Promise<void> {
    if (this.#file === undefined) return;
    const saved = await readJsonIfExists<SourcesFile>(this.#file).catch(() => undefined);
    if (saved?.version !== 1 || !Array.isArray(saved.blobs)) return;
    for (const entry of saved.blobs) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
      const keys = entry[1].filter((k): k is string => typeof k === 'string').slice(-MAX_SOURCES);
      if (keys.length > 0) this.#sources.set(entry[0] as Digest, keys);
    }
  }

  /** Records that repository `path` of registry `domain` holds each of the blobs. */
  add(domain: string, path: string, digests: Iterable<Digest>): void {
    const key = `${domain}/${path}`;
    let changed = false;
    for (const d of digests) {
      const old = this.#sources.get(d);
      const list = (old ?? []).filter((k) => k !== key);
      list.push(key);
      if (list.length > MAX_SOURCES) list.shift();
      // Re-inserted so the Map's order stays "least recently seen first".
      this.#sources.delete(d);
      this.#sources.set(d, list);
      changed ||= old === undefined || old[old.length - 1] !== key;
    }
    while (this.#sources.size > MAX_BLOBS) this.#sources.delete(this.#sources.keys().next().value as Digest);
    if (changed) this.#scheduleSave();
  }

  /** Other repositories of the same registry that hold the blob, most recently seen first. */
  candidates(domain: string, path: string, digest: Digest, max = 3): string[] {
    const prefix = `${domain}/`;
    return (this.#sources.get(digest) ?? [])
      .filter((k) => k.startsWith(prefix) && k !== `${domain}/${path}`)
      .map((k) => k.slice(prefix.length))
      .reverse()
      .slice(0, max);
  }

  /** Writes pending changes now (at daemon stop). */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#save();
    }
    await this.#saving;
  }

  #scheduleSave(): void {
    if (this.#file === undefined || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#save();
    }, SAVE_DELAY_MS);
    this.#timer.unref();
  }

  #save(): void {
    const file = this.#file;
    if (file === undefined) return;
    const data: SourcesFile = { version: 1, blobs: [...this.#sources] };
    // One write at a time, in order; a failed write is retried with the next change.
    this.#saving = this.#saving.then(() => writeFileAtomic(file, JSON.stringify(data), { durable: false })).catch(() => undefined);
  }
}
