/**
 * ImageContext: one `images` row as the --format template sees it
 * (docker/cli formatter/image.go). One image becomes several rows, one per
 * repository:tag (and per digest with --digests); an image with no names is
 * one <none>:<none> row.
 */
import { familiarName, parseNormalizedNamed } from '../../reference/reference.js';
import { humanSize, humanSizeWithPrecision } from '../../units/bytes.js';
import { humanDuration } from '../../units/duration.js';
import { goJsonStringify } from '../../units/go-json.js';
import type { ImageSummary } from '../client/types.js';
import { goTimeString, truncateId } from './text.js';

export const DEFAULT_IMAGE_TABLE_FORMAT =
  'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
export const DEFAULT_IMAGE_TABLE_FORMAT_WITH_DIGEST =
  'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';

export const IMAGE_HEADERS: Readonly<Record<string, string>> = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
  VirtualSize: 'SIZE',
};

/** docker's NewImageFormat. */
export function imageFormat(source: string, quiet: boolean, digest: boolean): string {
  if (source === '' || source === 'table') {
    if (quiet) return '{{.ID}}';
    return digest ? DEFAULT_IMAGE_TABLE_FORMAT_WITH_DIGEST : DEFAULT_IMAGE_TABLE_FORMAT;
  }
  if (source === 'raw') {
    if (quiet) return 'image_id: {{.ID}}';
    const digestLine = digest ? 'digest: {{.Digest}}\n' : '';
    return `repository: {{ .Repository }}\ntag: {{.Tag}}\n${digestLine}image_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n`;
  }
  // A custom format wins over -q, as in docker.
  if (source.startsWith('table') && digest && !source.includes('{{.Digest}}')) return `${source}\t{{.Digest}}`;
  return source;
}

export class ImageContext {
  readonly #i: ImageSummary;
  readonly #trunc: boolean;
  readonly #now: number;
  readonly #repo: string;
  readonly #tag: string;
  readonly #digest: string;

  constructor(i: ImageSummary, row: { repo: string; tag: string; digest: string }, trunc: boolean, now: number = Date.now()) {
    this.#i = i;
    this.#repo = row.repo;
    this.#tag = row.tag;
    this.#digest = row.digest;
    this.#trunc = trunc;
    this.#now = now;
  }

  get ID(): string {
    return this.#trunc ? truncateId(this.#i.Id) : this.#i.Id;
  }

  get Repository(): string {
    return this.#repo;
  }

  get Tag(): string {
    return this.#tag;
  }

  get Digest(): string {
    return this.#digest;
  }

  get CreatedSince(): string {
    return `${humanDuration(this.#now - this.#i.Created * 1000)} ago`;
  }

  get CreatedAt(): string {
    return goTimeString(this.#i.Created);
  }

  get Size(): string {
    return humanSizeWithPrecision(this.#i.Size, 3);
  }

  get Containers(): string {
    return this.#i.Containers === -1 ? 'N/A' : String(this.#i.Containers);
  }

  get SharedSize(): string {
    return this.#i.SharedSize === -1 ? 'N/A' : humanSize(this.#i.SharedSize);
  }

  /** Deprecated in docker/cli, equal to Size, but still in `{{json .}}`. */
  get VirtualSize(): string {
    return humanSize(this.#i.Size);
  }

  get UniqueSize(): string {
    return this.#i.Size === -1 || this.#i.SharedSize === -1 ? 'N/A' : humanSize(this.#i.Size - this.#i.SharedSize);
  }

  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize'] as const) {
      out[key] = this[key];
    }
    return out;
  }

  /** docker/cli marshals the context with json.Marshal: "<none>" becomes "\u003cnone\u003e" even in `{{json .}}`. */
  marshalGoJSON(): string {
    return goJsonStringify(this.toJSON());
  }
}

function isDangling(i: ImageSummary): boolean {
  const tags = i.RepoTags ?? [];
  const digests = i.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>';
}

/** Groups "name:tag" / "name@digest" strings by familiar repository name. */
function byRepository(refs: readonly string[], part: 'tag' | 'digest'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of refs) {
    let ref;
    try {
      ref = parseNormalizedNamed(s);
    } catch {
      continue;
    }
    const value = part === 'tag' ? ref.tag : ref.digest;
    if (value === undefined) continue;
    const repo = familiarName(ref);
    out.set(repo, [...(out.get(repo) ?? []), value]);
  }
  return out;
}

export interface ImageRowOptions {
  trunc: boolean;
  /** --digests was given. */
  digest: boolean;
  /** The format mentions {{.Digest}}, so digests are needed even without --digests. */
  formatNeedsDigest?: boolean;
  now?: number;
}

/** Expands image summaries into rows (docker's imageFormat / imageFormatTaggedAndDigest). */
export function imageRows(images: readonly ImageSummary[], o: ImageRowOptions): ImageContext[] {
  const rows: ImageContext[] = [];
  const needDigest = o.digest || o.formatNeedsDigest === true;
  for (const img of images) {
    const add = (repo: string, tag: string, digest: string): void => {
      rows.push(new ImageContext(img, { repo, tag, digest }, o.trunc, o.now));
    };
    if (isDangling(img)) {
      add('<none>', '<none>', '<none>');
      continue;
    }
    const repoTags = byRepository(img.RepoTags ?? [], 'tag');
    const repoDigests = byRepository(img.RepoDigests ?? [], 'digest');
    for (const [repo, tags] of repoTags) {
      const digests = needDigest ? (repoDigests.get(repo) ?? []) : [];
      repoDigests.delete(repo);
      for (const tag of tags) {
        if (digests.length === 0) add(repo, tag, '<none>');
        else for (const d of digests) add(repo, tag, d);
      }
    }
    for (const [repo, digests] of repoDigests) {
      if (o.digest) for (const d of digests) add(repo, '<none>', d);
      else add(repo, '<none>', '');
    }
  }
  return rows;
}
