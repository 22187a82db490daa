/**
 * Which paths of a build context directory are sent to the daemon, after
 * `.dockerignore` (moby's archive.TarWithOptions walk, as docker/cli drives
 * it for `docker build`).
 *
 * The walk is depth-first with each directory's names sorted, so the list
 * (and the tar made from it) is the same for the same tree. Symlinks are
 * listed, never followed. An excluded directory is skipped whole unless an
 * exception pattern could re-include something under it (its text starts
 * with "dir/"), or it leads to a `keep` path; then it is walked but not
 * itself listed, so an exception file may appear without its parent
 * directory entry, exactly as in Docker's tar.
 *
 * `keep` paths (the Dockerfile and .dockerignore) are listed whatever the
 * patterns say: docker/cli appends `!.dockerignore` and `!<Dockerfile>`
 * exceptions for them (TrimBuildFilesFromExcludes) so the daemon can read
 * them. A keep path that does not exist is simply absent.
 */
import { promises as fsp, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { NotFoundError, isErrno } from '../../errors.js';
import { goClean, type MatchInfo, type PatternMatcher } from './dockerignore.js';

export async function listContextFiles(dir: string, matcher: PatternMatcher, keep: readonly string[]): Promise<string[]> {
  const root = path.resolve(dir);
  const keepPaths = new Set<string>();
  const keepParents = new Set<string>();
  for (const k of keep) {
    const rel = goClean(k);
    if (rel === '.' || rel === '..' || rel.startsWith('../') || rel.startsWith('/')) continue;
    keepPaths.add(rel);
    for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) keepParents.add(rel.slice(0, i));
  }

  const out: string[] = [];
  const walk = async (relDir: string, parent: MatchInfo | undefined): Promise<void> => {
    const entries = await readDir(path.join(root, relDir), relDir === '');
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      const isDir = entry.isDirectory();
      const { excluded, info } = matcher.matchUsingParent(rel, parent);
      if (excluded && !keepPaths.has(rel)) {
        if (isDir && (keepParents.has(rel) || matcher.excludedDirMayHoldExceptions(rel))) await walk(rel, info);
        continue;
      }
      out.push(rel);
      if (isDir) await walk(rel, info);
    }
  };
  await walk('', undefined);
  return out;
}

/** A directory's entries; the root must exist, a subdirectory removed meanwhile reads as empty. */
async function readDir(host: string, isRoot: boolean): Promise<Dirent[]> {
  try {
    return await fsp.readdir(host, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) {
      if (isRoot) throw new NotFoundError(`no such build context directory: ${host}`);
      return [];
    }
    throw err;
  }
}
