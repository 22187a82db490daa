/**
 * Image records → Engine API JSON: ImageSummary, ImageInspect,
 * HistoryResponseItem, shaped per API version as moby's image routes do.
 * Key order matters: the docker CLI prints inspect JSON as it arrives.
 */
import type { ResolvedImage } from '../../images/image-service.js';
import type { ListedImage } from '../../images/image-list.js';
import type { ContainerConfigFields, HistoryEntry } from '../../images/oci-types.js';
import { familiarString, normalizeReference } from '../../reference/reference.js';
import { compareVersions } from '../router.js';

function familiar(ref: string): string {
  return familiarString(normalizeReference(ref));
}

/** Familiar "name:tag" strings of the tag references (digest references left out). */
export function repoTags(refs: string[]): string[] {
  return refs.filter((r) => !r.includes('@')).map(familiar);
}

function createdSeconds(created?: string): number {
  const t = created ? Date.parse(created) : NaN;
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

const before = (apiVersion: string, v: string): boolean => compareVersions(apiVersion, v) < 0;

export function summaryJson(listed: ListedImage, apiVersion: string): Record<string, unknown> {
  const { record, config } = listed.image;
  let tags = listed.repoTags;
  let digests = listed.repoDigests;
  if (before(apiVersion, '1.43') && tags.length === 0 && digests.length === 0) {
    tags = ['<none>:<none>'];
    digests = ['<none>@<none>'];
  }
  return {
    Containers: -1, // moby counts them only for `system df`
    Created: createdSeconds(config.created),
    Id: record.id,
    Labels: config.config?.Labels ?? null,
    ParentId: record.parent ?? '',
    RepoDigests: digests,
    RepoTags: tags,
    SharedSize: -1,
    Size: record.size,
    ...(before(apiVersion, '1.44') ? { VirtualSize: record.size } : {}),
  };
}

/**
 * The image's config as moby (API < 1.50) sends it: a container.Config, in
 * that struct's field order, omitempty fields left out when empty.
 */
function legacyConfig(c: ContainerConfigFields & Record<string, unknown>): Record<string, unknown> {
  const ports = c.ExposedPorts && Object.keys(c.ExposedPorts).length > 0 ? c.ExposedPorts : undefined;
  const nonEmpty = (v: unknown[] | undefined) => (v && v.length > 0 ? v : undefined);
  const out: Record<string, unknown> = {
    Hostname: '',
    Domainname: '',
    User: c.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ExposedPorts: ports,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
    Healthcheck: c.Healthcheck ?? undefined,
    ArgsEscaped: c.ArgsEscaped ? true : undefined,
    Image: '',
    Volumes: c.Volumes ?? null,
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? null,
    StopSignal: c.StopSignal || undefined,
    Shell: nonEmpty(c.Shell),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * The image's `container` and `container_config` (set by the classic builder, absent from OCI
 * images) as moby sends them before API 1.45: Container when not empty, ContainerConfig always (a
 * zero container.Config when the image has none).
 */
function legacyContainerFields(config: ResolvedImage['config']): Record<string, unknown> {
  const legacy = config as ResolvedImage['config'] & { container_config?: ContainerConfigFields & Record<string, unknown> };
  return {
    ...(config.container ? { Container: config.container } : {}),
    ContainerConfig: legacyConfig(legacy.container_config ?? {}),
  };
}

/**
 * overlay2's GraphDriver.Data: the image's top layer as UpperDir and the ones
 * under it as LowerDir (top first), null for an image with no layer.
 */
export type GraphDriverData = Record<string, string> | null;

export function inspectJson(img: ResolvedImage, refs: string[], apiVersion: string, graphDriverData: GraphDriverData = null): Record<string, unknown> {
  const { record, config } = img;
  // moby embeds InspectResponse and shadows its Config, so "Config" comes last.
  return {
    Id: record.id,
    RepoTags: repoTags(refs),
    RepoDigests: [...new Set([...refs.filter((r) => r.includes('@')), ...(record.repoDigests ?? [])])].map(familiar),
    Parent: record.parent ?? '',
    Comment: config.comment ?? config.history?.at(-1)?.comment ?? '',
    Created: config.created ?? (before(apiVersion, '1.44') ? '0001-01-01T00:00:00Z' : undefined),
    // Deprecated, and dropped from API 1.45 on (moby clears them there): older clients still read
    // them; docker-compose 1.29 looks up ContainerConfig.Volumes whenever it recreates a container.
    ...(before(apiVersion, '1.45') ? legacyContainerFields(config) : {}),
    DockerVersion: config.docker_version ?? '',
    Author: config.author ?? '',
    Architecture: config.architecture,
    ...(config.variant ? { Variant: config.variant } : {}),
    Os: config.os,
    Size: record.size,
    ...(before(apiVersion, '1.44') ? { VirtualSize: record.size } : {}),
    GraphDriver: { Data: graphDriverData, Name: 'overlay2' },
    RootFS: { Type: 'layers', Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: record.added },
    Config: legacyConfig((config.config ?? {}) as ContainerConfigFields & Record<string, unknown>),
  };
}

/** One image of a history walk: the image, then its parent, grandparent… */
export interface HistoryLineage {
  id: string;
  /** Full tag references of that image. */
  refs: string[];
}

/**
 * Newest first, as `docker history` lists it. Rows get the IDs of the image
 * and its local parents in turn (moby walks Parent); the rest are
 * "<missing>". layerSizes are each layer's own size.
 */
export function historyJson(img: ResolvedImage, lineage: HistoryLineage[], layerSizes: number[]): Record<string, unknown>[] {
  const history: HistoryEntry[] = img.config.history ?? [];
  let layer = 0;
  const items = history.map((h) => {
    const size = h.empty_layer ? 0 : (layerSizes[layer++] ?? 0);
    return { Id: '<missing>', Created: createdSeconds(h.created), CreatedBy: h.created_by ?? '', Tags: null as string[] | null, Size: size, Comment: h.comment ?? '' };
  });
  items.reverse();
  lineage.forEach((l, i) => {
    const item = items[i];
    if (item === undefined) return;
    item.Id = l.id;
    const tags = repoTags(l.refs);
    item.Tags = tags.length > 0 ? tags : null;
  });
  return items;
}
