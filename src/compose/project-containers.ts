/**
 * A project's containers as the engine holds them, found by their
 * com.docker.compose.project label (the engine is the only record of a
 * project), with the compose labels read into fields.
 */
import type { EngineClient } from '../cli/client.js';
import type { ContainerSummary } from '../cli/client/types.js';
import { LABEL, projectFilter } from './labels.js';

export interface ProjectContainer {
  id: string;
  /** Without the leading slash. */
  name: string;
  service: string;
  number: number;
  oneoff: boolean;
  configHash: string;
  /** The image ID it was created from (com.docker.compose.image), when recorded. */
  imageId?: string;
  /** created, running, paused, restarting, exited, dead */
  state: string;
  summary: ContainerSummary;
}

export interface ContainerQuery {
  /** Stopped containers too (default: running only, as `ps` without -a). */
  all?: boolean;
  /** Only these services. */
  services?: readonly string[];
  /** Include one-off (`run`) containers; default false. */
  oneoff?: boolean;
}

export function toProjectContainer(c: ContainerSummary): ProjectContainer {
  const labels = c.Labels ?? {};
  return {
    id: c.Id,
    name: (c.Names[0] ?? '').replace(/^\//, ''),
    service: labels[LABEL.service] ?? '',
    number: Number(labels[LABEL.number] ?? '0'),
    oneoff: labels[LABEL.oneoff] === 'True',
    configHash: labels[LABEL.configHash] ?? '',
    ...(labels[LABEL.image] !== undefined ? { imageId: labels[LABEL.image] } : {}),
    state: c.State,
    summary: c,
  };
}

/** The project's containers, by service then number. */
export async function listProjectContainers(client: EngineClient, project: string, q: ContainerQuery = {}): Promise<ProjectContainer[]> {
  const rows = await client.containers.list({ all: q.all === true, filters: projectFilter(project) });
  return rows
    .map(toProjectContainer)
    .filter((c) => (q.oneoff === true || !c.oneoff) && (q.services === undefined || q.services.length === 0 || q.services.includes(c.service)))
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.number - b.number));
}

/** Names of every project that has containers on the engine, with their containers. */
export async function listProjects(client: EngineClient, all: boolean): Promise<Map<string, ProjectContainer[]>> {
  const rows = await client.containers.list({ all, filters: { label: [LABEL.project] } });
  const out = new Map<string, ProjectContainer[]>();
  for (const c of rows) {
    const project = c.Labels?.[LABEL.project];
    if (project === undefined) continue;
    const list = out.get(project) ?? [];
    list.push(toProjectContainer(c));
    out.set(project, list);
  }
  return out;
}
