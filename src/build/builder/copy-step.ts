/**
 * COPY and ADD: sources from the build context (or, with --from, from
 * another stage's or image's root), copied into the stage's root through a
 * step rootfs, giving one layer.
 *
 * Destination rules (Docker's): a relative destination is under WORKDIR; a
 * destination ending in "/", or several sources, means a directory; a single
 * file source goes to the destination path itself unless that is an
 * existing directory; a directory source copies its contents. ADD also
 * unpacks a local tar archive (plain, gzip, bzip2, xz, zstd) into the
 * destination, and fetches http(s) URLs (mode 0600, as Docker).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { detectCompression, decompressed } from '../../archive/compression.js';
import { DestResolver } from '../../archive/dest-resolver.js';
import { extractTar } from '../../archive/tar-extract.js';
import { InvalidArgumentError } from '../../errors.js';
import { resolveInRoot, resolveUser } from '../../runtime/user.js';
import type { CopyCommand } from '../dockerfile/types.js';
import { expandSource } from './source-glob.js';
import { copyTree, destPath, isDirIn, type CopyOwnership } from './tree-copy.js';

/** One source, resolved: where its bytes are on the host and its path as written. */
export interface ResolvedSource {
  /** Host path (inside the context, a stage's root, or a download). */
  host: string;
  /** Relative path in its root ("" for the root), or the URL. */
  rel: string;
  /** ADD: unpack it when it is a tar archive. */
  unpack: boolean;
}

export interface CopyPlan {
  sources: ResolvedSource[];
  /** Destination, absolute in the container. */
  dest: string;
  destIsDir: boolean;
  chown?: string;
  chmod?: number;
  /** For messages; when absent, ADD is recognised by its context sources (always unpack: true). */
  instruction?: 'COPY' | 'ADD';
}

/** Parses --chmod: octal digits only (BuildKit also takes symbolic modes; Docker's legacy builder none). */
export function parseChmod(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(value)) throw new InvalidArgumentError(`invalid --chmod value ${JSON.stringify(value)}: an octal mode like 0755 is expected`);
  return parseInt(value, 8);
}

export function absoluteDest(dest: string, workdir: string | undefined): string {
  const abs = dest.startsWith('/') ? dest : path.posix.join(workdir || '/', dest);
  return dest.endsWith('/') && !abs.endsWith('/') ? `${abs}/` : abs;
}

/** Expands the sources inside root (context or another stage's root). */
export async function resolveSources(root: string, sources: readonly string[], kind: 'COPY' | 'ADD'): Promise<ResolvedSource[]> {
  const out: ResolvedSource[] = [];
  for (const src of sources) {
    for (const rel of await expandSource(root, src, kind)) {
      out.push({ host: rel === '' ? root : await resolveInRoot(root, rel), rel, unpack: kind === 'ADD' });
    }
  }
  return out;
}

/** Downloads an ADD URL into dir; the file keeps the URL's last path component as its name. */
export async function download(url: string, dir: string): Promise<ResolvedSource & { name: string }> {
  const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '') || 'index.html';
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(60_000), redirect: 'follow' });
  } catch (err) {
    throw new InvalidArgumentError(`ADD failed: cannot fetch ${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
  }
  if (!res.ok || !res.body) throw new InvalidArgumentError(`ADD failed: cannot fetch ${url}: HTTP ${res.status} ${res.statusText}`);
  const file = path.join(dir, `download-${randomBytes(6).toString('hex')}`);
  await fs.promises.writeFile(file, Readable.fromWeb(res.body as import('node:stream/web').ReadableStream));
  await fs.promises.chmod(file, 0o600);
  const modified = res.headers.get('last-modified');
  if (modified && !Number.isNaN(Date.parse(modified))) await fs.promises.utimes(file, new Date(), new Date(modified));
  return { host: file, rel: url, unpack: false, name };
}

/** The content hash of one downloaded file (the cache key of an ADD from a URL). */
export async function fileDigest(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

async function isArchive(file: string): Promise<boolean> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fd.read(head, 0, 512, 0);
    if (detectCompression(head.subarray(0, bytesRead)) !== 'none') return true;
    return bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await fd.close();
  }
}

/** Copies the plan into the mounted root. */
export async function applyCopy(rootfs: string, plan: CopyPlan, names: Map<string, string>, upper?: string): Promise<void> {
  const link = upper === undefined ? undefined : { rootfs, upper };
  checkSeveralSources(plan);
  const resolver = new DestResolver(rootfs, 'scoped');
  let own: CopyOwnership = { uid: 0, gid: 0, ...(plan.chmod !== undefined ? { mode: plan.chmod } : {}) };
  if (plan.chown) {
    const u = await resolveUser(rootfs, plan.chown);
    // A uid without a group is also the gid (Docker's documented rule, BuildKit's ByID); a user
    // name without a group takes its primary gid from /etc/passwd, as resolveUser gives it.
    const uidOnly = /^\d+$/.test(plan.chown);
    own = { ...own, uid: u.uid, gid: uidOnly ? u.uid : u.gid };
  }
  const intoDir = plan.destIsDir || isDirIn(resolver, plan.dest);
  for (const src of plan.sources) {
    const st = fs.statSync(src.host);
    if (st.isDirectory()) {
      await copyTree(src.host, destPath(resolver, plan.dest), own, link);
      continue;
    }
    if (src.unpack && st.isFile() && (await isArchive(src.host))) {
      const dir = destPath(resolver, plan.dest);
      fs.mkdirSync(dir, { recursive: true });
      await extractTar(await decompressed(fs.createReadStream(src.host)), dir, { whiteouts: 'keep', symlinks: 'scoped' });
      continue;
    }
    const base = names.get(src.host) ?? path.posix.basename(src.rel);
    const target = intoDir ? `${plan.dest.replace(/\/+$/, '')}/${base}` : plan.dest;
    await copyTree(src.host, destPath(resolver, target), own, link);
  }
}

/**
 * Several sources (after wildcards are expanded) need a destination written
 * as a directory: moby refuses `COPY a b /dest` rather than guess.
 */
export function checkSeveralSources(plan: CopyPlan): void {
  if (plan.sources.length <= 1 || plan.dest.endsWith('/')) return;
  const kind = plan.instruction ?? (plan.sources.some((s) => s.unpack) ? 'ADD' : 'COPY');
  throw new InvalidArgumentError(`When using ${kind} with more than one source file, the destination must be a directory and end with a /`);
}

/** Docker's history form of the copied content: "file:<hash>", "dir:<hash>" or "multi:<hash>". */
export function sourceLabel(sources: readonly ResolvedSource[], contentDigest: string): string {
  const hex = contentDigest.replace(/^sha256:/, '');
  if (sources.length > 1) return `multi:${hex}`;
  const st = sources[0] ? fs.statSync(sources[0].host) : undefined;
  return `${st?.isDirectory() ? 'dir' : 'file'}:${hex}`;
}

export function checkCopyFlags(c: CopyCommand): void {
  for (const flag of Object.keys(c.flags)) {
    if (['link', 'parents', 'exclude', 'checksum', 'keep-git-dir'].includes(flag)) {
      throw new InvalidArgumentError(`${c.kind} --${flag} is not supported by Berth's builder yet`);
    }
  }
  if (c.kind === 'ADD' && c.from !== undefined) throw new InvalidArgumentError('ADD does not support --from (use COPY --from)');
}
