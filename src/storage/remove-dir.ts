/**
 * Removes a directory that another process (a task's monitor) may still be
 * finishing with: a write racing the removal gives ENOTEMPTY, so retry a few
 * times. Never throws: leftovers are swept at the next daemon start.
 */
import { promises as fs } from 'node:fs';

export async function removeDirEventually(dir: string, attempts = 10, delayMs = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    try {
      await fs.rm(dir, { recursive: true, force: true });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  return false;
}
