/**
 * StatsWatch: one container's row of `berth stats`, kept up to date from the
 * daemon's stats stream (docker/cli stats_helpers.go collect()).
 *
 * Lifecycle: start() asks the daemon (stream, or one record with
 * --no-stream) → every record replaces the row → `first` settles at the first
 * record, at an error, at the end of the stream, or after 2 s without a record
 * (so the table never waits on one slow container) → close() stops reading.
 * An error, a stream that ends, or 2 s of silence make the row invalid
 * ("--"), as docker shows it; silence also zeroes it.
 */
import type { IncomingMessage } from 'node:http';
import type { ContainersApi } from '../../client/containers.js';
import { readStatsRecords } from '../../client/stats.js';
import { blankEntry, statsEntryFromJson, type StatsEntry } from '../../formatter/stats.js';

/** docker's collect(): no record for this long zeroes the row. */
export const NO_DATA_TIMEOUT_MS = 2000;

export class StatsWatch {
  readonly container: string;
  /** The daemon's refusal (no such container…), for the command to report. */
  error: unknown;
  readonly first: Promise<void>;
  #entry: StatsEntry;
  #markFirst!: () => void;
  #res: IncomingMessage | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly api: ContainersApi,
    container: string,
    private readonly stream: boolean,
  ) {
    this.container = container;
    this.#entry = blankEntry(container);
    this.first = new Promise((resolve) => (this.#markFirst = resolve));
  }

  get entry(): StatsEntry {
    return this.#entry;
  }

  start(): void {
    void this.#run();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#res?.destroy();
    this.#markFirst();
  }

  async #run(): Promise<void> {
    try {
      const res = await this.api.stats(this.container, { stream: this.stream });
      if (this.#closed) {
        res.destroy();
        return;
      }
      this.#res = res;
      this.#armTimer();
      await readStatsRecords(res, (v) => {
        if (this.#closed) return;
        this.#entry = statsEntryFromJson(this.container, v);
        this.#armTimer();
        this.#markFirst();
        // --no-stream takes the first record and stops, as docker's collect().
        if (!this.stream) this.close();
      });
      if (!this.#closed) this.#invalidate(false); // the daemon ended the stream (container removed)
    } catch (err) {
      if (this.#closed) return;
      this.error = err;
      this.#invalidate(false);
    } finally {
      clearTimeout(this.#timer);
      this.#markFirst();
    }
  }

  #armTimer(): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#invalidate(true);
      this.#markFirst();
    }, NO_DATA_TIMEOUT_MS);
  }

  /** Marks the row "--"; `reset` also zeroes its figures (docker's SetErrorAndReset). */
  #invalidate(reset: boolean): void {
    const base = reset ? { ...blankEntry(this.container), name: this.#entry.name, id: this.#entry.id } : this.#entry;
    this.#entry = { ...base, isInvalid: true };
  }
}
