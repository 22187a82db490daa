/**
 * Which images `docker images` lists, as moby's daemon/images/image_list.go
 * decides: filters (dangling, label, before, since, until, reference), the
 * hiding of intermediate images (untagged parents of other images) unless
 * all is set, and newest first.
 */
import type { Digest } from '../content/digest.js';
import { familiarName, familiarString, parseReference } from '../reference/reference.js';
import { parseTimestamp } from '../units/timestamp.js';
import { boolFilter, matchKVList, pathMatch, validateFilters, type FilterArgs } from './filter-args.js';
import type { ImageService, ResolvedImage } from './image-service.js';

const ACCEPTED = ['dangling', 'label', 'before', 'since', 'reference', 'until'];

export interface ListedImage {
  image: ResolvedImage;
  /** Familiar "name:tag" strings that passed the reference filter. */
  repoTags: string[];
  /** Familiar "name@sha256:…" strings that passed the reference filter. */
  repoDigests: string[];
  /** Creation time in ms since the epoch; undefined when the config has none. */
  created: number | undefined;
}

export async function listImages(svc: ImageService, opts: { all: boolean; filters: FilterArgs; now?: Date }): Promise<ListedImage[]> {
  const { filters } = opts;
  validateFilters(filters, ACCEPTED);
  const danglingOnly = boolFilter(filters, 'dangling', false);
  const store = svc.store;

  // before/until: strictly older than the oldest named; since: strictly newer than the newest.
  let before: number | undefined;
  let since: number | undefined;
  for (const v of filters.get('before') ?? []) {
    const t = createdOf(await svc.inspect(v));
    if (t !== undefined && (before === undefined || t < before)) before = t;
  }
  for (const v of filters.get('until') ?? []) {
    const t = parseTimestamp(v, opts.now ?? new Date()) * 1000;
    if (before === undefined || t < before) before = t;
  }
  for (const v of filters.get('since') ?? []) {
    const t = createdOf(await svc.inspect(v));
    if (t !== undefined && (since === undefined || t > since)) since = t;
  }
  const patterns = filters.get('reference');

  const out: ListedImage[] = [];
  for (const record of store.list()) {
    const hasChildren = store.children(record.id).length > 0;
    if (danglingOnly && hasChildren) continue; // only "heads" can be dangling
    let image: ResolvedImage;
    try {
      image = await svc.load(record);
    } catch {
      continue; // removed meanwhile
    }
    const created = createdOf(image);
    if (before !== undefined && (created === undefined || !(created < before))) continue;
    if (since !== undefined && (created === undefined || !(created > since))) continue;
    if (filters.has('label') && !matchKVList(filters, 'label', image.config.config?.Labels)) continue;

    const repoTags: string[] = [];
    const repoDigests: string[] = [];
    for (const ref of allReferences(svc, record.id, record.repoDigests)) {
      const parsed = parseReference(ref);
      if (patterns !== undefined && !patterns.some((p) => familiarMatch(p, parsed))) continue;
      (parsed.digest !== undefined ? repoDigests : repoTags).push(familiarString(parsed));
    }
    if (repoTags.length === 0 && repoDigests.length === 0) {
      if (!opts.all && hasChildren) continue; // an intermediate image
      if (filters.has('dangling') && !danglingOnly) continue;
      if (patterns !== undefined) continue;
    } else if (danglingOnly && repoTags.length > 0) {
      continue;
    }
    out.push({ image, repoTags, repoDigests, created });
  }
  out.sort((a, b) => Math.floor((b.created ?? 0) / 1000) - Math.floor((a.created ?? 0) / 1000));
  return out;
}

/** Tags from the store, then digests (the store's and the record's), each once, in order. */
function allReferences(svc: ImageService, id: Digest, recorded: readonly string[] | undefined): string[] {
  const refs = svc.store.referencesOf(id);
  return [...new Set([...refs.filter((r) => !r.includes('@')), ...refs.filter((r) => r.includes('@')), ...(recorded ?? [])])];
}

/** reference.FamiliarMatch: the pattern against "name:tag", then against the bare name. */
export function familiarMatch(pattern: string, ref: ReturnType<typeof parseReference>): boolean {
  return pathMatch(pattern, familiarString(ref)) || pathMatch(pattern, familiarName(ref));
}

function createdOf(image: ResolvedImage): number | undefined {
  const t = image.config.created ? Date.parse(image.config.created) : NaN;
  return Number.isFinite(t) ? t : undefined;
}
