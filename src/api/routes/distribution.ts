/**
 * Engine API routes to registries: pull (`POST /images/create?fromImage=`,
 * reached through the import route it shares in files.ts), push (`POST
 * /images/{name}/push?tag=`) and login (`POST /auth`).
 *
 * The query is read as moby reads it: `fromImage` may carry a tag, `tag` may
 * be a digest, and no tag at all means every tag (`pull -a`); `tag` empty on
 * push means every tag of the repository. Credentials come in the
 * X-Registry-Auth header (ignored when malformed, as moby does for pull and
 * push). Pull and push answer with Docker's JSON message stream; its status
 * line goes out with the first message, so a failure before that (an
 * unknown image: 404) is a plain HTTP error, and one after is an
 * `errorDetail` line.
 */
import type { ServerResponse } from 'node:http';
import { InvalidArgumentError, PermissionDeniedError } from '../../errors.js';
import { parsePlatform } from '../../distribution/manifest-fetch.js';
import { ProgressOutput, type JsonMessage } from '../../distribution/progress.js';
import { familiarName, isDigest, isValidTag, parseNormalizedNamed, type Reference } from '../../reference/reference.js';
import { decodeRegistryAuth, type RegistryAuthConfig } from '../../registry/auth/client-auth.js';
import { messageOf } from '../http-status.js';
import { queryFilters, type RequestContext, type Router } from '../router.js';
import type { Services } from './services.js';

export function distributionRoutes(r: Router, s: Services): void {
  r.add('POST', /^\/images\/(?<name>.+)\/push$/, async (ctx) => {
    const ref = parseNormalizedNamed(ctx.params.name!);
    if (ref.digest !== undefined) throw new InvalidArgumentError('cannot push a digest reference');
    const tag = ctx.query.get('tag');
    if (tag) {
      if (!isValidTag(tag)) throw new InvalidArgumentError('invalid tag format');
      ref.tag = tag;
    }
    await streaming(ctx.res, (out) => s.distribution.push(ref, { auth: registryAuth(ctx), signal: ctx.signal }, out));
  });

  r.add('GET', '/images/search', async (ctx) => {
    const term = ctx.query.get('term') ?? '';
    if (!term) throw new InvalidArgumentError('a search term is required (term)');
    const limit = Number(ctx.query.get('limit') || 25);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidArgumentError(`invalid limit ${ctx.query.get('limit')}: must be between 1 and 100`);
    const filters = queryFilters(ctx.query);
    for (const k of filters.keys()) if (!['stars', 'is-official', 'is-automated'].includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    const stars = Number(filters.get('stars')?.[0] ?? 0);
    const official = filters.get('is-official')?.[0];
    let rows = await s.distribution.search(term, limit, { auth: registryAuth(ctx), signal: ctx.signal });
    rows = rows.filter((r) => r.star_count >= stars && (official === undefined || r.is_official === (official === 'true' || official === '1')));
    ctx.json(200, rows);
  });

  r.add('POST', '/auth', async (ctx) => {
    const cfg = (await ctx.body<RegistryAuthConfig>()) ?? {};
    if (typeof cfg !== 'object' || Array.isArray(cfg)) throw new InvalidArgumentError('invalid auth configuration: expected a JSON object');
    ctx.json(200, await s.distribution.login(cfg, ctx.signal));
  });
}

/** `POST /images/create?fromImage=…[&tag=…][&platform=…]`: called by the route files.ts keeps for import. */
export async function pullRoute(ctx: RequestContext, s: Services): Promise<void> {
  const ref = pullReference(ctx.query.get('fromImage')!, ctx.query.get('tag'));
  const p = ctx.query.get('platform');
  const platform = p ? parsePlatform(p) : undefined;
  await streaming(ctx.res, (out) => s.distribution.pull(ref, { auth: registryAuth(ctx), signal: ctx.signal, ...(platform ? { platform } : {}) }, out));
}

/** moby's postImagesCreate: fromImage (a trailing ":" from old `pull -a` clients dropped), then tag or digest. */
export function pullReference(fromImage: string, tag: string | null): Reference {
  const ref = parseNormalizedNamed(fromImage.replace(/:$/, ''));
  if (tag) {
    if (isDigest(tag)) {
      delete ref.tag;
      ref.digest = tag;
    } else {
      if (!isValidTag(tag)) throw new InvalidArgumentError('invalid tag format');
      ref.tag = tag;
    }
  }
  // A digest decides what is pulled; a tag beside it says nothing more.
  if (ref.digest !== undefined) delete ref.tag;
  if (familiarName(ref) === 'scratch') throw new PermissionDeniedError("'scratch' is a reserved name");
  return ref;
}

function registryAuth(ctx: RequestContext): RegistryAuthConfig {
  try {
    return decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
  } catch {
    return {}; // moby: "ignore invalid AuthConfig to increase compatibility with the existing API"
  }
}

/** Runs fn with a ProgressOutput writing Docker's JSON message stream; errors after the first message go in the stream. */
async function streaming(res: ServerResponse, fn: (out: ProgressOutput) => Promise<void>): Promise<void> {
  let started = false;
  const send = (m: JsonMessage) => {
    if (!started) {
      started = true;
      res.writeHead(200, { 'Content-Type': 'application/json' });
    }
    if (!res.destroyed) res.write(JSON.stringify(m) + '\r\n');
  };
  try {
    await fn(new ProgressOutput(send));
  } catch (err) {
    if (!started) throw err;
    const message = messageOf(err);
    send({ errorDetail: { message }, error: message });
  }
  if (!started) {
    started = true;
    res.writeHead(200, { 'Content-Type': 'application/json' });
  }
  res.end();
}
