/**
 * `system df` output (docker/cli formatter/disk_usage.go): one summary row
 * per kind — Images, Containers, Local Volumes, Build Cache — or, with -v,
 * a table per kind ("Images space usage:", …) of the items themselves.
 *
 * The summary rows follow docker's arithmetic exactly: an image's unique
 * size is in use while a container uses the image; a container's writable
 * layer is reclaimable unless it is running, paused or restarting; a
 * volume's data is reclaimable when no container references it; the build
 * cache is reclaimable except what a build is using. A percentage is shown
 * when the kind's total size is above zero (never for build cache).
 */
import { InvalidArgumentError } from '../../errors.js';
import { familiarName, parseNormalizedNamed } from '../../reference/reference.js';
import { humanSize } from '../../units/bytes.js';
import { goJsonStringify } from '../../units/go-json.js';
import type { BuildCacheRecord, DiskUsage } from '../client/system.js';
import type { ContainerSummary, ImageSummary } from '../client/types.js';
import type { Volume } from '../client/volumes.js';
import { BUILD_CACHE_HEADERS, BuildCacheContext, buildCacheFormat, sortBuildCache } from './build-cache.js';
import { CONTAINER_HEADERS, ContainerContext } from './container.js';
import { compileTemplate, type CompiledTemplate } from './go-template.js';
import { IMAGE_HEADERS, ImageContext, imageFormat } from './image.js';
import { isTableFormat, renderTable, templateString } from './table.js';
import { VolumeContext, VOLUME_HEADERS, volumeFormat } from './volume.js';

export const DEFAULT_DISK_USAGE_TABLE_FORMAT = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const IMAGES_VERBOSE_FORMAT = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const CONTAINERS_VERBOSE_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const VOLUMES_VERBOSE_FORMAT = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
const BUILD_CACHE_VERBOSE_FORMAT = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';

export const DISK_USAGE_HEADERS: Readonly<Record<string, string>> = {
  Type: 'TYPE',
  TotalCount: 'TOTAL',
  Active: 'ACTIVE',
  Size: 'SIZE',
  Reclaimable: 'RECLAIMABLE',
};

/** NewContainerFormat("raw", false, true). */
const CONTAINER_RAW_FORMAT =
  'container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\ncreated_at: {{.CreatedAt}}\nstate: {{- pad .State 1 0}}\n' +
  'status: {{- pad .Status 1 0}}\nnames: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\nports: {{- pad .Ports 1 0}}\nsize: {{.Size}}\n';

/** docker's NewDiskUsageFormat: the format a --format value (default "table") stands for. */
export function diskUsageFormat(source: string, verbose: boolean): string {
  if (verbose && source === 'raw') {
    return (
      `{{range .Images}}type: Image\n${imageFormat('raw', false, true)}\n{{end -}}\n` +
      `{{range .Containers}}type: Container\n${CONTAINER_RAW_FORMAT}\n{{end -}}\n` +
      `{{range .Volumes}}type: Volume\n${volumeFormat('raw', false)}\n{{end -}}\n` +
      `{{range .BuildCache}}type: Build Cache\n${buildCacheFormat('raw')}\n{{end -}}`
    );
  }
  if (!verbose && source === 'table') return DEFAULT_DISK_USAGE_TABLE_FORMAT;
  if (!verbose && source === 'raw') return 'type: {{.Type}}\ntotal: {{.TotalCount}}\nactive: {{.Active}}\nsize: {{.Size}}\nreclaimable: {{.Reclaimable}}\n';
  return source;
}

/** One summary row: what a template's {{.Type}}, {{.TotalCount}}, … read. */
export class DiskUsageSummary {
  constructor(
    readonly Type: string,
    readonly TotalCount: string,
    readonly Active: string,
    readonly Size: string,
    readonly Reclaimable: string,
  ) {}

  /** docker's MarshalJSON of the context: keys sorted. */
  toJSON(): Record<string, string> {
    return { Active: this.Active, Reclaimable: this.Reclaimable, Size: this.Size, TotalCount: this.TotalCount, Type: this.Type };
  }

  marshalGoJSON(): string {
    return goJsonStringify(this.toJSON());
  }
}

/** "1.2MB (50%)" when there is a total, else just the size; Go's integer division truncates. */
function withPercent(reclaimable: number, total: number): string {
  if (total > 0) return `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)`;
  return humanSize(reclaimable);
}

const ACTIVE_STATES = new Set(['running', 'paused', 'restarting']);
const isActive = (c: ContainerSummary): boolean => ACTIVE_STATES.has(c.State);

/** The build cache's size as `system df` counts it: shared records are not counted. */
export function builderSize(records: readonly BuildCacheRecord[]): number {
  return records.reduce((n, r) => (r.Shared ? n : n + r.Size), 0);
}

function imagesSummary(layersSize: number, images: readonly ImageSummary[]): DiskUsageSummary {
  let used = 0;
  for (const i of images) {
    if (i.Containers !== 0 && i.Size !== -1 && i.SharedSize !== -1) used += i.Size - i.SharedSize;
  }
  const active = images.filter((i) => i.Containers > 0).length;
  return new DiskUsageSummary('Images', String(images.length), String(active), humanSize(layersSize), withPercent(layersSize - used, layersSize));
}

function containersSummary(containers: readonly ContainerSummary[]): DiskUsageSummary {
  let total = 0;
  let reclaimable = 0;
  for (const c of containers) {
    const rw = c.SizeRw ?? 0;
    total += rw;
    if (!isActive(c)) reclaimable += rw;
  }
  const active = containers.filter(isActive).length;
  return new DiskUsageSummary('Containers', String(containers.length), String(active), humanSize(total), withPercent(reclaimable, total));
}

function volumesSummary(volumes: readonly Volume[]): DiskUsageSummary {
  let total = 0;
  let reclaimable = 0;
  let active = 0;
  for (const v of volumes) {
    const usage = v.UsageData;
    if (usage === undefined || usage === null) continue; // docker would crash; a volume without usage counts for nothing
    if (usage.RefCount > 0) active++;
    if (usage.Size === -1) continue;
    total += usage.Size;
    if (usage.RefCount === 0) reclaimable += usage.Size;
  }
  return new DiskUsageSummary('Local Volumes', String(volumes.length), String(active), humanSize(total), withPercent(reclaimable, total));
}

function buildCacheSummary(records: readonly BuildCacheRecord[]): DiskUsageSummary {
  const size = builderSize(records);
  const inUse = records.reduce((n, r) => (r.InUse && !r.Shared ? n + r.Size : n), 0);
  const active = records.filter((r) => r.InUse).length;
  return new DiskUsageSummary('Build Cache', String(records.length), String(active), humanSize(size), humanSize(size - inUse));
}

/** The four summary rows, in docker's order. */
export function diskUsageSummaries(du: DiskUsage): DiskUsageSummary[] {
  return [imagesSummary(du.LayersSize, du.Images), containersSummary(du.Containers), volumesSummary(du.Volumes), buildCacheSummary(du.BuildCache)];
}

/** A container row of `df -v` keeps docker's HTML-escaping MarshalJSON. */
class DiskUsageContainerContext extends ContainerContext {
  marshalGoJSON(): string {
    return goJsonStringify(this.toJSON());
  }
}

/** What a verbose template sees: docker's diskUsageContext struct. */
export interface VerboseDiskUsage {
  Images: ImageContext[];
  Containers: ContainerContext[];
  Volumes: VolumeContext[];
  BuildCache: BuildCacheContext[];
}

function isDangling(i: ImageSummary): boolean {
  const tags = i.RepoTags ?? [];
  const digests = i.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>';
}

/** docker's verboseWrite contexts: one row an image (its first tag only), container, volume, cache record. */
export function verboseDiskUsage(du: DiskUsage, trunc: boolean, now: number = Date.now()): VerboseDiskUsage {
  const images: ImageContext[] = [];
  for (const i of du.Images) {
    let repo = '<none>';
    let tag = '<none>';
    const first = i.RepoTags?.[0];
    if (first !== undefined && !isDangling(i)) {
      let ref;
      try {
        ref = parseNormalizedNamed(first);
      } catch {
        continue; // docker leaves out an image whose first tag does not parse
      }
      if (ref.tag !== undefined) {
        repo = familiarName(ref);
        tag = ref.tag;
      }
    }
    images.push(new ImageContext(i, { repo, tag, digest: '' }, trunc, now));
  }
  return {
    Images: images,
    // The virtual size is not shown: only the container's own layer.
    Containers: du.Containers.map((c) => new DiskUsageContainerContext({ ...c, SizeRootFs: 0 }, trunc, now)),
    Volumes: du.Volumes.map((v) => new VolumeContext(v)),
    BuildCache: sortBuildCache(du.BuildCache).map((r) => new BuildCacheContext(r, trunc, now)),
  };
}

function verboseTable(du: DiskUsage, now: number): string {
  const v = verboseDiskUsage(du, true, now);
  return (
    `Images space usage:\n\n${renderTable(IMAGES_VERBOSE_FORMAT, v.Images, IMAGE_HEADERS)}` +
    `\nContainers space usage:\n\n${renderTable(CONTAINERS_VERBOSE_FORMAT, v.Containers, CONTAINER_HEADERS)}` +
    `\nLocal Volumes space usage:\n\n${renderTable(VOLUMES_VERBOSE_FORMAT, v.Volumes, VOLUME_HEADERS)}` +
    `\nBuild cache usage: ${humanSize(builderSize(du.BuildCache))}\n\n${renderTable(BUILD_CACHE_VERBOSE_FORMAT, v.BuildCache, BUILD_CACHE_HEADERS)}`
  );
}

export interface DiskUsageRenderOptions {
  /** The --format value; '' is the default table. */
  format: string;
  verbose: boolean;
  /** "now" in ms since the epoch, for the "… ago" columns (injectable for tests). */
  now?: number;
}

/**
 * The text `system df` prints. A template that fails to parse throws
 * InvalidArgumentError("template parsing error: …") and nothing is printed;
 * a verbose template that fails while running gives what it wrote before
 * the failure in `partial` of the thrown DiskUsageTemplateError, as docker
 * writes it straight to stdout.
 */
export function renderDiskUsage(du: DiskUsage, o: DiskUsageRenderOptions): string {
  const format = diskUsageFormat(o.format === '' ? 'table' : o.format, o.verbose);
  const now = o.now ?? Date.now();
  if (!o.verbose) return renderTable(format, diskUsageSummaries(du), DISK_USAGE_HEADERS);
  if (format === 'table') return verboseTable(du, now);
  let tmpl: CompiledTemplate;
  try {
    tmpl = compileTemplate(templateString(format));
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`template parsing error: ${err.message}`, { cause: err });
    throw err;
  }
  const result = tmpl.execute(verboseDiskUsage(du, isTableFormat(format), now));
  if (result.error !== undefined) throw new DiskUsageTemplateError(result.output, result.error);
  return result.output;
}

/** A verbose --format template failed while running; docker has already printed `partial`. */
export class DiskUsageTemplateError extends InvalidArgumentError {
  readonly partial: string;

  constructor(partial: string, cause: InvalidArgumentError) {
    super(cause.message, { cause });
    this.partial = partial;
  }
}
