/**
 * `compose down`: stop and remove the project's containers (dependents
 * first), then its networks, and with `-v` its volumes, with `--rmi` its
 * images. Works from the labels alone when no compose file is at hand
 * (`down -p NAME`), as compose does.
 */
import { isDaemonError } from '../cli/client.js';
import type { ComposeBackend } from './backend.js';
import { serviceImage } from './container-spec.js';
import { inDependencyOrder } from './dependency-graph.js';
import { listProjectContainers, type ProjectContainer } from './project-containers.js';
import { removeProjectNetworks, removeProjectVolumes } from './project-resources.js';
import type { ComposeProject } from './types.js';

export interface DownOptions {
  removeOrphans?: boolean;
  /** Remove named volumes declared by the project and anonymous volumes of its containers. */
  volumes?: boolean;
  /** local: images built for services without `image:`; all: every service image. */
  rmi?: 'local' | 'all';
  /** Seconds to wait for containers to stop. */
  timeout?: number;
}

/**
 * Stops and removes one container. With `volumes`, its anonymous volumes go
 * too — also those `up` carried over from a container it replaced, which the
 * engine sees as named mounts (a generated 64-hex name tells them apart).
 */
export async function removeContainer(b: ComposeBackend, c: ProjectContainer, o: { timeout?: number; volumes?: boolean }): Promise<void> {
  let anonymous: string[] = [];
  if (o.volumes === true) {
    const inspect = await b.client.containers.inspect(c.id).catch(() => undefined);
    const mounts = (inspect?.['Mounts'] ?? []) as Array<{ Type?: string; Name?: string }>;
    anonymous = mounts.filter((m) => m.Type === 'volume' && /^[0-9a-f]{64}$/.test(m.Name ?? '')).map((m) => m.Name!);
  }
  if (c.state === 'running' || c.state === 'paused' || c.state === 'restarting') {
    b.progress(`Container ${c.name}`, 'Stopping');
    await b.client.containers.stop(c.id, o.timeout !== undefined ? { timeout: o.timeout } : {});
    b.progress(`Container ${c.name}`, 'Stopped');
  }
  b.progress(`Container ${c.name}`, 'Removing');
  try {
    await b.client.containers.remove(c.id, { force: true, volumes: o.volumes === true });
  } catch (err) {
    if (!isDaemonError(err, 'not_found')) throw err;
  }
  b.progress(`Container ${c.name}`, 'Removed');
  for (const name of anonymous) {
    // Already gone with the container, or still used by another one: either way not ours to force.
    await b.client.volumes.remove(name).catch((err: unknown) => {
      if (!isDaemonError(err, 'not_found') && !isDaemonError(err, 'conflict')) throw err;
    });
  }
}

/** `project` is undefined when only the name is known (no compose file). */
export async function down(b: ComposeBackend, name: string, project: ComposeProject | undefined, o: DownOptions = {}): Promise<void> {
  const containers = await listProjectContainers(b.client, name, { all: true, oneoff: true });
  const known = (service: string): boolean =>
    project === undefined || project.services[service] !== undefined || project.disabledServices[service] !== undefined;
  const byService = new Map<string, ProjectContainer[]>();
  const orphans: ProjectContainer[] = [];
  for (const c of containers) {
    if (!known(c.service)) {
      orphans.push(c);
      continue;
    }
    byService.set(c.service, [...(byService.get(c.service) ?? []), c]);
  }
  const removeAll = (list: readonly ProjectContainer[]) => Promise.all(list.map((c) => removeContainer(b, c, o)));
  if (project !== undefined) {
    const all = { ...project.disabledServices, ...project.services };
    const names = [...byService.keys()];
    await inDependencyOrder(all, names, (service) => removeAll(byService.get(service)!).then(() => undefined), { reverse: true });
  } else {
    await removeAll([...byService.values()].flat());
  }
  if (orphans.length > 0) {
    if (o.removeOrphans === true) await removeAll(orphans);
    else b.warn(`Found orphan containers (${orphans.map((c) => c.name).join(', ')}) for this project. To clean them up, run this command with the --remove-orphans flag.`);
  }
  await removeProjectNetworks(b, name);
  if (o.volumes === true) await removeProjectVolumes(b, name);
  if (o.rmi !== undefined && project !== undefined) {
    for (const s of Object.values(project.services)) {
      if (o.rmi === 'local' && s.image !== undefined) continue;
      const ref = serviceImage(project, s);
      try {
        await b.client.images.remove(ref);
        b.progress(`Image ${ref}`, 'Removed');
      } catch (err) {
        if (!isDaemonError(err, 'not_found')) throw err;
      }
    }
  }
}
