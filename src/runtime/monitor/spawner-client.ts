/**
 * The client of `berth-monitor --spawner` (spawner.c): runs commands (runc,
 * monitors) through one small resident helper instead of forking berthd.
 *
 * Why: Node forks the whole daemon for every child process, blocking the
 * event loop for 3-12 ms depending on its resident memory; the helper forks
 * in well under a millisecond. Starting a container launches a monitor and
 * its exit runs `runc delete`, so this is on the path of every `docker run`.
 *
 * Lifecycle: new Spawner(monitorPath) → run(argv, opts) any number of times,
 * concurrently → close(). The helper is started on first use; if it dies,
 * the commands in flight fail with a BerthError and the next run() starts a
 * new one. It does not keep berthd alive: it is unref'd while idle, and it
 * exits by itself when berthd's end of its stdin closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BerthError } from '../../errors.js';

export interface SpawnOptions {
  /** Working directory of the command (the helper's when omitted). */
  cwd?: string;
  /** SIGKILL after this long (none when omitted or 0). */
  timeoutMs?: number;
  /** Give the command a pipe on fd 3 and return what was written to it (monitor reports). */
  captureFd3?: boolean;
}

export interface SpawnResult {
  /** Exit status, or null when killed by a signal. */
  code: number | null;
  /** The killing signal's number, 0 after a normal exit. */
  signal: number;
  stdout: string;
  stderr: string;
  fd3: string;
}

/** The command could not be started at all (execvp failed); `code` is the errno name, as Node reports it. */
export class SpawnError extends BerthError {
  constructor(
    message: string,
    readonly errno: string | undefined,
  ) {
    super(message);
  }
}

interface Reply {
  id: number;
  code?: number;
  signal?: number;
  stdout?: string;
  stderr?: string;
  fd3?: string;
  error?: string;
}

const ERRNO_NAMES: Array<[RegExp, string]> = [
  [/No such file or directory/, 'ENOENT'],
  [/Permission denied/, 'EACCES'],
  [/Exec format error/, 'ENOEXEC'],
];

export class Spawner {
  readonly #monitorPath: string;
  #child: ChildProcess | undefined;
  #buffered = '';
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (r: SpawnResult) => void; reject: (e: Error) => void }>();

  constructor(monitorPath: string) {
    this.#monitorPath = monitorPath;
  }

  run(argv: readonly string[], opts: SpawnOptions = {}): Promise<SpawnResult> {
    if (argv.length === 0) return Promise.reject(new BerthError('spawn: empty command'));
    if (argv.some((a) => a.includes('\0')) || (opts.cwd ?? '').includes('\0')) {
      return Promise.reject(new BerthError('spawn: arguments must not contain NUL bytes'));
    }
    const child = this.#helper();
    const id = this.#nextId++;
    const fields = [String(id), String(opts.timeoutMs ?? 0), opts.cwd ?? '', opts.captureFd3 ? '1' : '0', ...argv];
    const payload = Buffer.from(fields.map((f) => `${f}\0`).join(''), 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(payload.length);
    return new Promise<SpawnResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ref(true);
      child.stdin!.write(Buffer.concat([header, payload]));
    });
  }

  /** Lets the helper go: it exits once the commands it runs are done. */
  close(): void {
    const child = this.#child;
    this.#child = undefined;
    child?.stdin?.end();
    this.#failAll(new BerthError('spawner closed'));
  }

  #helper(): ChildProcess {
    if (this.#child) return this.#child;
    // The only fork of berthd this costs, made once.
    const child = spawn(this.#monitorPath, ['--spawner'], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.#child = child;
    this.#buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => this.#onData(text));
    const gone = (why: string) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      this.#failAll(new BerthError(`command helper ${this.#monitorPath} ${why}`));
    };
    child.on('error', (err) => gone(`failed: ${err.message}`));
    child.on('exit', (code, signal) => gone(`exited (${signal ?? code})`));
    child.stdin!.on('error', () => undefined); // EPIPE when it died; 'exit' reports it
    this.#ref(false);
    return child;
  }

  #onData(text: string): void {
    this.#buffered += text;
    for (let nl = this.#buffered.indexOf('\n'); nl >= 0; nl = this.#buffered.indexOf('\n')) {
      const line = this.#buffered.slice(0, nl);
      this.#buffered = this.#buffered.slice(nl + 1);
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        continue;
      }
      const waiter = this.#pending.get(reply.id);
      if (!waiter) continue;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#ref(false);
      if (typeof reply.error === 'string') {
        waiter.reject(new SpawnError(reply.error, ERRNO_NAMES.find(([re]) => re.test(reply.error!))?.[1]));
      } else {
        waiter.resolve({
          code: reply.code === -1 || reply.code === undefined ? null : reply.code,
          signal: reply.signal ?? 0,
          stdout: reply.stdout ?? '',
          stderr: reply.stderr ?? '',
          fd3: reply.fd3 ?? '',
        });
      }
    }
  }

  #failAll(err: Error): void {
    const waiters = [...this.#pending.values()];
    this.#pending.clear();
    for (const w of waiters) w.reject(err);
  }

  /** Keeps the event loop alive only while commands are in flight. */
  #ref(on: boolean): void {
    const c = this.#child;
    if (!c) return;
    const handles = [c, c.stdin, c.stdout] as Array<{ ref?: () => void; unref?: () => void } | null>;
    for (const h of handles) (on ? h?.ref : h?.unref)?.call(h);
  }
}
