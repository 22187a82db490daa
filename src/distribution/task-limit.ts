/**
 * At most n transfers at a time (Docker's max-concurrent-downloads 3 and
 * max-concurrent-uploads 5): a task that cannot start at once is told so
 * (`onWait`: the layer's "Waiting" line) and starts when a slot frees up.
 */
export type TaskLimit = <T>(task: () => Promise<T>, onWait?: () => void) => Promise<T>;

export function taskLimit(n: number): TaskLimit {
  let running = 0;
  const queue: Array<() => void> = [];
  return async <T>(task: () => Promise<T>, onWait?: () => void): Promise<T> => {
    if (running >= n) {
      onWait?.();
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      running++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next task in line, or frees up.
      const next = queue.shift();
      if (next) next();
      else running--;
    }
  };
}
