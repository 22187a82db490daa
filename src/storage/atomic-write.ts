/**
 * Crash-safe writes, in one place: every piece of state Berth keeps on disk
 * goes through here (containerd's content writer Commit, as a habit).
 *
 * A write goes to a temp file beside the target, is fsynced, renamed over the
 * target, and the directory is fsynced so the rename itself survives a crash.
 * A reader therefore sees either the old file or the new one, never half.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { DataLossError, isErrno } from '../errors.js';

/** Name prefix of temp files, so start-up can sweep leftovers of a crash. */
export const TEMP_PREFIX = '.tmp-';

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `${TEMP_PREFIX}${path.basename(target)}-${randomBytes(6).toString('hex')}`);
}

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * false: still all-or-nothing (temp + rename), but without the fsyncs — for
   * files rebuilt on every use (a bundle's config.json, /etc/hosts), where a
   * crash may lose the new version but never leaves half a file.
   */
  durable?: boolean;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const durable = opts.durable ?? true;
  const tmp = tempPathFor(target);
  const handle = await fs.open(tmp, 'wx', opts.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    if (durable) await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  if (durable) await fsyncDir(path.dirname(target));
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, JSON.stringify(value, null, 1) + '\n');
}

/** Reads a JSON file written by writeJsonAtomic; undefined when absent. */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new DataLossError(`corrupt state file ${file}`, { cause: err });
  }
}

/** Removes temp files a crash left behind in dir (not recursive). */
export async function sweepTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
  const stale = names.filter((n) => n.startsWith(TEMP_PREFIX));
  await Promise.all(stale.map((n) => fs.rm(path.join(dir, n), { recursive: true, force: true })));
  return stale.length;
}
