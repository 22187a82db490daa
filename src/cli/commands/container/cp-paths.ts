/**
 * Where `docker cp` puts things: the path rules of moby's archive/copy.go
 * (SplitPathDirEntry, PrepareArchiveCopy), as pure functions.
 *
 *   src      dst exists as   result
 *   file     directory       dst/<src base>
 *   dir      directory       dst/<src base>/…      ("src/." → its contents into dst)
 *   file     file            dst overwritten
 *   dir      file            error "cannot copy directory"
 *   file     (missing)       dst is the new file     ("dst/" → error "no such directory")
 *   dir      (missing)       dst is the new directory
 *
 * The archive always carries the source under one top-level name; the plan
 * says which directory to extract into and what that top-level name must
 * become (`name` "." means "the contents, unwrapped").
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../../../errors.js';

export interface CpArg {
  /** Container name; undefined for a local path. */
  container?: string;
  path: string;
}

/** docker's splitCpArg: "ctr:/path" vs a local path (absolute, or starting with "."). */
export function splitCpArg(arg: string): CpArg {
  if (arg.startsWith('/')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

/** SplitPathDirEntry: ("/a/b/" → "/a", "b"), ("/a/b/." → "/a/b", "."). */
export function splitPathDirEntry(p: string): [dir: string, base: string] {
  let cleaned = path.posix.normalize(p);
  if (cleaned.length > 1) cleaned = cleaned.replace(/\/+$/, '');
  if (path.posix.basename(p) === '.' || p.endsWith('/.')) cleaned = `${cleaned}/.`;
  // Go's filepath.Base("/") is "/", Node's basename is "".
  return [path.posix.dirname(cleaned), path.posix.basename(cleaned) || '/'];
}

/** True when the path says "this must be a directory" (trailing "/" or "/."). */
export function assertsDirectory(p: string): boolean {
  return p.endsWith('/') || p.endsWith('/.') || p === '.';
}

export interface Destination {
  path: string;
  exists: boolean;
  isDir: boolean;
}

export interface CopyPlan {
  /** Directory the archive is extracted into. */
  dir: string;
  /** What the archive's top-level name becomes ("." = contents of the source). */
  name: string;
}

/** PrepareArchiveCopy's decision for a source (`srcPath`, is it a directory) and a destination. */
export function planCopy(srcPath: string, srcIsDir: boolean, dst: Destination): CopyPlan {
  const [dstDir, dstBase] = splitPathDirEntry(dst.path);
  const [, srcBase] = splitPathDirEntry(srcPath);
  if (dst.exists && dst.isDir) return { dir: dst.path, name: srcBase };
  if (dst.exists && srcIsDir) throw new InvalidArgumentError('cannot copy directory');
  if (dst.exists || srcIsDir) return { dir: dstDir, name: dstBase };
  if (assertsDirectory(dst.path)) throw new InvalidArgumentError('no such directory');
  return { dir: dstDir, name: dstBase };
}

/** Go os.FileMode bits the daemon uses in the path-stat header. */
export const GO_MODE_DIR = 0x80000000;
export const GO_MODE_SYMLINK = 0x08000000;
const GO_MODE_TYPE = 0x80000000 | 0x08000000 | 0x04000000 | 0x02000000 | 0x01000000 | 0x00200000 | 0x00080000;

/** The stat header's mode: directory? regular file? (Go FileMode type bits, compared unsigned.) */
export function goModeIsDir(mode: number): boolean {
  return ((mode >>> 0) & GO_MODE_DIR) !== 0;
}

export function goModeIsSymlink(mode: number): boolean {
  return ((mode >>> 0) & GO_MODE_SYMLINK) !== 0;
}

export function goModeIsRegular(mode: number): boolean {
  return ((mode >>> 0) & GO_MODE_TYPE) === 0;
}
