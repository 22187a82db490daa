/** Image records → Engine API JSON: ImageSummary, ImageInspect, HistoryResponseItem. */
import type { ResolvedImage } from '../../images/image-service.js';
import type { ImageRecord } from '../../images/image-store.js';
import type { HistoryEntry } from '../../images/oci-types.js';
import { familiarString, normalizeReference } from '../../reference/reference.js';

function familiar(ref: string): string {
  return familiarString(normalizeReference(ref));
}

export function repoTags(refs: string[]): string[] {
  return refs.filter((r) => !r.includes('@')).map(familiar);
}

function createdSeconds(created?: string): number {
  const t = created ? Date.parse(created) : NaN;
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

export function summaryJson(img: ResolvedImage, refs: string[], containers: number): Record<string, unknown> {
  const { record, config } = img;
  return {
    Id: record.id,
    ParentId: record.parent ?? '',
    RepoTags: repoTags(refs),
    RepoDigests: (record.repoDigests ?? []).map(familiar),
    Created: createdSeconds(config.created),
    Size: record.size,
    SharedSize: -1,
    VirtualSize: record.size,
    Labels: config.config?.Labels ?? {},
    Containers: containers,
  };
}

export function inspectJson(img: ResolvedImage, refs: string[]): Record<string, unknown> {
  const { record, config } = img;
  return {
    Id: record.id,
    RepoTags: repoTags(refs),
    RepoDigests: (record.repoDigests ?? []).map(familiar),
    Parent: record.parent ?? '',
    Comment: config.comment ?? config.history?.at(-1)?.comment ?? '',
    Created: config.created ?? '',
    DockerVersion: config.docker_version ?? '',
    Author: config.author ?? '',
    Config: {
      Hostname: '',
      Domainname: '',
      User: '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: null,
      Cmd: null,
      Image: '',
      Volumes: null,
      WorkingDir: '',
      Entrypoint: null,
      OnBuild: null,
      Labels: null,
      ...config.config,
    },
    Architecture: config.architecture,
    Os: config.os,
    ...(config.variant ? { Variant: config.variant } : {}),
    Size: record.size,
    VirtualSize: record.size,
    GraphDriver: { Name: 'overlay2', Data: null },
    RootFS: { Type: 'layers', Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: record.added },
  };
}

/** Newest first, as `docker history` lists it; sizes from the layer snapshots. */
export function historyJson(img: ResolvedImage, refs: string[], layerSizes: number[]): Record<string, unknown>[] {
  const history: HistoryEntry[] = img.config.history ?? img.config.rootfs.diff_ids.map(() => ({}));
  let layer = 0;
  const items = history.map((h) => {
    const size = h.empty_layer ? 0 : (layerSizes[layer++] ?? 0);
    return { Id: '<missing>', Created: createdSeconds(h.created), CreatedBy: h.created_by ?? '', Tags: null as string[] | null, Size: size, Comment: h.comment ?? '' };
  });
  items.reverse();
  if (items[0]) {
    items[0].Id = img.record.id;
    items[0].Tags = repoTags(refs);
  }
  return items;
}

export function isDangling(record: ImageRecord, refs: string[]): boolean {
  return refs.length === 0 && record.id !== '';
}
