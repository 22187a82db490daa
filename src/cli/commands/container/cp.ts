/**
 * `berth cp` / `berth container cp`: copy between a container and the local
 * filesystem through the archive API (docker/cli container/cp.go).
 *
 *   berth cp CTR:/src /dst     GET  /containers/CTR/archive?path=/src → extract
 *   berth cp CTR:/src -        the same tar, raw, to stdout
 *   berth cp /src CTR:/dst     HEAD /archive (stat dst) → pack → PUT /archive
 *   berth cp - CTR:/dir        a tar from stdin, PUT as is (dst must be a directory)
 *
 * Path rules (which name lands where) are cp-paths.ts; packing and safe
 * extraction are src/archive/.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../../errors.js';
import type { BerthCli } from '../../cli-context.js';
import { isDaemonError } from '../../client/daemon-error.js';
import { copyStream } from '../../stream/stdcopy.js';
import { BerthCommand, exactArgs } from '../command.js';
import { goModeIsDir, goModeIsRegular, goModeIsSymlink, planCopy, splitCpArg, splitPathDirEntry, type Destination } from './cp-paths.js';

export interface CpOptions {
  source: string;
  destination: string;
  followLink: boolean;
  copyUIDGID: boolean;
}

export function newCpCommand(cli: BerthCli): BerthCommand {
  return new BerthCommand('cp')
    .use('cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-')
    .description('Copy files/folders between a container and the local filesystem')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option('-q, --quiet', 'Suppress progress output during copy')
    .run<{ archive?: boolean; followLink?: boolean }>(exactArgs(2), ([source, destination], f) =>
      runCp(cli, { source: source!, destination: destination!, followLink: f.followLink === true, copyUIDGID: f.archive === true }),
    );
}

export async function runCp(cli: BerthCli, o: CpOptions): Promise<void> {
  const src = splitCpArg(o.source);
  const dst = splitCpArg(o.destination);
  if (src.path === '') throw new InvalidArgumentError('source can not be empty');
  if (dst.path === '') throw new InvalidArgumentError('destination can not be empty');
  if (src.container !== undefined && dst.container !== undefined) {
    throw new InvalidArgumentError('copying between containers is not supported');
  }
  if (src.container !== undefined) return copyFromContainer(cli, src.container, src.path, dst.path, o);
  if (dst.container !== undefined) return copyToContainer(cli, src.path, dst.container, dst.path, o);
  throw new InvalidArgumentError('must specify at least one container source');
}

/** A local destination, following symlinks; a missing one needs an existing parent. */
async function localDestination(p: string): Promise<Destination> {
  const st = await fsp.stat(p).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    return undefined;
  });
  if (st !== undefined) return { path: p, exists: true, isDir: st.isDirectory() };
  const parent = path.dirname(p.replace(/\/+$/, '') || '/');
  await fsp.stat(parent).catch(() => {
    throw new InvalidArgumentError(`lstat ${parent}: no such file or directory`);
  });
  return { path: p, exists: false, isDir: false };
}

async function copyFromContainer(cli: BerthCli, container: string, srcPath: string, dstPath: string, o: CpOptions): Promise<void> {
  let source = srcPath;
  let rebaseName: string | undefined;
  if (o.followLink) {
    const stat = await cli.client.containers.statPath(container, srcPath);
    if (goModeIsSymlink(stat.mode) && stat.linkTarget !== '') {
      source = path.posix.isAbsolute(stat.linkTarget) ? stat.linkTarget : path.posix.join(path.posix.dirname(srcPath), stat.linkTarget);
      rebaseName = path.posix.basename(srcPath);
    }
  }
  const { stat, stream } = await cli.client.containers.getArchive(container, source);
  if (dstPath === '-') {
    await copyStream(stream, cli.out);
    return;
  }
  const dst = await localDestination(path.resolve(dstPath) + (dstPath.endsWith('/') ? '/' : ''));
  // The daemon names the archive's top entry after the requested path ("." for "dir/.");
  // with -L the user sees the link's name instead (docker's RebaseName).
  const archiveBase = splitPathDirEntry(source)[1];
  const logical = rebaseName !== undefined ? path.posix.join(path.posix.dirname(source), rebaseName) : source;
  const plan = planCopy(logical, goModeIsDir(stat.mode), dst);
  const rebase = archiveBase === plan.name ? undefined : { from: archiveBase, to: plan.name };
  // Loaded on demand: the tar code (and zlib behind it) costs ~40 ms of every CLI start otherwise.
  const { extractTar } = await import('../../../archive/tar-extract.js');
  await extractTar(stream, plan.dir, { whiteouts: 'keep', symlinks: 'scoped', sameOwner: false, ...(rebase ? { rebase } : {}) });
}

async function copyToContainer(cli: BerthCli, srcPath: string, container: string, dstPath: string, o: CpOptions): Promise<void> {
  let dst: Destination = { path: dstPath, exists: false, isDir: false };
  try {
    const stat = await cli.client.containers.statPath(container, dstPath);
    let mode = stat.mode;
    let resolved = dstPath;
    if (goModeIsSymlink(mode) && o.followLink) {
      resolved = path.posix.isAbsolute(stat.linkTarget) ? stat.linkTarget : path.posix.join(path.posix.dirname(dstPath), stat.linkTarget);
      mode = (await cli.client.containers.statPath(container, resolved)).mode;
    }
    if (!goModeIsDir(mode) && !goModeIsRegular(mode) && !goModeIsSymlink(mode)) {
      throw new InvalidArgumentError(`destination "${container}:${dstPath}" must be a directory or a regular file`);
    }
    dst = { path: resolved, exists: true, isDir: goModeIsDir(mode) };
  } catch (err) {
    // A missing destination is fine: its parent may exist, and the daemon says so if not.
    if (!isDaemonError(err, 'not_found')) throw err;
  }

  if (srcPath === '-') {
    if (!dst.isDir) throw new InvalidArgumentError(`destination "${container}:${dstPath}" must be a directory`);
    await cli.client.containers.putArchive(container, dst.path, cli.in, { copyUIDGID: o.copyUIDGID });
    return;
  }
  const local = path.resolve(srcPath) + (srcPath.endsWith('/.') ? '/.' : '');
  const st = o.followLink ? await fsp.stat(local) : await fsp.lstat(local);
  const plan = planCopy(local, st.isDirectory(), dst);
  // The archive root is the source itself, named plan.name ("." = unwrapped contents).
  const root = local.endsWith('/.') ? local.slice(0, -2) : local;
  const { packDirectory } = await import('../../../archive/tar-pack.js');
  const tar = packDirectory(o.followLink ? await fsp.realpath(root) : root, { whiteouts: 'none', ...(plan.name === '.' ? {} : { rebaseTo: plan.name }) });
  await cli.client.containers.putArchive(container, plan.dir, tar, { copyUIDGID: o.copyUIDGID });
}
