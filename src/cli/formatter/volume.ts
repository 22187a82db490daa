/**
 * VolumeContext: one `volume ls` row as the --format template sees it
 * (docker/cli formatter/volume.go). Rows are sorted by name in natural order
 * by the command, as docker does.
 */
import { humanSize } from '../../units/bytes.js';
import { goJsonStringify } from '../../units/go-json.js';
import type { Volume } from '../client/volumes.js';

export const DEFAULT_VOLUME_TABLE_FORMAT = 'table {{.Driver}}\t{{.Name}}';
export const DEFAULT_VOLUME_QUIET_FORMAT = '{{.Name}}';

export const VOLUME_HEADERS: Readonly<Record<string, string>> = {
  ID: 'ID',
  Name: 'VOLUME NAME',
  Group: 'GROUP',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Availability: 'AVAILABILITY',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  Status: 'STATUS',
};

/** docker's NewVolumeFormat. */
export function volumeFormat(source: string, quiet: boolean): string {
  if (source === '' || source === 'table') return quiet ? DEFAULT_VOLUME_QUIET_FORMAT : DEFAULT_VOLUME_TABLE_FORMAT;
  if (source === 'raw') return quiet ? 'name: {{.Name}}' : 'name: {{.Name}}\ndriver: {{.Driver}}\n';
  return source;
}

export class VolumeContext {
  readonly #v: Volume;

  constructor(v: Volume) {
    this.#v = v;
  }

  get Name(): string {
    return this.#v.Name;
  }

  get Driver(): string {
    return this.#v.Driver;
  }

  get Scope(): string {
    return this.#v.Scope;
  }

  get Mountpoint(): string {
    return this.#v.Mountpoint;
  }

  /** "k=v,k2=v2" (sorted here; docker's order is a Go map's). */
  get Labels(): string {
    return Object.entries(this.#v.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(',');
  }

  Label(name: string): string {
    return this.#v.Labels?.[name] ?? '';
  }

  get Links(): string {
    return this.#v.UsageData ? String(this.#v.UsageData.RefCount) : 'N/A';
  }

  get Size(): string {
    return this.#v.UsageData ? humanSize(this.#v.UsageData.Size) : 'N/A';
  }

  /** Cluster (swarm) volume fields: Berth has none. */
  get Group(): string {
    return 'N/A';
  }

  get Availability(): string {
    return 'N/A';
  }

  get Status(): string {
    return 'N/A';
  }

  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of ['Availability', 'Driver', 'Group', 'Labels', 'Links', 'Mountpoint', 'Name', 'Scope', 'Size', 'Status'] as const) {
      out[key] = this[key];
    }
    return out;
  }

  marshalGoJSON(): string {
    return goJsonStringify(this.toJSON());
  }
}

/** sortorder.NaturalLess: digits sort before other characters, digit runs compare by value (fewer leading zeros first). */
export function naturalLess(a: string, b: string): boolean {
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const da = isDigit(a[i]);
    const db = isDigit(b[j]);
    if (da !== db) return da;
    if (!da) {
      if (a[i] !== b[j]) return a[i]! < b[j]!;
      i++;
      j++;
      continue;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    const si = i;
    const sj = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    if (i - si !== j - sj) return i - si < j - sj;
    const na = a.slice(si, i);
    const nb = b.slice(sj, j);
    if (na !== nb) return na < nb;
    if (si !== sj) return si < sj;
  }
  return a.length < b.length;
}

export function volumeRows(volumes: readonly Volume[]): VolumeContext[] {
  return [...volumes].sort((a, b) => (naturalLess(a.Name, b.Name) ? -1 : naturalLess(b.Name, a.Name) ? 1 : 0)).map((v) => new VolumeContext(v));
}
