/**
 * `POST /build`: the legacy builder's endpoint (what `DOCKER_BUILDKIT=0
 * docker build` and `berth build` use). The body is the context tar; the
 * answer, once the query is valid, is a 200 with Docker's JSON message
 * stream — a failed build is reported inside it (errorDetail, with a RUN's
 * exit code as its code), as moby does.
 */
import { BerthError } from '../../errors.js';
import { parseBuildQuery } from '../types/build-query.js';
import { BuildProgress } from '../../build/builder/progress.js';
import { RunFailedError } from '../../build/builder/run-step.js';
import type { Router } from '../router.js';
import type { Services } from './services.js';

export function buildRoutes(r: Router, s: Services): void {
  r.add('POST', '/build', async (ctx) => {
    const opts = parseBuildQuery(ctx.query);
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    const progress = new BuildProgress(ctx.res, opts.quiet);
    try {
      const id = await s.builder.build(ctx.req, opts, progress);
      progress.result(id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      progress.error(message, err instanceof RunFailedError ? err.exitCode : undefined);
      if (!(err instanceof BerthError)) console.error('build failed:', err);
      ctx.req.resume(); // drain what the client still sends, so it reads our answer
    }
    ctx.res.end();
  });
}
