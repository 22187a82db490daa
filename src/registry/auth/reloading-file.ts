/**
 * A small text file (htpasswd, ACL) parsed once and parsed again whenever it
 * changes on disk. Each `get()` stats the file (inode, size, mtime) and
 * re-reads it only if one of them moved, so an operator's `htpasswd -B`
 * takes effect on the next request without a restart, and no watcher or
 * timer has to be closed. A file that vanishes or no longer parses keeps
 * the last good contents (and the error is reported once), so a half-edited
 * file never locks everybody out mid-write.
 */
import { promises as fs } from 'node:fs';

export class ReloadingFile<T> {
  readonly #path: string;
  readonly #parse: (text: string) => T;
  #stamp = '';
  #value: T | undefined;
  #loading: Promise<T> | undefined;
  #lastError = '';

  constructor(path: string, parse: (text: string) => T) {
    this.#path = path;
    this.#parse = parse;
  }

  get path(): string {
    return this.#path;
  }

  /** Loads the file for the first time; throws if it cannot be read or parsed. */
  async open(): Promise<T> {
    const st = await fs.stat(this.#path);
    const text = await fs.readFile(this.#path, 'utf8');
    this.#value = this.#parse(text);
    this.#stamp = stampOf(st);
    return this.#value;
  }

  /** The current contents, re-read when the file changed since the last call. */
  async get(): Promise<T> {
    if (this.#loading) return this.#loading;
    this.#loading = this.#refresh().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #refresh(): Promise<T> {
    try {
      const st = await fs.stat(this.#path);
      const stamp = stampOf(st);
      if (stamp !== this.#stamp || this.#value === undefined) {
        const text = await fs.readFile(this.#path, 'utf8');
        this.#value = this.#parse(text);
        this.#stamp = stamp;
        this.#lastError = '';
      }
    } catch (err) {
      if (this.#value === undefined) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      if (msg !== this.#lastError) {
        this.#lastError = msg;
        process.emitWarning(`keeping the previous contents of ${this.#path}: ${msg}`);
      }
    }
    return this.#value;
  }
}

function stampOf(st: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}
