/**
 * Reads a container's json-file log (written by its monitor) for `logs`:
 * --tail, --since, --until, --timestamps, and --follow, which keeps reading
 * as the monitor appends until the container stops or the client leaves.
 */
import { createReadStream, promises as fs, watch } from 'node:fs';
import { createInterface } from 'node:readline';
import { isErrno } from '../errors.js';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  log: string;
  time: string;
}

export interface LogQuery {
  stdout: boolean;
  stderr: boolean;
  /** Seconds since the epoch (fractional); 0 = no bound. */
  since: number;
  until: number;
  /** Lines from the end; undefined = all. */
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

/** Seconds (with nanosecond fraction kept as far as a double allows) of an RFC3339Nano time. */
export function timeSeconds(t: string): number {
  const m = /\.(\d+)Z$/.exec(t);
  const base = Date.parse(t.replace(/\.\d+Z$/, 'Z')) / 1000;
  return m ? base + Number(`0.${m[1]}`) : base;
}

function wanted(e: LogEntry, q: LogQuery): boolean {
  if (e.stream === 'stdout' ? !q.stdout : !q.stderr) return false;
  const t = timeSeconds(e.time);
  if (q.since && t < q.since) return false;
  if (q.until && t > q.until) return false;
  return true;
}

/** Reads what is in the file now; returns the entries and the byte offset reached. */
export async function readLog(file: string, q: LogQuery): Promise<{ entries: LogEntry[]; offset: number }> {
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { entries: [], offset: 0 };
    throw err;
  }
  if (size === 0) return { entries: [], offset: 0 };
  const entries: LogEntry[] = [];
  const rl = createInterface({ input: createReadStream(file, { end: size - 1 }), crlfDelay: Infinity });
  for await (const line of rl) {
    const e = parseLine(line);
    if (e && wanted(e, q)) {
      entries.push(e);
      if (q.tail !== undefined && entries.length > q.tail * 2 + 1024) entries.splice(0, entries.length - q.tail);
    }
  }
  return { entries: q.tail !== undefined ? (q.tail === 0 ? [] : entries.slice(-q.tail)) : entries, offset: size };
}

/**
 * Calls onEntry for lines appended after offset until stop() resolves or the
 * signal aborts. Uses inotify (fs.watch) rather than polling.
 */
export async function followLog(
  file: string,
  offset: number,
  q: LogQuery,
  onEntry: (e: LogEntry) => void,
  stop: Promise<unknown>,
  signal: AbortSignal,
): Promise<void> {
  let pos = offset;
  let partial = '';
  let reading = Promise.resolve();
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
            if (e && wanted(e, q)) onEntry(e);
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
    });
    await readMore(); // what the monitor wrote just before the exit
  } finally {
    watcher.close();
  }
}
