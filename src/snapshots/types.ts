/**
 * Snapshots, in containerd's vocabulary (core/snapshots/snapshotter.go).
 *
 * A snapshot is a filesystem tree stored as a diff over its parent chain.
 * Every snapshot is addressed by one string: the *key* while it is active or
 * a view, the *name* once committed. There are three kinds:
 *
 *   committed   immutable; only a parent for others. Image layers are
 *               committed snapshots named by chain ID.
 *   active      writable, on top of a committed parent (or on nothing).
 *               A container's root, or a layer being unpacked.
 *   view        read-only look at a committed parent; never committed.
 *
 * Lifecycle:
 *
 *   prepare(key, parent) ──► active ──commit(name, key)──► committed(name)
 *          │                   │                                │
 *          │                   └──remove(key)──► gone           ├──prepare(k2, name)  (child)
 *   view(key, parent) ──► view ──remove(key)──► gone            └──remove(name) once it has no children
 *
 * Unpacking a layer: prepare("extract-…", parentChainId), write the layer
 * into upperDir(key) without mounting anything, commit(chainId, key).
 * A layer unpacked before its place in the chain is known (docker load
 * streams layers before the manifest that orders them) is prepared without
 * a parent and committed with `{ parent }`: a snapshot's own directory holds
 * the same files whatever lies below it, as long as it was never mounted.
 * Running a container: prepare(containerKey, topChainId), mountAll(mounts(key),
 * rootfs), run, unmount, and remove(key) with the container.
 *
 * Mounts are data (type, source, options), not actions: the caller mounts
 * them where it wants (src/host/mount.ts mountAll) and must unmount before
 * remove. Errors: NotFoundError for an unknown key or parent,
 * AlreadyExistsError for a key or name in use, FailedPreconditionError for a
 * verb the kind does not allow (commit of a view, remove with children),
 * InvalidArgumentError for a parent that is not committed.
 */
export type SnapshotKind = 'active' | 'view' | 'committed';

/** Like containerd's mount.Mount: what to mount at a target. */
export interface Mount {
  type: string;
  source: string;
  options: string[];
}

export interface SnapshotInfo {
  name: string;
  parent?: string;
  kind: SnapshotKind;
  /** ISO 8601. */
  created: string;
  labels: Record<string, string>;
}

export interface CommitOptions {
  /** The committed snapshot to commit on top of, instead of the parent given to prepare(). */
  parent?: string;
}

export interface Snapshotter {
  /** A writable snapshot on top of committed parent (or empty); returns how to mount it. */
  prepare(key: string, parent?: string, labels?: Record<string, string>): Promise<Mount[]>;
  /** A read-only snapshot of committed parent. */
  view(key: string, parent?: string): Promise<Mount[]>;
  /** How to mount an active snapshot or view (FailedPreconditionError for committed ones). */
  mounts(key: string): Promise<Mount[]>;
  /**
   * active → committed under name; the key is gone afterwards. Labels carry over.
   * opts.parent commits it on another committed parent than it was prepared on
   * (only for a snapshot written through upperDir() and not mounted: FailedPreconditionError otherwise).
   */
  commit(name: string, key: string, opts?: CommitOptions): Promise<void>;
  /** FailedPreconditionError if it has children. */
  remove(key: string): Promise<void>;
  /** NotFoundError if absent. */
  stat(key: string): Promise<SnapshotInfo>;
  /**
   * Of this snapshot's own directory only: size is the apparent size of its
   * non-directory entries, hard links counted once (Docker's layer and
   * SizeRw sizes); inodes counts distinct inodes, directories included.
   */
  usage(key: string): Promise<{ size: number; inodes: number }>;
  /** Every snapshot, sorted by name. */
  walk(): Promise<SnapshotInfo[]>;
  /** The directory holding this active snapshot's own files (overlay upperdir): layers are unpacked straight into it without mounting. */
  upperDir(key: string): Promise<string>;
  /** The directories of the committed chain under key, nearest first (overlay lowerdirs); used by diff and export. */
  lowerDirs(key: string): Promise<string[]>;
}
