/**
 * `berth image layers`: each layer of an image with the instruction that
 * made it, its size, and the files it added, changed and deleted.
 *
 * One report per history entry, oldest first. Entries marked empty_layer
 * (ENV, CMD, … only touch the config) carry no diff ID and no files; the
 * other entries are paired in order with rootfs.diff_ids, as docker history
 * pairs them. An image whose history is shorter than its layers (imported
 * without history) gets an entry with an empty createdBy for each unpaired
 * layer; a history naming more layers than exist gets entries with no diff
 * ID and no files, so the inconsistency shows instead of failing the report.
 *
 * A layer's files come from its committed snapshot (named by chain ID, see
 * layer-unpacker.ts): its own directory compared with the directories below
 * it, read in overlay form (whiteout char devices, opaque xattrs), through
 * the same changesFromUpper() that answers `docker diff`. One rule differs
 * from docker diff, on purpose: a directory that is in the layer only
 * because something under it changed is not reported as changed. docker
 * diff says "C /etc" next to "C /etc/passwd" because an upper directory
 * exists there (and a layer tar must carry /etc to restore its permissions);
 * for someone reading what a layer did it is noise. A directory stays "C"
 * when its own metadata differs from the one below (type and permission
 * bits, owner, group; not mtime, which every change inside bumps, nor size,
 * as moby's pkg/archive/changes.go ignores both for directories) or when it
 * is opaque (it was removed and recreated). Added directories are always "A".
 *
 * Sizes are the snapshotter's usage of the layer's own directory: what
 * docker history and image ls count.
 */
import type { Stats } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { changesFromUpper } from '../archive/changes.js';
import { isOpaqueValue, OPAQUE_XATTR } from '../archive/whiteouts.js';
import { chainIds, type Digest } from '../content/digest.js';
import { FailedPreconditionError, isErrno, NotFoundError } from '../errors.js';
import { getXattrMany } from '../host/xattr.js';
import type { Snapshotter } from '../snapshots/types.js';
import type { ImageService } from './image-service.js';
import type { HistoryEntry } from './oci-types.js';

/** One history entry of an image and, when it made a layer, what that layer holds. */
export interface LayerReport {
  /** The uncompressed layer's digest; absent for an empty layer. */
  diffId?: Digest;
  /** The snapshot holding the layer unpacked; absent for an empty layer. */
  chainId?: Digest;
  /** The instruction, as the history records it ("" when the image has no history for this layer). */
  createdBy: string;
  /** ISO 8601, as the history records it. */
  created?: string;
  comment?: string;
  /** A metadata-only instruction: no layer, no files. */
  emptyLayer: boolean;
  /** Bytes of the layer's own files (non-directories, hard links once). */
  size: number;
  /** Absolute paths inside the image ("/etc/passwd"), sorted. */
  added: string[];
  changed: string[];
  deleted: string[];
}

/** What a layer did to the filesystem below it. Paths absolute and sorted. */
export interface LayerFiles {
  added: string[];
  changed: string[];
  deleted: string[];
}

/** What imageLayers reads: the image's config, and its layers' snapshots. */
export interface LayerFilesDeps {
  images: Pick<ImageService, 'inspect' | 'producing'>;
  snapshotter: Pick<Snapshotter, 'upperDir' | 'lowerDirs' | 'usage'>;
}

/** NotFoundError "No such image: x" for an unknown image (the image store's wording). */
export async function imageLayers(deps: LayerFilesDeps, image: string): Promise<LayerReport[]> {
  // Garbage collection waits for producers (SharedExclusiveLock): holding the shared side keeps
  // this image's snapshots in place while we walk them, even if the image is removed meanwhile.
  return deps.images.producing(async () => {
    const { config } = await deps.images.inspect(image);
    const diffIds = config.rootfs.diff_ids;
    const chain = chainIds(diffIds);
    const reports: LayerReport[] = [];
    let next = 0;
    for (const h of config.history ?? []) {
      if (h.empty_layer === true) {
        reports.push({ ...described(h), emptyLayer: true, size: 0, added: [], changed: [], deleted: [] });
        continue;
      }
      const i = next++;
      if (i >= diffIds.length) {
        reports.push({ ...described(h), emptyLayer: false, size: 0, added: [], changed: [], deleted: [] });
        continue;
      }
      reports.push(await layerReport(deps, diffIds[i]!, chain[i]!, described(h)));
    }
    for (let i = next; i < diffIds.length; i++) reports.push(await layerReport(deps, diffIds[i]!, chain[i]!, { createdBy: '' }));
    return reports;
  });
}

function described(h: HistoryEntry): Pick<LayerReport, 'createdBy' | 'created' | 'comment'> {
  return {
    createdBy: h.created_by ?? '',
    ...(h.created !== undefined ? { created: h.created } : {}),
    ...(h.comment !== undefined && h.comment !== '' ? { comment: h.comment } : {}),
  };
}

async function layerReport(
  deps: LayerFilesDeps,
  diffId: Digest,
  chainId: Digest,
  d: Pick<LayerReport, 'createdBy' | 'created' | 'comment'>,
): Promise<LayerReport> {
  let upper: string;
  let lowers: string[];
  let size: number;
  try {
    upper = await deps.snapshotter.upperDir(chainId);
    lowers = await deps.snapshotter.lowerDirs(chainId);
    size = (await deps.snapshotter.usage(chainId)).size;
  } catch (err) {
    // A 404 here would read as "no such image" to clients: the image exists, its layer does not.
    if (err instanceof NotFoundError) throw new FailedPreconditionError(`layer ${diffId} is not unpacked (no snapshot ${chainId})`, { cause: err });
    throw err;
  }
  return { diffId, chainId, ...d, emptyLayer: false, size, ...(await layerFiles(upper, lowers)) };
}

/**
 * The files a layer directory (overlay form) adds, changes and deletes over
 * the directories below it (nearest first), with the directory rule in the
 * header: directories present only to hold changes are left out.
 */
export async function layerFiles(upper: string, lowers: readonly string[]): Promise<LayerFiles> {
  const out: LayerFiles = { added: [], changed: [], deleted: [] };
  const changes = await changesFromUpper(upper, [...lowers]);
  const changedDirs: string[] = [];
  for (const c of changes) {
    if (c.kind === 'A') out.added.push(c.path);
    else if (c.kind === 'D') out.deleted.push(c.path);
    else if ((await fsp.lstat(path.join(upper, c.path))).isDirectory()) changedDirs.push(c.path);
    else out.changed.push(c.path);
  }
  if (changedDirs.length > 0) {
    const opaque = await getXattrMany(changedDirs.map((p) => path.join(upper, p)), OPAQUE_XATTR);
    for (const p of changedDirs) {
      const own = await fsp.lstat(path.join(upper, p));
      const below = await nearestBelow(p, lowers);
      if (isOpaqueValue(opaque.get(path.join(upper, p))) || below === undefined || !sameDirMetadata(own, below)) out.changed.push(p);
    }
    // Directories were set aside: merge them back into path order.
    out.changed.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return out;
}

/**
 * The lower view's entry at p. changesFromUpper said "C", so the merged view
 * has it; overlayfs shows the nearest lower's entry, and any nearer lower
 * that hides it (whiteout, opaque or non-directory parent) lacks the path,
 * so the first lower holding it is the one shown.
 */
async function nearestBelow(p: string, lowers: readonly string[]): Promise<Stats | undefined> {
  for (const l of lowers) {
    try {
      return await fsp.lstat(path.join(l, p));
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
  }
  return undefined;
}

function sameDirMetadata(a: Stats, b: Stats): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}
