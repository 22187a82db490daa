/**
 * The growing delay between automatic restarts, after moby's restartmanager:
 * it doubles from 100 ms up to one minute, and falls back to the start once a
 * container has run for ten seconds, so a crash loop costs the host little
 * while a container that crashes now and then comes back quickly.
 *
 * One deliberate difference: Docker waits 100 ms before the first restart
 * too; Berth restarts the first time at once and backs off from the second
 * on (0, 100, 200, 400 ms, …, 60 s). A single crash is then repaired as fast
 * as the engine can start the container, and a crash loop is still bounded:
 * after n quick crashes the next wait is 100 ms × 2^(n-2).
 */

export const BACKOFF_INITIAL_MS = 100;
export const BACKOFF_MAX_MS = 60_000;
/** A run at least this long resets the delay (moby: executionDuration ≥ 10 s). */
export const BACKOFF_RESET_AFTER_MS = 10_000;

export class RestartBackoff {
  /** The last delay handed out; undefined before the first restart or after a reset. */
  #last: number | undefined;

  /** The delay before the restart that follows a run of `ranMs`. */
  next(ranMs: number): number {
    // An unknown run time (NaN) counts as a quick crash: a loop stays bounded.
    if (ranMs >= BACKOFF_RESET_AFTER_MS) this.#last = undefined;
    let delay: number;
    if (this.#last === undefined) delay = 0;
    else if (this.#last === 0) delay = BACKOFF_INITIAL_MS;
    else delay = Math.min(this.#last * 2, BACKOFF_MAX_MS);
    this.#last = delay;
    return delay;
  }
}
