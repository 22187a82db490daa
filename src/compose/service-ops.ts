/**
 * The per-service lifecycle verbs on existing containers — start, stop,
 * restart, pause, unpause, kill, rm — in dependency order (start) or
 * reverse dependency order (stop), each service's replicas in parallel.
 * None of them creates anything: that is `up`'s job.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ComposeBackend } from './backend.js';
import { inDependencyOrder } from './dependency-graph.js';
import { removeContainer } from './down.js';
import { listProjectContainers, type ProjectContainer } from './project-containers.js';
import type { ComposeProject } from './types.js';

/** The named services (checked), or all of the project's. */
export function targetServices(p: ComposeProject, names: readonly string[]): string[] {
  for (const n of names) if (p.services[n] === undefined) throw new InvalidArgumentError(`no such service: ${n}`);
  return names.length > 0 ? [...names] : Object.keys(p.services);
}

async function eachService(
  b: ComposeBackend,
  p: ComposeProject,
  names: readonly string[],
  reverse: boolean,
  op: (c: ProjectContainer) => Promise<void>,
): Promise<void> {
  const containers = await listProjectContainers(b.client, p.name, { all: true, services: targetServices(p, names) });
  await inDependencyOrder(p.services, targetServices(p, names), async (service) => {
    await Promise.all(containers.filter((c) => c.service === service).map(op));
  }, { reverse });
}

const isUp = (c: ProjectContainer): boolean => c.state === 'running' || c.state === 'paused' || c.state === 'restarting';

export async function startServices(b: ComposeBackend, p: ComposeProject, names: readonly string[]): Promise<void> {
  await eachService(b, p, names, false, async (c) => {
    if (isUp(c)) return;
    b.progress(`Container ${c.name}`, 'Starting');
    await b.client.containers.start(c.id);
    b.progress(`Container ${c.name}`, 'Started');
  });
}

export async function stopServices(b: ComposeBackend, p: ComposeProject, names: readonly string[], timeout?: number): Promise<void> {
  await eachService(b, p, names, true, async (c) => {
    if (!isUp(c)) return;
    b.progress(`Container ${c.name}`, 'Stopping');
    await b.client.containers.stop(c.id, timeout !== undefined ? { timeout } : {});
    b.progress(`Container ${c.name}`, 'Stopped');
  });
}

/**
 * The named services and, as compose v2 does, every service that depends on one of them with
 * `restart: true` (and so on down); all of them when none is named.
 */
export function withRestartDependents(p: ComposeProject, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const out = new Set(targetServices(p, names));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, s] of Object.entries(p.services)) {
      if (out.has(name)) continue;
      if (Object.entries(s.depends_on ?? {}).some(([dep, d]) => d.restart && out.has(dep))) {
        out.add(name);
        grew = true;
      }
    }
  }
  return [...out];
}

export async function restartServices(b: ComposeBackend, p: ComposeProject, names: readonly string[], timeout?: number): Promise<void> {
  await eachService(b, p, withRestartDependents(p, names), false, async (c) => {
    b.progress(`Container ${c.name}`, 'Restarting');
    await b.client.containers.restart(c.id, timeout !== undefined ? { timeout } : {});
    b.progress(`Container ${c.name}`, 'Started');
  });
}

export async function pauseServices(b: ComposeBackend, p: ComposeProject, names: readonly string[]): Promise<void> {
  await eachService(b, p, names, true, async (c) => {
    if (c.state !== 'running') return;
    await b.client.containers.pause(c.id);
    b.progress(`Container ${c.name}`, 'Paused');
  });
}

export async function unpauseServices(b: ComposeBackend, p: ComposeProject, names: readonly string[]): Promise<void> {
  await eachService(b, p, names, false, async (c) => {
    if (c.state !== 'paused') return;
    await b.client.containers.unpause(c.id);
    b.progress(`Container ${c.name}`, 'Unpaused');
  });
}

export async function killServices(b: ComposeBackend, p: ComposeProject, names: readonly string[], signal?: string): Promise<void> {
  await eachService(b, p, names, true, async (c) => {
    if (!isUp(c)) return;
    await b.client.containers.kill(c.id, signal);
    b.progress(`Container ${c.name}`, 'Killed');
  });
}

/**
 * `compose rm`: stopped containers of the services (running ones too with
 * `stop`); returns the containers it removed.
 */
export async function removeServices(
  b: ComposeBackend,
  p: ComposeProject,
  names: readonly string[],
  o: { stop?: boolean; volumes?: boolean; timeout?: number } = {},
): Promise<ProjectContainer[]> {
  const containers = await listProjectContainers(b.client, p.name, { all: true, services: targetServices(p, names) });
  const chosen = containers.filter((c) => o.stop === true || !isUp(c));
  await Promise.all(chosen.map((c) => removeContainer(b, c, o)));
  return chosen;
}
