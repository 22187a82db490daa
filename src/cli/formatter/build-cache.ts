/**
 * BuildCacheContext: one build cache record as `system df -v` shows it
 * (docker/cli formatter/buildcache.go), and the order docker lists them in.
 * Times arrive as RFC 3339 text and print as Go's time.Time.String() would
 * print the parsed value.
 */
import { humanSizeWithPrecision } from '../../units/bytes.js';
import { humanDuration } from '../../units/duration.js';
import { goJsonStringify } from '../../units/go-json.js';
import type { BuildCacheRecord } from '../client/system.js';
import { truncateId } from './text.js';

export const BUILD_CACHE_HEADERS: Readonly<Record<string, string>> = {
  ID: 'CACHE ID',
  Parent: 'PARENT',
  CacheType: 'CACHE TYPE',
  Size: 'SIZE',
  CreatedSince: 'CREATED',
  LastUsedSince: 'LAST USED',
  UsageCount: 'USAGE',
  InUse: 'IN USE',
  Shared: 'SHARED',
  Description: 'DESCRIPTION',
};

/**
 * docker's NewBuildCacheFormat for what `system df -v` asks of it: the raw
 * layout, or the user's own format. (No command lists build cache as a table.)
 */
export function buildCacheFormat(source: string): string {
  if (source === 'raw') {
    return (
      'build_cache_id: {{.ID}}\nparent_id: {{.Parent}}\nbuild_cache_type: {{.CacheType}}\ndescription: {{.Description}}\n' +
      'created_at: {{.CreatedAt}}\ncreated_since: {{.CreatedSince}}\nlast_used_at: {{.LastUsedAt}}\nlast_used_since: {{.LastUsedSince}}\n' +
      'usage_count: {{.UsageCount}}\nin_use: {{.InUse}}\nshared: {{.Shared}}\n'
    );
  }
  return source;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/** A parsed RFC 3339 time: milliseconds since the epoch plus the nanoseconds within the second. */
interface GoTime {
  ms: number;
  nanos: number;
  text: string;
}

function parseTime(s: string | null | undefined): GoTime | undefined {
  if (s === null || s === undefined || s === '') return undefined;
  const m = RFC3339.exec(s);
  const ms = Date.parse(s);
  if (m === null || Number.isNaN(ms)) return { ms: Number.isNaN(ms) ? 0 : ms, nanos: 0, text: s };
  const digits = (m[3] ?? '').slice(0, 9);
  const nanos = digits === '' ? 0 : Number(digits.padEnd(9, '0'));
  const frac = digits.replace(/0+$/, '');
  // Go's time.Parse keeps "Z" as UTC and any other offset as a zone without a name, which prints as the offset.
  const offset = m[4]!.toUpperCase() === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`;
  return { ms, nanos, text: `${m[1]} ${m[2]}${frac === '' ? '' : `.${frac}`} ${offset}` };
}

/** docker's buildCacheSort: never-used records first, then by last use, ties by ID. */
export function sortBuildCache(records: readonly BuildCacheRecord[]): BuildCacheRecord[] {
  const byId = (a: BuildCacheRecord, b: BuildCacheRecord): number => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0);
  return [...records].sort((a, b) => {
    const ta = parseTime(a.LastUsedAt);
    const tb = parseTime(b.LastUsedAt);
    if (ta === undefined && tb === undefined) return byId(a, b);
    if (ta === undefined) return -1;
    if (tb === undefined) return 1;
    if (ta.ms !== tb.ms) return ta.ms - tb.ms;
    if (ta.nanos % 1_000_000 !== tb.nanos % 1_000_000) return (ta.nanos % 1_000_000) - (tb.nanos % 1_000_000);
    return byId(a, b);
  });
}

export class BuildCacheContext {
  readonly #v: BuildCacheRecord;
  readonly #trunc: boolean;
  readonly #now: number;

  constructor(v: BuildCacheRecord, trunc: boolean, now: number = Date.now()) {
    this.#v = v;
    this.#trunc = trunc;
    this.#now = now;
  }

  /** The ID, with "*" when a build is using the record. */
  get ID(): string {
    const id = this.#trunc ? truncateId(this.#v.ID) : this.#v.ID;
    return this.#v.InUse ? `${id}*` : id;
  }

  get Parent(): string {
    const parents = this.#v.Parents ?? [];
    const parent = parents.length > 0 ? parents.join(', ') : (this.#v.Parent ?? '');
    return this.#trunc ? truncateId(parent) : parent;
  }

  get CacheType(): string {
    return this.#v.Type;
  }

  get Description(): string {
    return this.#v.Description;
  }

  get Size(): string {
    return humanSizeWithPrecision(this.#v.Size, 3);
  }

  get CreatedAt(): string {
    return parseTime(this.#v.CreatedAt)?.text ?? '0001-01-01 00:00:00 +0000 UTC';
  }

  get CreatedSince(): string {
    const t = parseTime(this.#v.CreatedAt);
    return `${humanDuration(this.#now - (t?.ms ?? Date.parse('0001-01-01T00:00:00Z')))} ago`;
  }

  get LastUsedAt(): string {
    return parseTime(this.#v.LastUsedAt)?.text ?? '';
  }

  get LastUsedSince(): string {
    const t = parseTime(this.#v.LastUsedAt);
    return t === undefined ? '' : `${humanDuration(this.#now - t.ms)} ago`;
  }

  get UsageCount(): string {
    return String(this.#v.UsageCount);
  }

  get InUse(): string {
    return String(this.#v.InUse);
  }

  get Shared(): string {
    return String(this.#v.Shared);
  }

  /** docker's MarshalJSON of the context: every field, keys sorted. */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of ['CacheType', 'CreatedAt', 'CreatedSince', 'Description', 'ID', 'InUse', 'LastUsedAt', 'LastUsedSince', 'Parent', 'Shared', 'Size', 'UsageCount'] as const) {
      out[key] = this[key];
    }
    return out;
  }

  /** json.Marshal escapes <, > and & even inside `{{json .}}`. */
  marshalGoJSON(): string {
    return goJsonStringify(this.toJSON());
  }
}
