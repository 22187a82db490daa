/**
 * `.dockerignore` on the daemon's side. Clients apply it before sending
 * (docker/cli and the berth CLI both do), but a client that sends a raw
 * directory tar (curl, scripts) must see the same context, so the daemon
 * removes what the file excludes, as moby does for the Dockerfile and the
 * .dockerignore itself once read.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDockerignore, PatternMatcher } from '../context/dockerignore.js';

export async function applyDockerignore(dir: string): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, '.dockerignore'), 'utf8');
  } catch {
    return;
  }
  const patterns = parseDockerignore(text);
  if (patterns.length === 0) return;
  const matcher = new PatternMatcher(patterns);
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (matcher.matches(child)) {
        if (!entry.isDirectory() || !matcher.hasExceptions) {
          await fs.rm(path.join(dir, child), { recursive: true, force: true });
          continue;
        }
      }
      if (entry.isDirectory()) await walk(child);
    }
  };
  await walk('');
}
