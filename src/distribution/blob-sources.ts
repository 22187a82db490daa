/**
 * Which repositories of which registry are known to hold a blob: learnt from
 * every pull and push, asked by a push for a cross-repository mount (moby's
 * V2MetadataService, reduced to what mounting needs). A blob pushed to
 * `host/team/app` and then pushed to `host/team/other` is mounted from the
 * first instead of being uploaded again.
 *
 * Kept in memory: after a restart the first push of a blob to a new
 * repository uploads it (the registry stores it once all the same).
 */
import type { Digest } from '../content/digest.js';

/** At most this many repositories are remembered per blob (moby tries at most 3 mounts). */
const MAX_SOURCES = 8;

export class BlobSources {
  /** digest → "domain/path" entries, most recent last. */
  readonly #sources = new Map<Digest, string[]>();

  /** Records that repository `path` of registry `domain` holds each of the blobs. */
  add(domain: string, path: string, digests: Iterable<Digest>): void {
    const key = `${domain}/${path}`;
    for (const d of digests) {
      const list = (this.#sources.get(d) ?? []).filter((k) => k !== key);
      list.push(key);
      if (list.length > MAX_SOURCES) list.shift();
      this.#sources.set(d, list);
    }
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
}
