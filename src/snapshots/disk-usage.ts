/**
 * Size of one directory tree the way Docker reports layer and container
 * sizes (daemon/graphdriver/overlay2 → pkg/directory.Size): apparent bytes
 * of everything that is not a directory, each inode counted once however
 * many hard links it has. Mount points beneath are not crossed.
 */
import { promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { isErrno } from '../errors.js';

export async function diskUsage(root: string): Promise<{ size: number; inodes: number }> {
  const seen = new Set<string>();
  let size = 0;
  const rootSt = await fsp.lstat(root);
  const visit = async (dir: string, st: Stats): Promise<void> => {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return; // removed while we walk
      throw err;
    }
    const stats = await Promise.all(names.map((n) => fsp.lstat(path.join(dir, n)).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)))));
    for (let i = 0; i < names.length; i++) {
      const child = stats[i];
      if (!child) continue;
      const key = `${child.dev}:${child.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (child.isDirectory()) {
        if (child.dev === st.dev) await visit(path.join(dir, names[i]!), child);
      } else {
        size += child.size;
      }
    }
  };
  seen.add(`${rootSt.dev}:${rootSt.ino}`);
  await visit(root, rootSt);
  return { size, inodes: seen.size };
}
