/**
 * `docker rmi` as moby decides it (daemon/images/image_delete.go): untag or
 * delete, which conflicts stop it, and which parents go with it.
 *
 * By name ("busybox", "a/b:t", "x@sha256:…"): the reference is untagged; the
 * image itself is deleted only when that was its last reference, and then
 * quietly (a conflict keeps the image, dangling, and is not reported unless
 * nothing else explains it). Without -f a reference the last one, used by a
 * container, is refused ("unable to remove repository reference").
 *
 * By ID (or ID prefix): every reference goes with the image, but several
 * references refuse without -f ("referenced in multiple repositories").
 *
 * Conflicts: hard (child images, a running container) refuse even with -f;
 * soft (references, a stopped container) only without -f. After a delete,
 * untagged parents are pruned quietly unless noprune.
 */
import { chainIds, type Digest } from '../content/digest.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { familiarString, formatReference, normalizeReference, parseReference, type Reference } from '../reference/reference.js';
import { quote } from '../units/go-strconv.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import type { ImageConfig } from './oci-types.js';
import { shortId } from '../units/ids.js';

export type DeleteResponseItem = { Untagged: string } | { Deleted: string };

export interface DeleteResult {
  items: DeleteResponseItem[];
  /** Bytes of the layers that went (prune's SpaceReclaimed). */
  reclaimed: number;
}

/** What deleting needs from the image service, the container service and the snapshotter. */
export interface ImageDeleteDeps {
  store: ImageStore;
  /** Containers created from the image. */
  users(id: Digest): { id: string; running: boolean }[];
  config(record: ImageRecord): Promise<ImageConfig>;
  /** A layer's own size (0 when it cannot be read). */
  layerSize(chainId: Digest): Promise<number>;
  /** Removes blobs and snapshots no image needs; the names of the snapshots removed. */
  collect(): Promise<Set<string>>;
}

/** moby's imageDeleteConflict: "conflict: unable to delete <id> (must be forced) - <why>". */
export class ImageDeleteConflictError extends ConflictError {
  constructor(
    id: Digest,
    readonly hard: boolean,
    readonly used: boolean,
    why: string,
  ) {
    super(`conflict: unable to delete ${shortId(id)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${why}`);
  }
}

const CHILD = 1;
const RUNNING = 2;
const REFERENCE = 4;
const STOPPED = 8;
const HARD = CHILD | RUNNING;
const SOFT = REFERENCE | STOPPED;

export async function deleteImage(deps: ImageDeleteDeps, nameOrId: string, opts: { force: boolean; prune: boolean }): Promise<DeleteResult> {
  const { store } = deps;
  const record = store.resolve(nameOrId);
  const id = record.id;
  const result: DeleteResult = { items: [], reclaimed: 0 };
  let refs = store.referencesOf(id);
  let quiet = false;

  if (!isImageIdPrefix(id, nameOrId)) {
    if (!opts.force && isSingleReference(refs)) {
      const user = deps.users(id)[0];
      if (user) {
        throw new ConflictError(
          `conflict: unable to remove repository reference ${quote(nameOrId)} (must force) - container ${user.id.slice(0, 12)} is using its referenced image ${shortId(id)}`,
        );
      }
    }
    const ref = normalizeReference(nameOrId);
    await untagQuietly(store, formatReference(ref));
    result.items.push({ Untagged: familiarString(ref) });
    refs = store.referencesOf(id);
    // A tag gone and only digests of that repository left: they go too.
    if (ref.digest === undefined && !refs.some((r) => isTagged(r) && sameName(r, ref))) {
      for (const r of refs.filter((r) => !isTagged(r) && sameName(r, ref))) {
        await untagQuietly(store, r);
        result.items.push({ Untagged: familiar(r) });
      }
      refs = store.referencesOf(id);
    }
    if (refs.length > 0) return result;
    quiet = true;
  } else if (isSingleReference(refs)) {
    const conflict = checkConflict(deps, id, HARD | (opts.force ? 0 : STOPPED));
    if (conflict) throw conflict;
    for (const r of refs) {
      await untagQuietly(store, r);
      result.items.push({ Untagged: familiar(r) });
    }
  }
  await deleteHelper(deps, id, result, opts.force, opts.prune, quiet);
  return result;
}

async function deleteHelper(deps: ImageDeleteDeps, id: Digest, result: DeleteResult, force: boolean, prune: boolean, quiet: boolean): Promise<void> {
  const { store } = deps;
  const conflict = checkConflict(deps, id, HARD | (force ? 0 : SOFT));
  if (conflict) {
    // Quietly kept unless it is now dangling and unused: then the user must hear why.
    if (quiet && (!isDangling(store, id) || conflict.used)) return;
    throw conflict;
  }
  const record = store.get(id);
  const chains = chainIds((await deps.config(record)).rootfs.diff_ids).reverse(); // top layer first, as layers are released
  const sizes = new Map<string, number>();
  for (const c of chains) sizes.set(c, await deps.layerSize(c));
  for (const r of store.referencesOf(id)) {
    await untagQuietly(store, r);
    result.items.push({ Untagged: familiar(r) });
  }
  await store.delete(id);
  result.items.push({ Deleted: id });
  const removed = await deps.collect();
  for (const c of chains) {
    if (!removed.has(c)) continue;
    result.items.push({ Deleted: c });
    result.reclaimed += sizes.get(c) ?? 0;
  }
  const parent = record.parent;
  if (!prune || parent === undefined) return;
  try {
    store.get(parent);
  } catch (err) {
    if (err instanceof NotFoundError) return;
    throw err;
  }
  await deleteHelper(deps, parent, result, false, true, true);
}

function checkConflict(deps: ImageDeleteDeps, id: Digest, mask: number): ImageDeleteConflictError | undefined {
  if (mask & CHILD && deps.store.children(id).length > 0) {
    return new ImageDeleteConflictError(id, true, false, 'image has dependent child images');
  }
  const users = mask & (RUNNING | STOPPED) ? deps.users(id) : [];
  const running = users.find((u) => u.running);
  if (mask & RUNNING && running) {
    return new ImageDeleteConflictError(id, true, true, `image is being used by running container ${running.id.slice(0, 12)}`);
  }
  if (mask & REFERENCE && deps.store.referencesOf(id).length > 0) {
    return new ImageDeleteConflictError(id, false, false, 'image is referenced in multiple repositories');
  }
  const stopped = users.find((u) => !u.running);
  if (mask & STOPPED && stopped) {
    return new ImageDeleteConflictError(id, false, true, `image is being used by stopped container ${stopped.id.slice(0, 12)}`);
  }
  return undefined;
}

/** No references and no children (moby's imageIsDangling). */
function isDangling(store: ImageStore, id: Digest): boolean {
  return store.referencesOf(id).length === 0 && store.children(id).length === 0;
}

/** All references in one repository, with at most one tag (moby's isSingleReference); false for none. */
export function isSingleReference(refs: readonly string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: string | undefined;
  const canonicalNames = new Set<string>();
  for (const r of refs) {
    if (!isTagged(r)) canonicalNames.add(nameOf(r));
    else if (single === undefined) single = r;
    else return false;
  }
  return canonicalNames.size === 1 && canonicalNames.has(nameOf(single ?? refs[0]!));
}

/** The argument is a prefix of the image's ID, with or without "sha256:" (moby's isImageIDPrefix). */
function isImageIdPrefix(id: Digest, s: string): boolean {
  return id.startsWith(s) || id.slice(id.indexOf(':') + 1).startsWith(s);
}

async function untagQuietly(store: ImageStore, fullRef: string): Promise<void> {
  try {
    await store.untag(fullRef);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

function parsed(fullRef: string): Reference {
  return parseReference(fullRef);
}

function isTagged(fullRef: string): boolean {
  return parsed(fullRef).digest === undefined;
}

function nameOf(fullRef: string): string {
  const r = parsed(fullRef);
  return `${r.domain}/${r.path}`;
}

function sameName(fullRef: string, ref: Reference): boolean {
  return nameOf(fullRef) === `${ref.domain}/${ref.path}`;
}

function familiar(fullRef: string): string {
  return familiarString(parsed(fullRef));
}

