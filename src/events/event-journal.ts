/**
 * The events journal: the last few thousand events on disk, so `--since`
 * reaches back across a berthd restart.
 *
 * Layout: <dir>/<seq>.jsonl segments, one encoded event per line, seq
 * increasing. Lifecycle:
 *
 *   open()    reads every segment, oldest first (the caller decodes and
 *             skips what does not parse: a line torn by kill -9), drops
 *             segments beyond the bound, and starts a NEW segment — a torn
 *             tail is never appended to
 *   append()  queues a line; queued lines are written together after
 *             flushMs, or at once past a size threshold (one write per batch,
 *             no fsync: an event is cheap, losing the last ~50 ms to a power
 *             cut is acceptable — dockerd keeps none at all)
 *   rotation  a segment holding segmentEvents lines is closed and the next
 *             opened; the oldest segments go while the rest still hold
 *             maxEvents lines
 *   close()   writes what is queued and closes the file
 *
 * A write error (disk full) is reported once through `log` and the batch is
 * dropped, and a disk that does not keep up (MAX_PENDING bytes waiting) has
 * new lines dropped: events are never worth stopping the daemon or growing
 * its memory for. The bus keeps them in memory either way.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

export interface EventJournalOptions {
  /** Lines per segment before the next one is started. */
  segmentEvents?: number;
  /** Lines kept across segments (at least; whole segments are dropped). */
  maxEvents?: number;
  /** How long appended lines may wait before they are written. */
  flushMs?: number;
  log?: (msg: string) => void;
}

interface Segment {
  seq: number;
  lines: number;
}

const SEGMENT = /^(\d{10})\.jsonl$/;
const FLUSH_BYTES = 256 * 1024;
/** Bytes queued or being written beyond which lines are dropped: a stuck disk must not grow berthd's memory. */
const MAX_PENDING = 32 * 1024 * 1024;

export class EventJournal {
  readonly #dir: string;
  readonly #segmentEvents: number;
  readonly #maxEvents: number;
  readonly #flushMs: number;
  readonly #log: (msg: string) => void;
  #segments: Segment[] = [];
  #file?: FileHandle;
  #queue: string[] = [];
  #queuedBytes = 0;
  /** Bytes handed to writes that have not completed. */
  #inFlight = 0;
  #dropped = 0;
  #timer?: NodeJS.Timeout;
  /** The armed timer is the immediate one (past FLUSH_BYTES). */
  #soon = false;
  /** The write in progress: writes run one after another. */
  #writing: Promise<void> = Promise.resolve();
  #failed = false;
  #closed = false;

  constructor(dir: string, opts: EventJournalOptions = {}) {
    this.#dir = dir;
    this.#segmentEvents = opts.segmentEvents ?? 2000;
    this.#maxEvents = opts.maxEvents ?? 10_000;
    this.#flushMs = opts.flushMs ?? 50;
    this.#log = opts.log ?? (() => undefined);
  }

  /** Reads what earlier runs wrote (oldest first) and opens a fresh segment for this run. */
  async open(): Promise<string[]> {
    await fs.mkdir(this.#dir, { recursive: true });
    const seqs = (await fs.readdir(this.#dir))
      .map((n) => SEGMENT.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const lines: string[] = [];
    for (const seq of seqs) {
      let text: string;
      try {
        text = await fs.readFile(this.#pathOf(seq), 'utf8');
      } catch (err) {
        this.#log(`events journal: cannot read ${this.#pathOf(seq)}: ${(err as Error).message}`);
        continue;
      }
      const own = text.split('\n').filter((l) => l !== '');
      lines.push(...own);
      this.#segments.push({ seq, lines: own.length });
    }
    await this.#startSegment((seqs.at(-1) ?? 0) + 1);
    await this.#dropOld();
    return lines.slice(Math.max(0, lines.length - this.#maxEvents));
  }

  /** Queues one line (ending in "\n") for the next batch. */
  append(line: string): void {
    if (this.#closed) return;
    if (this.#queuedBytes + this.#inFlight > MAX_PENDING) {
      if (this.#dropped++ === 0) this.#log('events journal: the disk is not keeping up; events are kept in memory only until it does');
      return;
    }
    this.#queue.push(line);
    this.#queuedBytes += line.length;
    if (this.#timer === undefined) this.#flushSoon(this.#flushMs);
    else if (this.#queuedBytes >= FLUSH_BYTES && !this.#soon) this.#flushSoon(0);
  }

  /** Writes everything queued so far; resolves when it is in the file. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#soon = false;
    }
    const batch = this.#queue;
    const lines = batch.length;
    const bytes = this.#queuedBytes;
    this.#queue = [];
    this.#queuedBytes = 0;
    if (lines > 0) {
      this.#inFlight += bytes;
      this.#writing = this.#writing.then(async () => {
        await this.#write(batch.join(''), lines);
        this.#inFlight -= bytes;
        if (this.#inFlight === 0) this.#dropped = 0;
      });
    }
    return this.#writing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    await this.#file?.close().catch(() => undefined);
    this.#file = undefined;
  }

  /** Arms the one flush timer; re-armed only to make it sooner (a big batch), never per line. */
  #flushSoon(ms: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#soon = ms === 0;
    this.#timer = setTimeout(() => void this.flush(), ms);
    this.#timer.unref();
  }

  async #write(data: string, lines: number): Promise<void> {
    try {
      if (this.#file === undefined) await this.#startSegment((this.#segments.at(-1)?.seq ?? 0) + 1);
      await this.#file!.write(data);
      const current = this.#segments.at(-1)!;
      current.lines += lines;
      if (current.lines >= this.#segmentEvents) {
        const full = this.#file!;
        this.#file = undefined;
        await full.close();
        await this.#startSegment(current.seq + 1);
        await this.#dropOld();
      }
      this.#failed = false;
    } catch (err) {
      // Said once per run of failures, not once per batch.
      if (!this.#failed) this.#log(`events journal: ${(err as Error).message}; events are kept in memory only until writes succeed again`);
      this.#failed = true;
    }
  }

  async #startSegment(seq: number): Promise<void> {
    this.#file = await fs.open(this.#pathOf(seq), 'a');
    this.#segments.push({ seq, lines: 0 });
  }

  /** Drops the oldest segments while the others still hold maxEvents lines. */
  async #dropOld(): Promise<void> {
    let total = this.#segments.reduce((n, s) => n + s.lines, 0);
    while (this.#segments.length > 1 && total - this.#segments[0]!.lines >= this.#maxEvents) {
      const old = this.#segments.shift()!;
      total -= old.lines;
      await fs.rm(this.#pathOf(old.seq), { force: true });
    }
  }

  #pathOf(seq: number): string {
    return path.join(this.#dir, `${String(seq).padStart(10, '0')}.jsonl`);
  }
}
