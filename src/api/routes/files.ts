/**
 * Engine API routes that move images and filesystems in and out:
 * save (GET /images/get, /images/{name}/get), load (POST /images/load),
 * import (POST /images/create?fromSrc=), commit (POST /commit), and a
 * container's export, changes and archive (docker cp).
 *
 * Streams in both directions: request bodies go straight to the
 * transfer/extract code, archives straight to the socket. JSON message
 * streams (load, import) send their status line only once there is
 * something to say, so an error found before that is still a plain HTTP
 * error; one found after is an `errorDetail` message, as Docker sends it.
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ContainerFiles } from '../../containers/container-files.js';
import { pathStatHeader } from '../../containers/container-path.js';
import { InvalidArgumentError, NotImplementedError } from '../../errors.js';
import { commitContainer } from '../../images/commit.js';
import { saveImages } from '../../images/transfer/archive-writer.js';
import { importImage, type Platform } from '../../images/transfer/image-import.js';
import { loadImages } from '../../images/transfer/image-loader.js';
import { formatReference, isValidTag, normalizeReference, parseNormalizedNamed } from '../../reference/reference.js';
import type { ContainerConfigWire } from '../types/container-wire.js';
import { messageOf } from '../http-status.js';
import { queryBool, type RequestContext, type Router } from '../router.js';
import { pullRoute } from './distribution.js';
import type { Services } from './services.js';

export function fileRoutes(r: Router, s: Services): void {
  const files = new ContainerFiles(s.containers, s.snapshotter);
  // Views a crash left mounted (requests that need a view wait for this).
  void files.sweepStaleViews().catch(() => undefined);
  const transfer = { images: s.images, content: s.content, snapshotter: s.snapshotter };

  const save = async (ctx: RequestContext, names: string[]) => {
    const tar = await saveImages(s.images, s.content, names);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await streamOut(tar, ctx.res);
  };
  r.add('GET', '/images/get', (ctx) => save(ctx, ctx.query.getAll('names')));
  r.add('GET', /^\/images\/(?<name>.+)\/get$/, (ctx) => save(ctx, [ctx.params.name!]));

  r.add('POST', '/images/load', (ctx) =>
    consuming(ctx, async () => {
      const out = jsonStream(ctx.res);
      try {
        await loadImages(transfer, ctx.req, (line) => out.send({ stream: `${line}\n` }));
      } catch (err) {
        if (!out.started) throw err;
        out.error(err);
      }
      out.end();
    }),
  );

  r.add('POST', '/images/create', (ctx) =>
    consuming(ctx, async () => {
      const fromImage = ctx.query.get('fromImage');
      // This route is shared: import is fromSrc, pull is fromImage (routes/distribution.ts).
      if (fromImage) return pullRoute(ctx, s);
      const src = ctx.query.get('fromSrc');
      if (!src) throw new InvalidArgumentError('fromSrc or fromImage is required');
      if (src !== '-') throw new NotImplementedError(`importing from ${src} is not supported: only the request body ("-") can be imported`);
      const platform = parsePlatform(ctx.query.get('platform'));
      const reference = repoTag(ctx.query.get('repo'), ctx.query.get('tag'));
      const id = await importImage(transfer, ctx.req, {
        changes: ctx.query.getAll('changes'),
        message: ctx.query.get('message') ?? '',
        source: src,
        ...(reference ? { reference } : {}),
        ...(platform ? { platform } : {}),
      });
      const out = jsonStream(ctx.res);
      out.send({ status: id });
      out.end();
    }),
  );

  r.add('POST', '/commit', async (ctx) => {
    const container = ctx.query.get('container');
    if (!container) throw new InvalidArgumentError('container is required');
    const config = await ctx.body<ContainerConfigWire | null>();
    const reference = repoTag(ctx.query.get('repo'), ctx.query.get('tag'));
    const author = ctx.query.get('author');
    const comment = ctx.query.get('comment');
    const id = await commitContainer(
      { containers: s.containers, signals: s.signals, images: s.images, content: s.content, snapshotter: s.snapshotter },
      {
        container,
        pause: queryBool(ctx.query, 'pause', true),
        changes: ctx.query.getAll('changes'),
        ...(config ? { config } : {}),
        ...(reference ? { reference } : {}),
        ...(author ? { author } : {}),
        ...(comment ? { comment } : {}),
      },
    );
    ctx.json(201, { Id: id });
  });

  r.add('GET', '/containers/:id/export', async (ctx) => {
    const out = await files.export(ctx.params.id!);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await streamOut(out.tar, ctx.res, out.release);
  });

  r.add('GET', '/containers/:id/changes', async (ctx) => {
    ctx.json(200, await files.changes(ctx.params.id!));
  });

  r.add('HEAD', '/containers/:id/archive', async (ctx) => {
    const stat = await files.stat(ctx.params.id!, archivePath(ctx));
    ctx.res.writeHead(200, { 'X-Docker-Container-Path-Stat': pathStatHeader(stat), 'Content-Type': 'application/json' });
    ctx.res.end();
  });

  r.add('GET', '/containers/:id/archive', async (ctx) => {
    const out = await files.get(ctx.params.id!, archivePath(ctx));
    ctx.res.writeHead(200, { 'X-Docker-Container-Path-Stat': pathStatHeader(out.stat), 'Content-Type': 'application/x-tar' });
    await streamOut(out.tar, ctx.res, out.release);
  });

  r.add('PUT', '/containers/:id/archive', (ctx) =>
    consuming(ctx, async () => {
      await files.put(ctx.params.id!, archivePath(ctx), ctx.req, {
        noOverwriteDirNonDir: queryBool(ctx.query, 'noOverwriteDirNonDir'),
        copyUIDGID: queryBool(ctx.query, 'copyUIDGID'),
      });
      ctx.noContent(200);
    }),
  );
}

function archivePath(ctx: RequestContext): string {
  const p = ctx.query.get('path');
  if (!p) throw new InvalidArgumentError('path is required');
  return p;
}

/**
 * Pipes an archive to the client; a client that hangs up is not an error of
 * ours. With release, the response ends only after it ran (a container's
 * view is unmounted before the client sees the end of the tar).
 */
async function streamOut(stream: NodeJS.ReadableStream, res: ServerResponse, release?: () => Promise<void>): Promise<void> {
  try {
    await pipeline(stream, res, { end: release === undefined });
  } catch (err) {
    await release?.();
    if (res.destroyed && (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw err;
  }
  if (release) {
    await release();
    res.end();
  }
}

/**
 * Runs a handler that reads the request body; if it fails before reading all
 * of it, the rest is drained so the client gets the error instead of a stalled upload.
 */
async function consuming(ctx: RequestContext, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    ctx.req.unpipe();
    ctx.req.resume();
    throw err;
  }
}

/** Docker's JSON message stream (one object per line), status line sent with the first message. */
function jsonStream(res: ServerResponse) {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'Content-Type': 'application/json' });
  };
  return {
    get started() {
      return started;
    },
    send(msg: object) {
      start();
      res.write(JSON.stringify(msg) + '\r\n');
    },
    error(err: unknown) {
      const message = messageOf(err);
      this.send({ errorDetail: { message }, error: message });
    },
    end() {
      start();
      res.end();
    },
  };
}

/** The repo and tag query parameters as one full reference (repo may carry the tag itself). */
function repoTag(repo: string | null, tag: string | null): string | undefined {
  if (!repo) return undefined;
  const named = parseNormalizedNamed(repo);
  if (named.digest) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
  if (tag) {
    if (!isValidTag(tag)) throw new InvalidArgumentError(`invalid tag format: ${tag}`);
    named.tag = tag;
  }
  return formatReference(normalizeReference(formatReference(named)));
}

/** "linux/amd64[/v8]" → platform; absent or empty → undefined. */
function parsePlatform(p: string | null): Platform | undefined {
  if (!p) return undefined;
  const [os, architecture, variant] = p.toLowerCase().split('/');
  if (!os || !architecture) throw new InvalidArgumentError(`invalid platform: ${p}: expected os/arch[/variant]`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}
