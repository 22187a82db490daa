/**
 * Small files that make content visible (links, tags, referrer entries,
 * manifests), written all-or-nothing: a temp file in <root>/tmp is written,
 * stamped, fsynced and renamed into place, and the directory is fsynced.
 *
 * Every write and every `claim` stamps the file's mtime with the current
 * time. That stamp is the contract with the garbage collector
 * (garbage-collector.ts): anything the server creates or re-confirms after a
 * collection started carries an mtime after that start, and the collector
 * never deletes such a file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrno } from '../../errors.js';
import { fsyncDir } from '../../storage/atomic-write.js';

export interface SmallWriteOptions {
  /** false: skip the fsyncs (still all-or-nothing). */
  durable?: boolean;
}

export { fsyncDir };

export function tempName(tmpDir: string): string {
  return path.join(tmpDir, `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`);
}

/** Renames src onto target, creating target's directory on first use. */
export async function renameInto(src: string, target: string): Promise<void> {
  try {
    await fs.rename(src, target);
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rename(src, target);
  }
}

/** Writes data to target atomically (tmpDir must be on target's filesystem). */
export async function writeSmallFile(tmpDir: string, target: string, data: string | Uint8Array, opts: SmallWriteOptions = {}): Promise<void> {
  const durable = opts.durable ?? true;
  const tmp = tempName(tmpDir);
  const handle = await fs.open(tmp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    const now = new Date();
    await handle.utimes(now, now);
    if (durable) await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await renameInto(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  if (durable) await fsyncDir(path.dirname(target));
}

/** Stamps file's mtime with now; false when it does not exist. One syscall, so it cannot race a rename half-way. */
export async function claim(file: string): Promise<boolean> {
  const now = new Date();
  try {
    await fs.utimes(file, now, now);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
}

/** Removes file; false when it was already gone. */
export async function removeIfExists(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
}

/** Directory entries; [] when the directory does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
}
