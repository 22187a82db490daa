/**
 * The build context tar the docker CLI sends with `POST /build` (classic
 * builder, DOCKER_BUILDKIT=0), made from a directory.
 *
 * Flow (docker/cli cli/command/image/build.go runBuild):
 *   1. read <dir>/.dockerignore (absent = no patterns) → PatternMatcher
 *   2. listContextFiles: the paths left after the patterns, plus the
 *      Dockerfile and .dockerignore, which are always sent
 *   3. packDirectory over exactly those paths, every member owned by 0:0
 *      (archive.TarOptions{ChownOpts: 0:0}); same tree → same bytes
 *   4. a Dockerfile from outside the context or from stdin is appended under
 *      its own name (`.dockerfile.<20 hex>`, see newExtraDockerfileName), and
 *      `.dockerignore` is rewritten to list that name (and itself when it was
 *      absent), so the daemon removes both from the context before the build,
 *      as docker/cli's AddDockerfileToBuildContext arranges. Docker rewrites
 *      .dockerignore in place; here both members come last, before the end
 *      marker (the daemon does not care about member order).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError, isErrno } from '../../errors.js';
import { packDirectory } from '../../archive/tar-pack.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from '../../archive/tar-header.js';
import { listContextFiles } from './context-files.js';
import { parseDockerignore, PatternMatcher } from './dockerignore.js';

export const DOCKERIGNORE = '.dockerignore';
export const DEFAULT_DOCKERFILE = 'Dockerfile';

export interface PackContextOptions {
  /** The Dockerfile's path inside the context ("Dockerfile" when omitted); sent even if .dockerignore excludes it. */
  dockerfile?: string;
  /** A Dockerfile from outside the context (or stdin), added to the tar as `name`. */
  extraDockerfile?: { name: string; content: Buffer };
}

/** docker/cli's random name for a Dockerfile added to the context: ".dockerfile." + 20 hex digits. */
export function newExtraDockerfileName(): string {
  return `.dockerfile.${randomBytes(10).toString('hex')}`;
}

/** The patterns of <dir>/.dockerignore, or none when there is no such file. */
export async function readDockerignore(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, DOCKERIGNORE), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw new InvalidArgumentError(`error reading .dockerignore: ${(err as Error).message}`, { cause: err });
  }
  return parseDockerignore(text);
}

export async function packContext(dir: string, opts: PackContextOptions = {}): Promise<Readable> {
  const root = path.resolve(dir);
  const matcher = new PatternMatcher(await readDockerignore(root));
  const extra = opts.extraDockerfile;
  const keep = extra === undefined ? [DOCKERIGNORE, opts.dockerfile ?? DEFAULT_DOCKERFILE] : [DOCKERIGNORE];
  let paths = await listContextFiles(root, matcher, keep);
  if (extra === undefined) {
    return packDirectory(root, { whiteouts: 'none', paths, exactPaths: true, owner: { uid: 0, gid: 0 } });
  }
  const trailer = await extraMembers(root, extra, paths.includes(DOCKERIGNORE));
  paths = paths.filter((p) => p !== DOCKERIGNORE);
  const tree = packDirectory(root, { whiteouts: 'none', paths, exactPaths: true, owner: { uid: 0, gid: 0 } });
  return Readable.from(appendBeforeEnd(tree, trailer), { objectMode: false, highWaterMark: 1 << 20 });
}

/** The rewritten .dockerignore and the extra Dockerfile, as tar members. */
async function extraMembers(root: string, extra: { name: string; content: Buffer }, hasIgnoreFile: boolean): Promise<Buffer> {
  if (extra.name.includes('/') || extra.name === DOCKERIGNORE || extra.name === '') {
    throw new InvalidArgumentError(`invalid name for an added Dockerfile: ${extra.name}`);
  }
  const now = Math.floor(Date.now() / 1000);
  let ignore = { content: Buffer.from(DOCKERIGNORE), mode: 0o600, mtime: now };
  if (hasIgnoreFile) {
    const host = path.join(root, DOCKERIGNORE);
    const st = await fsp.lstat(host);
    if (st.isFile()) ignore = { content: await fsp.readFile(host), mode: st.mode & 0o7777, mtime: Math.floor(st.mtimeMs / 1000) };
  }
  const ignoreContent = Buffer.concat([ignore.content, Buffer.from(`\n${extra.name}\n`)]);
  return Buffer.concat([
    ...member(DOCKERIGNORE, ignoreContent, ignore.mode, ignore.mtime),
    ...member(extra.name, extra.content, 0o600, now),
  ]);
}

function member(name: string, content: Buffer, mode: number, mtime: number): Buffer[] {
  const header = encodeHeader({ name, type: 'file', mode, uid: 0, gid: 0, size: content.length, mtime });
  return [header, content, padding(content.length)];
}

/** Passes a tar through, holding back its end-of-archive marker to put `trailer` in front of it. */
async function* appendBeforeEnd(tar: AsyncIterable<Buffer>, trailer: Buffer): AsyncGenerator<Buffer> {
  const END = END_OF_ARCHIVE.length;
  let held = Buffer.alloc(0);
  for await (const chunk of tar) {
    if (chunk.length >= END) {
      if (held.length > 0) yield held;
      if (chunk.length > END) yield chunk.subarray(0, chunk.length - END);
      held = Buffer.from(chunk.subarray(chunk.length - END));
    } else {
      held = Buffer.concat([held, chunk]);
      if (held.length > END) {
        yield held.subarray(0, held.length - END);
        held = Buffer.from(held.subarray(held.length - END));
      }
    }
  }
  if (held.length !== END || held.some((b) => b !== 0)) throw new Error('packed context does not end with a tar end-of-archive marker');
  yield trailer;
  yield END_OF_ARCHIVE;
}
