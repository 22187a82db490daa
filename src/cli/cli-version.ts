/**
 * The CLI's own version: package.json's, found by walking up from this file.
 * Apart from `berth version` so the root command can show it without loading
 * that command (and its template engine).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function cliVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'berth' && pkg.version !== undefined) return pkg.version;
    }
    dir = dirname(dir);
  }
  return 'dev';
}
