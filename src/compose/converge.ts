/**
 * `compose up`: make the engine match the project, touching only what
 * differs (compose's convergence).
 *
 *   1. check external networks/volumes, and get every image (build or pull)
 *      — failures here leave nothing created
 *   2. create the missing networks and volumes
 *   3. services in dependency order, independent ones in parallel; each
 *      first waits for its dependencies' conditions (dependency-wait.ts),
 *      then converges its replicas:
 *        number above the wanted scale  → stopped and removed
 *        config hash or image changed   → recreated (or --force-recreate)
 *        unchanged                      → left alone (started if stopped; restarted
 *                                         when a `depends_on: {x: {restart: true}}`
 *                                         dependency x was recreated by this `up`)
 *        missing number                 → created and started
 *   4. containers of services no longer in the file: removed with
 *      --remove-orphans, else reported
 *   5. --wait: every service running, and healthy when it has a healthcheck
 */
import { isDaemonError } from '../cli/client.js';
import { InvalidArgumentError } from '../errors.js';
import type { ComposeBackend } from './backend.js';
import { serviceConfigHash } from './config-hash.js';
import { createBody, replicaName, serviceImage } from './container-spec.js';
import { inDependencyOrder, withDependencies } from './dependency-graph.js';
import { removeContainer } from './down.js';
import { waitForCondition, waitReady } from './dependency-wait.js';
import { listProjectContainers, type ProjectContainer } from './project-containers.js';
import { checkExternal, ensureNetworks, ensureVolumes, resourcesOf } from './project-resources.js';
import type { ComposeProject, ServiceConfig } from './types.js';

export interface UpOptions {
  /** Services named on the command line; default every enabled service. */
  services?: string[];
  /** Do not bring up the named services' dependencies. */
  noDeps?: boolean;
  forceRecreate?: boolean;
  /** Keep existing containers even when their configuration changed. */
  noRecreate?: boolean;
  removeOrphans?: boolean;
  /** Build images before starting (services with `build:`). */
  build?: boolean;
  /** service → replicas (--scale), over deploy.replicas / scale. */
  scale?: Record<string, number>;
  /** Create containers but do not start them (`compose create`). */
  noStart?: boolean;
  /** Wait for services to be running/healthy before returning. */
  wait?: boolean;
  waitTimeoutMs?: number;
  /** Seconds to wait for a container to stop when it is replaced. */
  stopTimeout?: number;
}

/** The replicas a service should have. */
export function wantedReplicas(s: ServiceConfig, scale: Record<string, number> = {}): number {
  const n = scale[s.name] ?? s.deploy?.replicas ?? s.scale ?? 1;
  if (n > 1 && s.container_name !== undefined) {
    throw new InvalidArgumentError(`service ${JSON.stringify(s.name)} has container_name ${JSON.stringify(s.container_name)} and cannot be scaled to ${n}`);
  }
  return n;
}

/** The services `up` acts on: the named ones (with their dependencies unless noDeps), or all. */
export function selectServices(p: ComposeProject, names: readonly string[] = [], noDeps = false): string[] {
  for (const n of names) if (p.services[n] === undefined) throw new InvalidArgumentError(`no such service: ${n}`);
  if (names.length === 0) return withDependencies(p.services, Object.keys(p.services));
  return noDeps ? [...names] : withDependencies(p.services, names);
}

async function imageIdOf(b: ComposeBackend, ref: string): Promise<string | undefined> {
  try {
    return (await b.client.images.inspect(ref)).Id;
  } catch (err) {
    if (isDaemonError(err, 'not_found')) return undefined;
    throw err;
  }
}

/** Builds or pulls what is missing (or everything buildable with `build`); service → image ID. */
export async function ensureImages(b: ComposeBackend, p: ComposeProject, names: readonly string[], build = false): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  // One look-up per distinct image, all at once: services often share an image.
  const refs = [...new Set(names.map((n) => serviceImage(p, p.services[n]!)))];
  const found = new Map(await Promise.all(refs.map(async (ref) => [ref, await imageIdOf(b, ref)] as const)));
  for (const name of names) {
    const s = p.services[name]!;
    const ref = serviceImage(p, s);
    let id = build && s.build !== undefined ? undefined : found.get(ref);
    if (id === undefined) {
      if (s.build !== undefined) {
        b.progress(`Service ${name}`, 'Building');
        await b.images.build(p, s, ref);
        b.progress(`Service ${name}`, 'Built');
      } else {
        b.progress(`Image ${ref}`, 'Pulling');
        await b.images.pull(ref);
        b.progress(`Image ${ref}`, 'Pulled');
      }
      id = await imageIdOf(b, ref);
      if (id === undefined) throw new InvalidArgumentError(`image ${ref} for service ${name} is still missing after ${s.build ? 'the build' : 'the pull'}`);
      found.set(ref, id);
    }
    ids.set(name, id);
  }
  return ids;
}

/** Stops and removes a container about to be recreated (its anonymous volumes are kept for the new one). */
async function removeForRecreate(b: ComposeBackend, c: ProjectContainer, timeout: number | undefined): Promise<void> {
  b.progress(`Container ${c.name}`, 'Recreate');
  if (c.state === 'running' || c.state === 'paused' || c.state === 'restarting') {
    await b.client.containers.stop(c.id, timeout !== undefined ? { timeout } : {});
  }
  await b.client.containers.remove(c.id, { force: true });
}

/** The anonymous volumes a container has mounted: target → volume name. */
async function anonymousVolumes(b: ComposeBackend, id: string): Promise<Record<string, string>> {
  const inspect = await b.client.containers.inspect(id);
  const mounts = (inspect['Mounts'] ?? []) as Array<{ Type?: string; Name?: string; Destination?: string }>;
  const out: Record<string, string> = {};
  for (const m of mounts) {
    // Anonymous volumes have a generated 64-hex name (project volumes are `<project>_<key>`);
    // one carried over by an earlier recreate is still anonymous, so it is carried again.
    if (m.Type === 'volume' && m.Name !== undefined && m.Destination !== undefined && /^[0-9a-f]{64}$/.test(m.Name)) {
      out[m.Destination] = m.Name;
    }
  }
  return out;
}

/** What `up` does to one service besides the options: its image, and whether to restart what it keeps. */
interface ServicePlan {
  /** Its containers as listed when `up` began: only this service's own convergence changes them. */
  existing: readonly ProjectContainer[];
  imageId: string | undefined;
  /** A `restart: true` dependency was recreated: running containers left alone are restarted. */
  restart: boolean;
}

/** Converges one service's replicas to the wanted scale and configuration; true when it recreated any. */
async function convergeService(b: ComposeBackend, p: ComposeProject, s: ServiceConfig, plan: ServicePlan, o: UpOptions): Promise<boolean> {
  const { existing, imageId } = plan;
  const wanted = wantedReplicas(s, o.scale);
  const hash = serviceConfigHash(s);
  let recreated = false;
  const timeout = s.stop_grace_period !== undefined ? undefined : o.stopTimeout;
  const present = new Set<number>();
  const work: Promise<void>[] = [];

  const create = async (number: number, verb: 'Creat' | 'Recreat', inheritedVolumes?: Record<string, string>): Promise<void> => {
    const name = replicaName(p, s, number);
    b.progress(`Container ${name}`, `${verb}ing`);
    const body = createBody({ project: p, service: s, number, configHash: hash, imageId, ...(inheritedVolumes ? { inheritedVolumes } : {}) });
    const { Id } = await b.client.containers.create(body, name);
    b.progress(`Container ${name}`, `${verb}ed`);
    if (o.noStart === true) return;
    b.progress(`Container ${name}`, 'Starting');
    await b.client.containers.start(Id);
    b.progress(`Container ${name}`, 'Started');
  };

  for (const c of existing) {
    if (c.number < 1 || c.number > wanted || present.has(c.number)) {
      // A replica scaled away takes its anonymous volumes with it: nothing will mount them again.
      work.push(removeContainer(b, c, { ...(timeout !== undefined ? { timeout } : {}), volumes: true }));
      continue;
    }
    present.add(c.number);
    const changed = c.configHash !== hash || (imageId !== undefined && c.imageId !== undefined && c.imageId !== imageId);
    if (o.noRecreate !== true && (o.forceRecreate === true || changed)) {
      recreated = true;
      work.push(
        (async () => {
          const volumes = await anonymousVolumes(b, c.id);
          await removeForRecreate(b, c, timeout);
          await create(c.number, 'Recreat', volumes);
        })(),
      );
    } else if (o.noStart !== true && c.state !== 'running' && c.state !== 'restarting') {
      work.push(
        (async () => {
          b.progress(`Container ${c.name}`, 'Starting');
          if (c.state === 'paused') await b.client.containers.unpause(c.id);
          else await b.client.containers.start(c.id);
          b.progress(`Container ${c.name}`, 'Started');
        })(),
      );
    } else if (plan.restart && o.noStart !== true) {
      // compose v2: a dependent is restarted after its dependency was replaced (and is ready again).
      work.push(
        (async () => {
          b.progress(`Container ${c.name}`, 'Restarting');
          await b.client.containers.restart(c.id, timeout !== undefined ? { timeout } : {});
          b.progress(`Container ${c.name}`, 'Restarted');
        })(),
      );
    } else {
      b.progress(`Container ${c.name}`, 'Running');
    }
  }
  for (let n = 1; n <= wanted; n++) if (!present.has(n)) work.push(create(n, 'Creat'));
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return recreated;
}

/** Containers of services the project no longer defines (among `all`, else listed now). */
export async function findOrphans(b: ComposeBackend, p: ComposeProject, all?: readonly ProjectContainer[]): Promise<ProjectContainer[]> {
  all ??= await listProjectContainers(b.client, p.name, { all: true });
  return all.filter((c) => p.services[c.service] === undefined && p.disabledServices[c.service] === undefined);
}

export async function up(b: ComposeBackend, p: ComposeProject, o: UpOptions = {}): Promise<void> {
  const names = selectServices(p, o.services, o.noDeps);
  for (const n of names) wantedReplicas(p.services[n]!, o.scale);
  await checkExternal(b, p);
  const images = await ensureImages(b, p, names, o.build);

  const used = resourcesOf(names.map((n) => p.services[n]!));
  await ensureNetworks(b, p, used.networks);
  await ensureVolumes(b, p, used.volumes);

  // One listing of the project for every service (and the orphans), not one a service.
  const before = await listProjectContainers(b.client, p.name, { all: true });
  const selected = new Set(names);
  const recreated = new Set<string>();
  await inDependencyOrder(p.services, names, async (name) => {
    const s = p.services[name]!;
    for (const [dep, d] of Object.entries(s.depends_on ?? {})) {
      if (!selected.has(dep)) continue;
      const containers = await listProjectContainers(b.client, p.name, { all: true, services: [dep] });
      if (d.condition !== 'service_started') b.progress(`Container ${containers.map((c) => c.name).join(', ')}`, 'Waiting');
      await waitForCondition(b.client, p.services[dep]!, containers, d.condition);
      if (d.condition === 'service_healthy') b.progress(`Container ${containers.map((c) => c.name).join(', ')}`, 'Healthy');
      if (d.condition === 'service_completed_successfully') b.progress(`Container ${containers.map((c) => c.name).join(', ')}`, 'Exited');
    }
    const restart = Object.entries(s.depends_on ?? {}).some(([dep, d]) => d.restart && recreated.has(dep));
    const plan = { existing: before.filter((c) => c.service === name), imageId: images.get(name), restart };
    if (await convergeService(b, p, s, plan, o)) recreated.add(name);
  });

  const orphans = await findOrphans(b, p, before);
  if (orphans.length > 0) {
    if (o.removeOrphans === true) {
      await Promise.all(orphans.map((c) => removeContainer(b, c, { ...(o.stopTimeout !== undefined ? { timeout: o.stopTimeout } : {}), volumes: true })));
    } else {
      b.warn(
        `Found orphan containers (${orphans.map((c) => c.name).join(', ')}) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`,
      );
    }
  }

  if (o.wait === true && o.noStart !== true) {
    await Promise.all(
      names.map(async (name) => {
        const containers = await listProjectContainers(b.client, p.name, { all: true, services: [name] });
        await waitReady(b.client, p.services[name]!, containers, o.waitTimeoutMs);
        for (const c of containers) b.progress(`Container ${c.name}`, 'Healthy');
      }),
    );
  }
}
