/**
 * An async mutex: callers run one at a time, in arrival order. Used around
 * read-modify-write of state files so two API requests cannot interleave.
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn, fn);
    // Keep the chain alive whatever fn does; errors belong to the caller.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** One mutex per key (e.g. per container ID), created on demand and dropped when idle. */
export class KeyedMutex {
  readonly #locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.#locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#locks.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.run(fn);
    } finally {
      entry.users--;
      if (entry.users === 0) this.#locks.delete(key);
    }
  }
}

/**
 * Many holders at once, or one exclusive holder. Image producers (load,
 * commit, import) hold it shared from their first staged layer until their
 * image record is written; garbage collection takes it exclusively, so it
 * never removes a layer that an image in the making is about to claim.
 * Shared holders are never made to wait for a queued exclusive one, so a
 * producer may nest shared sections without deadlock.
 */
export class SharedExclusiveLock {
  #shared = 0;
  #exclusive = false;
  #waiters: Array<() => void> = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#exclusive) await new Promise<void>((r) => this.#waiters.push(r));
    this.#shared++;
    try {
      return await fn();
    } finally {
      this.#shared--;
      this.#wake();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#exclusive || this.#shared > 0) await new Promise<void>((r) => this.#waiters.push(r));
    this.#exclusive = true;
    try {
      return await fn();
    } finally {
      this.#exclusive = false;
      this.#wake();
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
