/**
 * GET /containers/{id}/stats, as moby 27/28 answers it:
 *
 *   stream=true (default)   200 at once, then one JSON record per second,
 *                           each carrying the one before as preread /
 *                           precpu_stats (zeros in the first). A container
 *                           that is or becomes stopped gets zeroed records
 *                           (name and ID only); the stream ends when the
 *                           container is removed, the client leaves or the
 *                           daemon stops.
 *   stream=false            one record whose precpu_stats come from a sample
 *                           about a second earlier; with one-shot=true (API
 *                           1.41+) the first sample, at once. A container that
 *                           is not running gets one zeroed record.
 *   stream=1&one-shot=1     400 "cannot have stream=true and one-shot=true".
 *   unknown container       404 "No such container: …", before any header.
 */
import { InvalidArgumentError } from '../../errors.js';
import { ZERO_TIME } from '../../containers/container.js';
import { emptyStats, hasLiveTask, zeroCpuStats, type StatsResponse } from '../../containers/stats/index.js';
import { goJsonStringify } from '../../units/go-json.js';
import { compareVersions, type Router } from '../router.js';
import type { Services } from './services.js';

/** moby's httputils.BoolValueOrDefault: absent → default; "", "0", "no", "false", "none" → false; else true. */
function formBool(q: URLSearchParams, key: string, dflt: boolean): boolean {
  if (!q.has(key)) return dflt;
  const v = (q.get(key) ?? '').trim().toLowerCase();
  return !(v === '' || v === '0' || v === 'no' || v === 'false' || v === 'none');
}

/** One record as moby's json.Encoder writes it: Go JSON and a newline. */
function encode(s: StatsResponse): string {
  return goJsonStringify(s, { escapeHTML: false }) + '\n';
}

/** A sample with the sample before it as pre* (the spread keeps moby's field order). */
function withPrevious(s: StatsResponse, prev: StatsResponse | undefined): StatsResponse {
  return { ...s, preread: prev?.read ?? ZERO_TIME, precpu_stats: prev?.cpu_stats ?? zeroCpuStats() };
}

export function statsRoutes(r: Router, s: Services): void {
  r.add('GET', '/containers/:id/stats', async (ctx) => {
    const c = s.containers.store.get(ctx.params.id!);
    const stream = formBool(ctx.query, 'stream', true);
    const oneShot = compareVersions(ctx.apiVersion, '1.41') >= 0 && formBool(ctx.query, 'one-shot', false);
    if (stream && oneShot) throw new InvalidArgumentError('cannot have stream=true and one-shot=true');
    const res = ctx.res;

    if (!stream) {
      let body: StatsResponse;
      if (!hasLiveTask(c)) {
        body = emptyStats(c);
      } else if (oneShot) {
        body = await s.stats.sampler.sample(c);
      } else {
        // Two samples a tick apart, so precpu_stats make a CPU % of the last second.
        const sub = s.stats.collector.subscribe(c.id);
        const onAbort = () => sub.close();
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        try {
          const first = await sub.next();
          const second = first && (await sub.next());
          body = second ? withPrevious(second, first) : (first ?? emptyStats(c));
        } finally {
          sub.close();
          ctx.signal.removeEventListener('abort', onAbort);
        }
        if (ctx.signal.aborted) return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(encode(body));
      return;
    }

    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const sub = s.stats.collector.subscribe(c.id);
    const onAbort = () => sub.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let prev: StatsResponse | undefined;
    try {
      for (let sample = await sub.next(); sample !== undefined; sample = await sub.next()) {
        // A client that does not read loses records instead of growing our buffer.
        if (!res.writableNeedDrain) res.write(encode(withPrevious(sample, prev)));
        prev = sample;
      }
    } finally {
      sub.close();
      ctx.signal.removeEventListener('abort', onAbort);
    }
    res.end();
  });
}
