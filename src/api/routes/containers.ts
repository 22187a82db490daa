/** Engine API routes for containers (lifecycle, inspect, list, top, rename, update). */
import { ConflictError, InvalidArgumentError } from '../../errors.js';
import { isRunning } from '../../containers/container.js';
import { selectContainers } from '../../containers/container-filter.js';
import type { Digest } from '../../content/digest.js';
import type { CreateContainerBody, UpdateConfigWire } from '../types/container-wire.js';
import { inspectJson, summaryJson } from '../types/container-json.js';
import { queryBool, queryFilters, queryInt, type Router } from '../router.js';
import type { Services } from './services.js';

/** overlay2's LowerDir/UpperDir/WorkDir for a container, from its snapshot's mount options. */
async function containerLayerDirs(s: Services, snapshotKey: string): Promise<Record<string, string>> {
  try {
    const [m] = await s.snapshotter.mounts(snapshotKey);
    const opt = (name: string) => m?.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
    const dirs: Record<string, string> = {};
    for (const [key, name] of [['LowerDir', 'lowerdir'], ['UpperDir', 'upperdir'], ['WorkDir', 'workdir']] as const) {
      const v = opt(name);
      if (v) dirs[key] = v;
    }
    return dirs;
  } catch {
    return {}; // removed meanwhile
  }
}

export function containerRoutes(r: Router, s: Services): void {
  r.add('POST', '/containers/create', async (ctx) => {
    const body = await ctx.body<CreateContainerBody>();
    if (!body) throw new InvalidArgumentError('config cannot be empty in order to create a container');
    const name = ctx.query.get('name') || undefined;
    ctx.json(201, await s.containers.create(body, name));
  });

  r.add('GET', '/containers/json', async (ctx) => {
    const limit = queryInt(ctx.query, 'limit');
    const list = selectContainers(s.containers.store.list(), {
      all: queryBool(ctx.query, 'all'),
      ...(limit !== undefined ? { limit } : {}),
      filters: queryFilters(ctx.query),
      imageAndDescendants: (n) => {
        let root: string;
        try {
          root = s.images.resolve(n).id;
        } catch {
          return []; // as moby: an unknown ancestor matches nothing
        }
        const ids = [root];
        for (let i = 0; i < ids.length; i++) for (const child of s.images.store.children(ids[i] as Digest)) ids.push(child.id);
        return ids;
      },
    });
    const withSize = queryBool(ctx.query, 'size');
    const out = [];
    for (const c of list) out.push(summaryJson(c, { ...(withSize ? await s.sizes(c) : {}), networkSettings: s.containers.networkSettings(c) }));
    ctx.json(200, out);
  });

  r.add('GET', '/containers/:id/json', async (ctx) => {
    const c = s.containers.store.get(ctx.params.id!);
    const size = queryBool(ctx.query, 'size') ? await s.sizes(c) : {};
    ctx.json(200, inspectJson(c, { logPath: s.containers.logPath(c), rootfs: s.containers.rootfs.rootfsPath(c), layerDirs: await containerLayerDirs(s, c.snapshotKey), ...size, networkSettings: s.containers.networkSettings(c) }));
  });

  r.add('POST', '/containers/:id/start', async (ctx) => {
    const started = await s.containers.start(ctx.params.id!);
    ctx.noContent(started ? 204 : 304);
  });

  r.add('POST', '/containers/:id/stop', async (ctx) => {
    const t = queryInt(ctx.query, 't');
    const signal = ctx.query.get('signal') || undefined;
    const stopped = await s.signals.stop(ctx.params.id!, { ...(t !== undefined ? { timeoutS: t } : {}), ...(signal ? { signal } : {}) });
    ctx.noContent(stopped ? 204 : 304);
  });

  r.add('POST', '/containers/:id/restart', async (ctx) => {
    const t = queryInt(ctx.query, 't');
    const signal = ctx.query.get('signal') || undefined;
    await s.signals.restart(ctx.params.id!, { ...(t !== undefined ? { timeoutS: t } : {}), ...(signal ? { signal } : {}) });
    ctx.noContent();
  });

  r.add('POST', '/containers/:id/kill', async (ctx) => {
    await s.signals.kill(ctx.params.id!, ctx.query.get('signal') || 'SIGKILL');
    ctx.noContent();
  });

  r.add('POST', '/containers/:id/update', async (ctx) => {
    const body = await ctx.body<UpdateConfigWire>();
    ctx.json(200, await s.updates.update(ctx.params.id!, body ?? {}));
  });

  r.add('POST', '/containers/:id/pause', async (ctx) => {
    await s.signals.pause(ctx.params.id!);
    ctx.noContent();
  });

  r.add('POST', '/containers/:id/unpause', async (ctx) => {
    await s.signals.unpause(ctx.params.id!);
    ctx.noContent();
  });

  r.add('DELETE', '/containers/:id', async (ctx) => {
    const c = s.containers.store.get(ctx.params.id!);
    await s.containers.remove(c.id, { force: queryBool(ctx.query, 'force'), volumes: queryBool(ctx.query, 'v') });
    s.exec.forget(c.id);
    ctx.noContent();
  });

  r.add('POST', '/containers/:id/rename', async (ctx) => {
    const name = ctx.query.get('name');
    if (!name) throw new InvalidArgumentError('name cannot be empty');
    await s.containers.rename(ctx.params.id!, name);
    ctx.noContent();
  });

  r.add('GET', '/containers/:id/top', async (ctx) => {
    const c = s.containers.store.get(ctx.params.id!);
    if (!isRunning(c.state)) throw new ConflictError(`Container ${c.id} is not running`);
    if (c.state.status === 'restarting') throw new ConflictError(`Container ${c.id} is restarting, wait until the container is running`);
    const pids = await s.cgroups.pids(s.containers.cgroupsPath(c));
    const table = await s.processTable(pids, ctx.query.get('ps_args') || '-ef');
    s.containers.events.emit('event', { type: 'container', action: 'top', id: c.id });
    ctx.json(200, table);
  });

  r.add('POST', '/containers/prune', async (ctx) => {
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of s.containers.store.list()) {
      if (isRunning(c.state)) continue;
      reclaimed += (await s.sizes(c)).sizeRw ?? 0;
      await s.containers.remove(c.id);
      deleted.push(c.id);
    }
    s.containers.events.emit('event', { type: 'container', action: 'prune', id: '', reclaimed });
    ctx.json(200, { ContainersDeleted: deleted, SpaceReclaimed: reclaimed });
  });
}
