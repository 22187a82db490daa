/** Engine API routes for volumes: create, list, inspect, remove, prune. */
import { InvalidArgumentError } from '../../errors.js';
import { queryBool, queryFilters, type Router } from '../router.js';
import { volumeJson, type VolumeCreateBody } from '../types/volume-json.js';
import type { Services } from './services.js';

/** A string → string map field of the create body, or null. */
function stringMap(field: string, v: unknown): Record<string, string> | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new InvalidArgumentError(`invalid ${field}: must be an object of strings`);
  }
  return v as Record<string, string>;
}

export function volumeRoutes(r: Router, s: Services): void {
  const json = (name: string) => volumeJson(s.volumes.get(name), s.volumes.mountpoint(name));

  r.add('POST', '/volumes/create', async (ctx) => {
    const body = (await ctx.body<VolumeCreateBody>()) ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('request body must be a JSON object');
    for (const k of ['Name', 'Driver'] as const) {
      if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string') throw new InvalidArgumentError(`invalid ${k}: must be a string`);
    }
    const { volume } = await s.volumes.create({
      name: body.Name ?? '',
      driver: body.Driver ?? '',
      driverOpts: stringMap('DriverOpts', body.DriverOpts),
      labels: stringMap('Labels', body.Labels),
    });
    ctx.json(201, json(volume.name));
  });

  r.add('GET', '/volumes', async (ctx) => {
    const list = s.volumes.list(queryFilters(ctx.query));
    ctx.json(200, { Volumes: list.map((v) => volumeJson(v, s.volumes.mountpoint(v.name))), Warnings: [] });
  });

  r.add('GET', '/volumes/:name', async (ctx) => {
    ctx.json(200, json(ctx.params.name!));
  });

  r.add('DELETE', '/volumes/:name', async (ctx) => {
    await s.volumes.remove(ctx.params.name!, { force: queryBool(ctx.query, 'force') });
    ctx.noContent();
  });

  r.add('POST', '/volumes/prune', async (ctx) => {
    const report = await s.volumes.prune(queryFilters(ctx.query), ctx.apiVersion);
    ctx.json(200, { VolumesDeleted: report.deleted, SpaceReclaimed: report.reclaimed });
  });
}
