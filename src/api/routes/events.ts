/**
 * GET /events: the engine's events as a stream of JSON lines (moby's
 * system_routes.go getEvents).
 *
 *   since, until   "seconds[.nanoseconds]" (also what GetTimestamp reads);
 *                  since > until is a 400
 *   filters        see src/events/event-filter.ts; a bad key is a 400
 *
 * Errors are answered before the 200 goes out. Then: the kept events of
 * [since, until] that pass the filters; with `until` in the past, that is
 * all. Otherwise live events follow, each written (and so flushed) as it
 * happens, until the client goes away or `until` comes.
 *
 * A client that does not read is not allowed to grow berthd's memory:
 * while more than BACKLOG bytes wait for it, its events are dropped (moby
 * drops events a subscriber does not take within 100 ms).
 */
import { nowNanos } from '../../containers/clock.js';
import { parseEventFilter } from '../../events/event-filter.js';
import { parseEventWindow } from '../../events/event-time.js';
import { queryFilters, type Router } from '../router.js';
import type { Services } from './services.js';

const BACKLOG = 16 * 1024 * 1024;
/** Replayed lines are written in chunks of this many, not one write each. */
const REPLAY_CHUNK = 512;

export function eventRoutes(r: Router, s: Services): void {
  r.add('GET', '/events', async (ctx) => {
    const window = parseEventWindow(ctx.query);
    const filter = parseEventFilter(queryFilters(ctx.query));
    const res = ctx.res;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();

    const write = (text: string) => {
      if (res.writableLength > BACKLOG || res.destroyed) return;
      res.write(text);
    };
    const onlyPast = window.until !== undefined && window.until < nowNanos();
    const sub = onlyPast ? undefined : s.events.subscribe({ ...window, filter }, (e) => write(e.line));
    const history = sub?.history ?? s.events.history({ ...window, filter });
    for (let i = 0; i < history.length; i += REPLAY_CHUNK) {
      write(history.slice(i, i + REPLAY_CHUNK).map((e) => e.line).join(''));
    }
    if (sub !== undefined) {
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          if (timer !== undefined) clearTimeout(timer);
          ctx.signal.removeEventListener('abort', done);
          resolve();
        };
        ctx.signal.addEventListener('abort', done, { once: true });
        if (window.until !== undefined) {
          // Until a future time: the stream ends then (timers take at most ~24.8 days: wait again).
          const arm = () => {
            const left = Number((window.until! - nowNanos()) / 1_000_000n);
            if (left <= 0) return done();
            timer = setTimeout(arm, Math.min(left + 1, 2 ** 31 - 1));
          };
          arm();
        }
      });
      sub.unsubscribe();
    }
    res.end();
  });
}
