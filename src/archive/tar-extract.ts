/**
 * Safe, streaming tar extraction: image layers into snapshot directories,
 * `docker cp` and `import` into container roots.
 *
 * Each entry goes through the same steps: clean its name (entry-path.ts:
 * a name or hard-link target that climbs out of dest is an
 * InvalidArgumentError), rebase it, interpret whiteouts per
 * `opts.whiteouts`, resolve its parent directory under dest per
 * `opts.symlinks` (dest-resolver.ts), then write it (tree-writer.ts). The
 * stream is consumed as it arrives; no file is held in memory whole.
 *
 * Xattrs from PAX (SCHILY.xattr.*, LIBARCHIVE.xattr.*) are set after owner
 * and mode, batched into one setfattr. trusted.overlay.* from a tar is
 * dropped (a layer must not forge overlayfs metadata; opacity comes only
 * from `.wh..wh..opq`). security.capability must succeed; any other
 * attribute the filesystem or LSM refuses (EPERM, ENOTSUP: user.* on a
 * symlink, security.selinux without a policy) is skipped, as Docker does
 * with best-effort xattrs.
 *
 * Errors: a malformed archive or a bad entry is an InvalidArgumentError; an
 * error of the input stream itself passes through unchanged. On failure dest
 * is left partly written; callers extract into a directory they can throw
 * away (an uncommitted snapshot).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../errors.js';
import { decompressed } from './compression.js';
import { DestResolver, type SymlinkPolicy } from './dest-resolver.js';
import { cleanEntryName, rebaseName } from './entry-path.js';
import { readTar, type TarEntry } from './tar-reader.js';
import { TreeWriter } from './tree-writer.js';
import { parseWhiteoutName } from './whiteouts.js';

export interface ExtractOptions {
  /**
   * overlay: `.wh.name` becomes a char device 0:0 `name`, `.wh..wh..opq` the
   *   xattr trusted.overlay.opaque=y on its directory (an OCI layer into an
   *   overlay upper/layer directory).
   * apply: `.wh.name` deletes `name` under dest and `.wh..wh..opq` empties
   *   its directory of what this tar did not write (a layer onto a flat tree).
   * keep: whiteout files are ordinary files.
   */
  whiteouts: 'overlay' | 'apply' | 'keep';
  /**
   * reject-parents (layers): a parent component that is a symlink is an error.
   * scoped (docker cp, import): symlinks are followed as if dest were "/".
   */
  symlinks: SymlinkPolicy;
  /** chown to the tar's uid/gid (default true; Berth runs as root). */
  sameOwner?: boolean;
  /** Rename a leading path, for docker cp (`from` is matched on cleaned names). */
  rebase?: { from: string; to: string };
  /**
   * docker cp's noOverwriteDirNonDir: replacing a directory with a
   * non-directory or the reverse is a ConflictError instead (default false).
   */
  noOverwriteDirNonDir?: boolean;
  /**
   * Accept a tar that stops right after its last entry's data, without padding or the
   * end-of-archive blocks, as Go's archive/tar does: docker/cli sends build contexts like
   * that when -f names a Dockerfile outside the context.
   */
  lenientEnd?: boolean;
}

export interface ExtractStats {
  /** Tar members processed (PAX/GNU extension headers not counted). */
  entries: number;
  /** Bytes of regular-file content written (Docker's layer "size"). */
  bytes: number;
}

export async function extractTar(
  input: NodeJS.ReadableStream | Readable,
  dest: string,
  opts: ExtractOptions,
): Promise<ExtractStats> {
  await fsp.mkdir(dest, { recursive: true });
  const resolver = new DestResolver(dest, opts.symlinks);
  const writer = new TreeWriter(resolver, {
    sameOwner: opts.sameOwner ?? true,
    trackWritten: opts.whiteouts === 'apply',
    noOverwriteDirNonDir: opts.noOverwriteDirNonDir ?? false,
  });
  const source = await decompressed(input);
  const stats: ExtractStats = { entries: 0, bytes: 0 };
  try {
    for await (const { entry, body } of readTar(source, { lenientEnd: opts.lenientEnd === true })) {
      stats.entries++;
      stats.bytes += await extractEntry(entry, body, resolver, writer, opts);
      await writer.flushIfFull();
    }
    await writer.finish();
  } catch (err) {
    source.destroy();
    await writer.abort();
    throw err;
  }
  return stats;
}

async function extractEntry(
  e: TarEntry,
  body: AsyncIterable<Buffer>,
  resolver: DestResolver,
  writer: TreeWriter,
  opts: ExtractOptions,
): Promise<number> {
  const name = rebaseName(cleanEntryName(e.name), opts.rebase);
  const slash = name.lastIndexOf('/');
  const dir = slash < 0 ? '' : name.slice(0, slash);
  const base = name.slice(slash + 1);

  if (opts.whiteouts !== 'keep') {
    const wh = parseWhiteoutName(base);
    if (wh.kind === 'meta') return 0;
    if (wh.kind === 'opaque') {
      if (opts.whiteouts === 'overlay') writer.markOpaque(resolver.resolveDir(dir, e.name)!);
      else await emptyDir(resolver.resolveDir(dir, e.name, false), writer);
      return 0;
    }
    if (wh.kind === 'whiteout') {
      if (wh.target === '' || wh.target === '.' || wh.target === '..') {
        throw new InvalidArgumentError(`tar entry ${JSON.stringify(e.name)} is not a valid whiteout`);
      }
      const target = dir === '' ? wh.target : `${dir}/${wh.target}`;
      if (opts.whiteouts === 'overlay') {
        await writer.writeWhiteout(resolver.hostPath(target, e.name)!, e);
      } else {
        const host = resolver.hostPath(target, e.name, false);
        // Per the OCI spec a whiteout hides only what lower layers had, not this layer's own files.
        if (host !== undefined && !writer.wrote(host)) await writer.remove(host);
      }
      return 0;
    }
  }

  if (name === '' && e.type !== 'directory') {
    throw new InvalidArgumentError(`tar entry ${JSON.stringify(e.name)} would replace the destination itself`);
  }
  const host = resolver.hostPath(name, e.name)!;
  switch (e.type) {
    case 'file':
      return writer.writeFile(host, e, body);
    case 'directory':
      await writer.writeDir(host, e);
      return 0;
    case 'symlink':
      await writer.writeSymlink(host, e);
      return 0;
    case 'link': {
      const target = linkTarget(e, opts);
      const targetHost = resolver.hostPath(target, e.name, false);
      if (targetHost === undefined) {
        throw new InvalidArgumentError(`tar entry ${JSON.stringify(e.name)}: hard link target ${JSON.stringify(e.linkname)} does not exist`);
      }
      await writer.writeHardlink(host, targetHost);
      return 0;
    }
    case 'char':
    case 'block':
    case 'fifo':
      await writer.writeNode(host, e);
      return 0;
    default:
      throw new InvalidArgumentError(`tar entry ${JSON.stringify(e.name)} has an unsupported type`);
  }
}

/** The cleaned, rebased name a hard link points at; climbing out of dest is refused. */
function linkTarget(e: TarEntry, opts: ExtractOptions): string {
  let target: string;
  try {
    target = cleanEntryName(e.linkname);
  } catch {
    throw new InvalidArgumentError(
      `tar entry ${JSON.stringify(e.name)} escapes the destination: hard link to ${JSON.stringify(e.linkname)}`,
    );
  }
  if (target === '') throw new InvalidArgumentError(`tar entry ${JSON.stringify(e.name)} is a hard link to the destination itself`);
  return rebaseName(target, opts.rebase);
}

/** 'apply' mode's opaque directory: remove what lower layers put there, keep this layer's entries. */
async function emptyDir(hostDir: string | undefined, writer: TreeWriter): Promise<void> {
  if (hostDir === undefined) return;
  for (const child of await fsp.readdir(hostDir)) {
    const p = path.join(hostDir, child);
    if (!writer.wrote(p)) await writer.remove(p);
  }
}
