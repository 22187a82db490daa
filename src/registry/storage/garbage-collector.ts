/**
 * `berth registry gc`: mark every blob some manifest of some repository
 * references, sweep the rest; safe while `berth registry serve` runs on the
 * same root (a separate process).
 *
 * Mark: for each repository, each revision link names a manifest; the
 * manifest, its config and layers, its index children and its subject are
 * marked, and referenced manifests are opened in turn (a worklist), so an
 * index keeps its children's layers even if a child's revision was deleted.
 *
 * Why a concurrent server cannot lose a blob — the mtime contract:
 *  1. Whenever the server creates a blob or link, or confirms a reference to
 *     an existing one (manifest PUT checking its blobs, a mount, a re-upload,
 *     a HEAD — which is how a pusher learns it may skip an upload),
 *     it stamps the file's mtime with the current time (link-file.ts claim(),
 *     one utimes(2), which either hits the file at its path or fails ENOENT).
 *  2. The collector notes its start time T0 and never deletes a file whose
 *     mtime is ≥ T0 − grace − CLOCK_SLACK. So anything the server touched
 *     after the mark began survives, and so does anything uploaded within
 *     the grace period before (a push in progress: layers land minutes before
 *     the manifest that references them).
 *  3. The check-then-delete race is closed by moving first: the collector
 *     renames an unmarked, old blob into gc/trash/, THEN reads its mtime. If
 *     the server's claim came before the rename, the stamp is fresh and the
 *     blob is renamed back. If it came after, the claim failed (ENOENT) and
 *     the server treats the blob as absent (MANIFEST_BLOB_UNKNOWN, or a new
 *     upload), never as present. Either way no reference is made to bytes
 *     that are then deleted. A crash mid-sweep leaves files in gc/trash/,
 *     which the next run restores before it starts.
 * Uploads in flight live in uploads/ and are not the collector's business;
 * their blob appears (fresh) when they finish.
 *
 * Links of deleted content go too: revision links whose manifest bytes are
 * gone, layer links whose blob is gone, tags pointing at no revision, and
 * referrer entries of removed manifests — each through the same
 * rename-then-check step, so a link the server has just re-made is kept.
 *
 * One collection at a time per root: gc/lock holds the collector's pid.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConflictError, isErrno, NotFoundError } from '../../errors.js';
import { RegistryLayout } from './layout.js';
import { listDir, removeIfExists } from './link-file.js';
import { MANIFEST_TYPES, parseManifest, referencedDigests, type ParsedManifest } from './manifest-model.js';
import { isBlobDigest, isDigestAlgorithm, isTag, type BlobDigest, type RepoName } from './names.js';
import { RepositoryCatalog } from './repository-catalog.js';

/** Margin for clocks: kernel timestamps may trail Date.now() by a tick. */
export const CLOCK_SLACK_MS = 1000;
export const DEFAULT_GRACE_MS = 60 * 60 * 1000;

export interface GcOptions {
  /** Report what would go, remove nothing. */
  dryRun?: boolean;
  /** Blobs and links younger than this are kept even when unreferenced (default one hour). */
  graceMs?: number;
  /** One line per event, for the CLI. */
  log?: (line: string) => void;
  /** Runs between mark and sweep (tests use it to act like a concurrent server). */
  afterMark?: () => Promise<void>;
}

export interface GcReport {
  repositories: number;
  manifests: number;
  marked: number;
  /** Unreferenced blobs removed (dry run: that would be removed). */
  deleted: BlobDigest[];
  bytesFreed: number;
  /** Unreferenced blobs kept because they are younger than the grace period or were claimed meanwhile. */
  keptFresh: number;
  linksRemoved: number;
}

export async function collectGarbage(root: string, opts: GcOptions = {}): Promise<GcReport> {
  const layout = new RegistryLayout(root);
  const log = opts.log ?? (() => undefined);
  if ((await fs.stat(layout.blobsDir).catch(() => undefined))?.isDirectory() !== true) {
    throw new NotFoundError(`no registry storage at ${layout.root}: ${layout.blobsDir} is missing`);
  }
  await fs.mkdir(path.join(layout.gcDir, 'trash'), { recursive: true });
  const lock = await acquireLock(path.join(layout.gcDir, 'lock'));
  try {
    const trash = new Trash(layout, path.join(layout.gcDir, 'trash'));
    await trash.recover();
    const cutoff = Date.now() - (opts.graceMs ?? DEFAULT_GRACE_MS) - CLOCK_SLACK_MS;
    const report: GcReport = { repositories: 0, manifests: 0, marked: 0, deleted: [], bytesFreed: 0, keptFresh: 0, linksRemoved: 0 };

    const repos = await new RepositoryCatalog(layout).listAll();
    report.repositories = repos.length;
    const marked = await mark(layout, repos, report);
    report.marked = marked.size;
    log(`${marked.size} blobs marked in ${repos.length} repositories (${report.manifests} manifests)`);
    await opts.afterMark?.();

    for await (const { digest, file } of blobFiles(layout)) {
      if (marked.has(digest)) continue;
      const st = await fs.stat(file).catch(() => undefined);
      if (st === undefined) continue;
      if (st.mtimeMs >= cutoff) {
        report.keptFresh++;
        continue;
      }
      if (opts.dryRun) {
        log(`blob eligible for deletion: ${digest}`);
        report.deleted.push(digest);
        report.bytesFreed += st.size;
        continue;
      }
      const size = await trash.removeIfStale(file, cutoff);
      if (size === undefined) report.keptFresh++;
      else {
        log(`deleted blob: ${digest}`);
        report.deleted.push(digest);
        report.bytesFreed += size;
      }
    }
    if (!opts.dryRun) report.linksRemoved = await removeDeadLinks(layout, repos, trash, cutoff, log);
    return report;
  } finally {
    await lock.release();
  }
}

async function mark(layout: RegistryLayout, repos: RepoName[], report: GcReport): Promise<Set<BlobDigest>> {
  const marked = new Set<BlobDigest>();
  const expanded = new Set<BlobDigest>();
  const work: BlobDigest[] = [];
  for (const repo of repos) {
    for (const digest of await revisions(layout, repo)) {
      report.manifests++;
      marked.add(digest);
      work.push(digest);
    }
  }
  while (work.length > 0) {
    const digest = work.pop()!;
    if (expanded.has(digest)) continue;
    expanded.add(digest);
    const m = await readManifest(layout, digest);
    if (m === undefined) continue;
    for (const ref of referencedDigests(m)) marked.add(ref);
    for (const d of [...m.manifests, ...(m.subject !== undefined ? [m.subject] : [])]) {
      if (MANIFEST_TYPES.includes(d.mediaType)) work.push(d.digest);
    }
  }
  return marked;
}

async function readManifest(layout: RegistryLayout, digest: BlobDigest): Promise<ParsedManifest | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(layout.blobPath(digest));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  try {
    return parseManifest(bytes, undefined);
  } catch {
    return undefined;
  }
}

/** Digests of repo's revision links. */
async function revisions(layout: RegistryLayout, repo: RepoName): Promise<BlobDigest[]> {
  const out: BlobDigest[] = [];
  const dir = layout.revisionsDir(repo);
  for (const alg of await listDir(dir)) {
    if (!isDigestAlgorithm(alg)) continue;
    for (const hex of await listDir(path.join(dir, alg))) {
      const d = `${alg}:${hex}`;
      if (isBlobDigest(d)) out.push(d);
    }
  }
  return out;
}

async function* blobFiles(layout: RegistryLayout): AsyncGenerator<{ digest: BlobDigest; file: string }> {
  for (const alg of await listDir(layout.blobsDir)) {
    if (!isDigestAlgorithm(alg)) continue;
    for (const prefix of await listDir(layout.blobAlgorithmDir(alg))) {
      for (const hex of await listDir(path.join(layout.blobAlgorithmDir(alg), prefix))) {
        const d = `${alg}:${hex}`;
        if (isBlobDigest(d) && hex.startsWith(prefix)) yield { digest: d, file: path.join(layout.blobAlgorithmDir(alg), prefix, hex) };
      }
    }
  }
}

async function removeDeadLinks(layout: RegistryLayout, repos: RepoName[], trash: Trash, cutoff: number, log: (line: string) => void): Promise<number> {
  let removed = 0;
  const drop = async (file: string, what: string): Promise<void> => {
    if ((await trash.removeIfStale(file, cutoff)) !== undefined) {
      removed++;
      log(`removed ${what}`);
    }
  };
  const blobExists = async (d: BlobDigest): Promise<boolean> => (await fs.stat(layout.blobPath(d)).catch(() => undefined)) !== undefined;
  for (const repo of repos) {
    const live = new Set<BlobDigest>();
    for (const d of await revisions(layout, repo)) {
      if (await blobExists(d)) live.add(d);
      else await drop(layout.revisionLink(repo, d), `manifest link ${repo}@${d}`);
    }
    const layersDir = layout.layersDir(repo);
    for (const alg of await listDir(layersDir)) {
      for (const hex of await listDir(path.join(layersDir, alg))) {
        const d = `${alg}:${hex}`;
        if (isBlobDigest(d) && !(await blobExists(d))) await drop(layout.layerLink(repo, d), `blob link ${repo}@${d}`);
      }
    }
    const tagsDir = layout.tagsDir(repo);
    for (const tag of await listDir(tagsDir)) {
      if (!isTag(tag)) continue;
      const d = (await fs.readFile(path.join(tagsDir, tag), 'utf8').catch(() => '')).trim();
      if (isBlobDigest(d) && !live.has(d)) await drop(path.join(tagsDir, tag), `tag ${repo}:${tag}`);
    }
    const referrersRoot = path.join(layout.repoDir(repo), '_referrers');
    for (const alg of await listDir(referrersRoot)) {
      for (const subjectHex of await listDir(path.join(referrersRoot, alg))) {
        const dir = path.join(referrersRoot, alg, subjectHex);
        for (const entry of await listDir(dir)) {
          const d = entry.replace('-', ':');
          if (isBlobDigest(d) && !live.has(d)) await drop(path.join(dir, entry), `referrer ${repo}@${d}`);
        }
      }
    }
  }
  return removed;
}

/** The rename-then-check step (see the header) and its crash recovery. */
class Trash {
  readonly #layout: RegistryLayout;
  readonly #dir: string;

  constructor(layout: RegistryLayout, dir: string) {
    this.#layout = layout;
    this.#dir = dir;
  }

  /** Moves file aside; deletes it if its mtime is older than cutoff, else puts it back. Returns the size deleted. */
  async removeIfStale(file: string, cutoff: number): Promise<number | undefined> {
    const parked = path.join(this.#dir, encodeURIComponent(path.relative(this.#layout.root, file)));
    try {
      await fs.rename(file, parked);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
    const st = await fs.stat(parked);
    if (st.mtimeMs >= cutoff) {
      await fs.rename(parked, file);
      return undefined;
    }
    await fs.unlink(parked);
    return st.size;
  }

  /** Puts back whatever a crashed run left parked (unless the server re-made it meanwhile). */
  async recover(): Promise<void> {
    for (const name of await listDir(this.#dir)) {
      const parked = path.join(this.#dir, name);
      const original = path.resolve(this.#layout.root, decodeURIComponent(name));
      if (!original.startsWith(this.#layout.root + path.sep)) {
        await removeIfExists(parked);
        continue;
      }
      try {
        await fs.link(parked, original);
      } catch (err) {
        if (!isErrno(err, 'EEXIST') && !isErrno(err, 'ENOENT')) throw err;
      }
      await removeIfExists(parked);
    }
  }
}

async function acquireLock(file: string): Promise<{ release(): Promise<void> }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return { release: async () => void (await removeIfExists(file)) };
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    const pid = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new ConflictError(`another garbage collection is running on this registry (pid ${pid})`);
    await removeIfExists(file);
  }
  throw new ConflictError('could not take the garbage collection lock');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrno(err, 'EPERM');
  }
}
