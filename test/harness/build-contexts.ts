/**
 * Build contexts for tests: temp directories filled with files, removed
 * together at the end of the suite.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Files = Record<string, string>;

export class BuildContexts {
  readonly #dirs: string[] = [];

  /** An empty temp directory (removed by cleanup). */
  temp(prefix = 'bt-ctx-'): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }

  /** A context directory with these files (names may have sub-directories). */
  make(files: Files): string {
    const dir = this.temp();
    write(dir, files);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export function write(dir: string, files: Files): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}
