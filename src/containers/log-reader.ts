/**
 * Reads a container's json-file log (written by its monitor) for `logs`:
 * --tail, --since, --until, --timestamps, and --follow, which keeps reading
 * as the monitor appends until the container stops or the client leaves.
 */
import { createReadStream, promises as fs, watch } from 'node:fs';
import { createInterface } from 'node:readline';
import { isErrno } from '../errors.js';
import { timeNanos } from './clock.js';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  log: string;
  time: string;
}

export interface LogQuery {
  /** Nanoseconds since the epoch, inclusive; 0n = no bound. Exact, so a time copied from `logs -t` selects its own line. */
  since: bigint;
  until: bigint;
  /** Lines from the end, counted before since/until and stream selection apply (as Docker does); undefined = all. */
  tail?: number;
}

function parseLine(line: string): LogEntry | undefined {
  try {
    const e = JSON.parse(line) as LogEntry;
    return typeof e.log === 'string' ? e : undefined;
  } catch {
    return undefined; // a torn last line from a crash: skipped, as Docker does
  }
}

/**
 * The since/until window over a stream of entries, as moby's log forwarder
 * applies it: entries before `since` are skipped until the first one at or
 * after it (then no more checks, as timestamps need not be monotonic); the
 * first entry after `until` ends the stream, following included.
 */
export class LogWindow {
  #since: bigint;
  readonly #until: bigint;
  #ended = false;

  constructor(q: Pick<LogQuery, 'since' | 'until'>) {
    this.#since = q.since;
    this.#until = q.until;
  }

  /** True once an entry past `until` was seen: nothing more will be sent. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Whether to send `e`; sets `ended` at the first entry past the window. */
  admit(e: LogEntry): boolean {
    if (this.#ended) return false;
    if (!this.#since && !this.#until) return true;
    const t = timeNanos(e.time);
    if (this.#since) {
      if (t < this.#since) return false;
      this.#since = 0n;
    }
    if (this.#until && t > this.#until) {
      this.#ended = true;
      return false;
    }
    return true;
  }
}

/**
 * Reads what is in the file now: the last `tail` entries (all when
 * undefined), then those the window admits. Returns them and the byte
 * offset reached, where following continues.
 */
export async function readLog(file: string, q: LogQuery, window: LogWindow): Promise<{ entries: LogEntry[]; offset: number }> {
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { entries: [], offset: 0 };
    throw err;
  }
  if (size === 0 || q.tail === 0) return { entries: [], offset: size };
  let entries: LogEntry[] = [];
  const rl = createInterface({ input: createReadStream(file, { end: size - 1 }), crlfDelay: Infinity });
  for await (const line of rl) {
    const e = parseLine(line);
    if (!e) continue;
    entries.push(e);
    if (q.tail !== undefined && entries.length > q.tail * 2 + 1024) entries.splice(0, entries.length - q.tail);
  }
  if (q.tail !== undefined) entries = entries.slice(-q.tail);
  return { entries: entries.filter((e) => window.admit(e)), offset: size };
}

/**
 * Calls onEntry for lines appended after offset until `stop` resolves (the
 * container exited), an entry passes the window's `until`, or the signal
 * aborts. Uses inotify (fs.watch) rather than polling.
 */
export async function followLog(
  file: string,
  offset: number,
  window: LogWindow,
  onEntry: (e: LogEntry) => void,
  stop: Promise<unknown>,
  signal: AbortSignal,
): Promise<void> {
  let pos = offset;
  let partial = '';
  let reading = Promise.resolve();
  let passedUntil = (): void => undefined;
  const pastWindow = new Promise<void>((resolve) => (passedUntil = resolve));
  const readMore = () =>
    (reading = reading.then(async () => {
      const handle = await fs.open(file, 'r').catch(() => undefined);
      if (!handle) return;
      try {
        for (;;) {
          const buf = Buffer.alloc(64 * 1024);
          const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
          if (bytesRead === 0) break;
          pos += bytesRead;
          const text = partial + buf.subarray(0, bytesRead).toString('utf8');
          const lines = text.split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) {
            const e = parseLine(l);
            if (e && window.admit(e)) onEntry(e);
          }
          if (window.ended) {
            passedUntil();
            return;
          }
        }
      } finally {
        await handle.close();
      }
    }));
  const watcher = watch(file, { persistent: false }, () => void readMore());
  try {
    await readMore();
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      stop.then(() => resolve(), () => resolve());
      void pastWindow.then(resolve);
    });
    await readMore(); // what the monitor wrote just before the exit
  } finally {
    watcher.close();
  }
}
