/**
 * Turns a cleaned entry name into a host path under the destination without
 * ever letting a symlink already on disk carry the write outside it.
 *
 * Only parent components are resolved; the last component is never followed
 * (an entry replaces whatever sits at its own name). Two policies:
 * - 'reject-parents' (image layers): a parent that is a symlink is an error.
 * - 'scoped' (docker cp, import): symlinks are followed as if dest were "/",
 *   like chroot or filepath-securejoin: absolute targets restart at dest and
 *   ".." stops at dest.
 * Missing parents are created (0755, root), as Docker does.
 *
 * Directories proven real (not symlinks) are cached by host path, so a layer
 * of 50,000 files costs a handful of lstat calls per directory, not per
 * file. Whoever removes or replaces a path calls `forget` so the cache never
 * vouches for a directory that has since become a symlink.
 *
 * Limit: checks and writes are separate syscalls, so a process racing us
 * inside dest (a running container during docker cp) could swap a verified
 * directory for a symlink in between; Node has no openat2(RESOLVE_IN_ROOT).
 * Layers are unpacked into directories nothing else writes to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, isErrno } from '../errors.js';

export type SymlinkPolicy = 'reject-parents' | 'scoped';

const MAX_SYMLINKS = 255;

export class DestResolver {
  readonly #dest: string;
  readonly #policy: SymlinkPolicy;
  readonly #realDirs = new Set<string>();

  constructor(dest: string, policy: SymlinkPolicy) {
    this.#dest = path.resolve(dest);
    this.#policy = policy;
    this.#realDirs.add(this.#dest);
  }

  get dest(): string {
    return this.#dest;
  }

  /**
   * The host path for a cleaned name: its resolved parent directory joined
   * with its own last component. With create=false a missing parent gives
   * undefined instead of being made. `entry` names the tar entry in errors.
   */
  hostPath(name: string, entry: string, create = true): string | undefined {
    if (name === '') return this.#dest;
    const slash = name.lastIndexOf('/');
    const parent = this.resolveDir(slash < 0 ? '' : name.slice(0, slash), entry, create);
    return parent === undefined ? undefined : path.join(parent, name.slice(slash + 1));
  }

  /** The host directory a cleaned name resolves to, every component followed per policy. */
  resolveDir(name: string, entry: string, create = true): string | undefined {
    if (name === '') return this.#dest;
    const direct = path.join(this.#dest, name);
    if (this.#realDirs.has(direct)) return direct;
    const queue = name.split('/');
    let cur = this.#dest;
    let hops = 0;
    while (queue.length > 0) {
      const part = queue.shift()!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (cur !== this.#dest) cur = path.dirname(cur);
        continue;
      }
      const next = path.join(cur, part);
      if (this.#realDirs.has(next)) {
        cur = next;
        continue;
      }
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(next);
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
      if (st === undefined) {
        if (!create) return undefined;
        fs.mkdirSync(next, 0o755);
        this.#realDirs.add(next);
        cur = next;
      } else if (st.isDirectory()) {
        this.#realDirs.add(next);
        cur = next;
      } else if (st.isSymbolicLink()) {
        const rel = path.relative(this.#dest, next);
        if (this.#policy === 'reject-parents') {
          throw new InvalidArgumentError(`tar entry ${JSON.stringify(entry)}: parent ${JSON.stringify(rel)} is a symlink`);
        }
        if (++hops > MAX_SYMLINKS) {
          throw new InvalidArgumentError(`tar entry ${JSON.stringify(entry)}: too many levels of symbolic links`);
        }
        const target = fs.readlinkSync(next);
        if (target.startsWith('/')) cur = this.#dest;
        queue.unshift(...target.split('/'));
      } else {
        const rel = path.relative(this.#dest, next);
        throw new InvalidArgumentError(`tar entry ${JSON.stringify(entry)}: parent ${JSON.stringify(rel)} is not a directory`);
      }
    }
    return cur;
  }

  /** Records that hostPath is a real directory (just made or merged into). */
  noteDir(hostPath: string): void {
    this.#realDirs.add(hostPath);
  }

  /** hostPath was removed or replaced: stop vouching for it and everything beneath. */
  forget(hostPath: string): void {
    // A directory is only cached after its parent, so an uncached path has no cached descendants.
    if (!this.#realDirs.delete(hostPath)) return;
    const prefix = hostPath + '/';
    for (const d of this.#realDirs) if (d.startsWith(prefix)) this.#realDirs.delete(d);
  }
}
