/**
 * StatsCollector: samples each watched container once per interval and hands
 * every sample to all who watch it (moby's daemon/stats Collector), so ten
 * `docker stats` windows cost one read of the cgroup per second, not ten.
 *
 * Lifecycle of a container's loop:
 *   subscribe(id)     first subscriber → the loop starts and samples at once;
 *                     later ones get the loop's next sample
 *   every interval    one sample, delivered to every subscription (a
 *                     subscriber that has not taken the last one yet gets the
 *                     newer one instead: a slow reader never piles them up)
 *   close() of a sub  the last one gone → the loop stops (no timer left)
 *   stopCollection    the container was removed → its subscriptions end
 *                     (next() resolves undefined); also when the sample
 *                     function reports the container gone (undefined)
 *   close()           daemon stop → every subscription ends, no timer left
 */
import type { StatsResponse } from './stats-types.js';

/** A sample of the container now; undefined when it no longer exists. */
export type SampleFn = (id: string) => Promise<StatsResponse | undefined>;

/** One client's view of a container's samples. */
export interface StatsSubscription {
  /** The next sample; undefined once the subscription has ended. */
  next(): Promise<StatsResponse | undefined>;
  /** Ends this subscription (idempotent); a pending next() resolves undefined. */
  close(): void;
}

class Subscription implements StatsSubscription {
  #latest: StatsResponse | undefined;
  #waiter: ((s: StatsResponse | undefined) => void) | undefined;
  #ended = false;

  constructor(private readonly onClose: (s: Subscription) => void) {}

  get ended(): boolean {
    return this.#ended;
  }

  push(sample: StatsResponse): void {
    if (this.#ended) return;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w(sample);
    } else {
      this.#latest = sample;
    }
  }

  next(): Promise<StatsResponse | undefined> {
    if (this.#latest !== undefined) {
      const s = this.#latest;
      this.#latest = undefined;
      return Promise.resolve(s);
    }
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** Ends without telling the collector (it is the one ending it). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#latest = undefined;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.(undefined);
  }

  close(): void {
    if (this.#ended) return;
    this.end();
    this.onClose(this);
  }
}

interface Loop {
  subs: Set<Subscription>;
  /** The next tick; unset while a sample is being read. */
  timer?: NodeJS.Timeout;
}

export class StatsCollector {
  readonly #sample: SampleFn;
  readonly #intervalMs: number;
  readonly #loops = new Map<string, Loop>();
  #closed = false;

  constructor(sample: SampleFn, intervalMs = 1000) {
    this.#sample = sample;
    this.#intervalMs = intervalMs;
  }

  /** Containers with a running loop (for tests and diagnostics). */
  get watched(): string[] {
    return [...this.#loops.keys()];
  }

  subscribe(id: string): StatsSubscription {
    const sub = new Subscription((s) => this.#unsubscribe(id, s));
    if (this.#closed) {
      sub.end();
      return sub;
    }
    let loop = this.#loops.get(id);
    if (!loop) {
      loop = { subs: new Set() };
      this.#loops.set(id, loop);
      loop.subs.add(sub);
      void this.#tick(id, loop);
    } else {
      loop.subs.add(sub);
    }
    return sub;
  }

  /** Ends every subscription of a container (it was removed). */
  stopCollection(id: string): void {
    const loop = this.#loops.get(id);
    if (!loop) return;
    this.#loops.delete(id);
    clearTimeout(loop.timer);
    for (const s of loop.subs) s.end();
    loop.subs.clear();
  }

  /** Ends everything (daemon stop). */
  close(): void {
    this.#closed = true;
    for (const id of [...this.#loops.keys()]) this.stopCollection(id);
  }

  #unsubscribe(id: string, sub: Subscription): void {
    const loop = this.#loops.get(id);
    if (!loop) return;
    loop.subs.delete(sub);
    if (loop.subs.size === 0) {
      clearTimeout(loop.timer);
      this.#loops.delete(id);
    }
  }

  async #tick(id: string, loop: Loop): Promise<void> {
    loop.timer = undefined;
    let sample: StatsResponse | undefined;
    let failed = false;
    try {
      sample = await this.#sample(id);
    } catch {
      // The sample function reports its own errors; this tick just delivers nothing.
      failed = true;
    }
    if (this.#loops.get(id) !== loop) return; // stopped while sampling
    if (sample === undefined && !failed) {
      this.stopCollection(id);
      return;
    }
    if (sample !== undefined) for (const s of loop.subs) s.push(sample);
    // setTimeout after the read (not setInterval): a slow read never stacks up ticks.
    loop.timer = setTimeout(() => void this.#tick(id, loop), this.#intervalMs);
  }
}
