/**
 * NetworkContext: one `network ls` row as the --format template sees it
 * (docker/cli command/network/formatter.go), and the order docker lists
 * networks in (natural sort by name: net9 before net10).
 */
import { goJsonStringify } from '../../units/go-json.js';
import type { NetworkSummary } from '../client/networks.js';
import { GoTime } from './image-inspect.js';
import { truncateId } from './text.js';

export const DEFAULT_NETWORK_TABLE_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

export const NETWORK_HEADERS: Readonly<Record<string, string>> = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv4: 'IPV4',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
};

/** docker's network NewFormat: the default table, `{{.ID}}` with -q, "raw", or the user's format. */
export function networkFormat(source: string, quiet: boolean): string {
  if (source === '' || source === 'table') return quiet ? '{{.ID}}' : DEFAULT_NETWORK_TABLE_FORMAT;
  if (source === 'raw') {
    return quiet ? 'network_id: {{.ID}}' : 'network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n';
  }
  // A custom format wins over -q, as in docker.
  return source;
}

const JSON_KEYS = ['CreatedAt', 'Driver', 'ID', 'IPv4', 'IPv6', 'Internal', 'Labels', 'Name', 'Scope'] as const;

export class NetworkContext {
  readonly #n: NetworkSummary;
  readonly #trunc: boolean;

  constructor(n: NetworkSummary, trunc: boolean) {
    this.#n = n;
    this.#trunc = trunc;
  }

  get ID(): string {
    return this.#trunc ? truncateId(this.#n.Id) : this.#n.Id;
  }

  get Name(): string {
    return this.#n.Name;
  }

  get Driver(): string {
    return this.#n.Driver;
  }

  get Scope(): string {
    return this.#n.Scope;
  }

  get IPv4(): string {
    return String(this.#n.EnableIPv4 === true);
  }

  get IPv6(): string {
    return String(this.#n.EnableIPv6 === true);
  }

  get Internal(): string {
    return String(this.#n.Internal === true);
  }

  /** "k=v,k2=v2" in the daemon's order (docker ranges over a Go map, so its order is random). */
  get Labels(): string {
    return Object.entries(this.#n.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  }

  Label(name: string): string {
    return this.#n.Labels?.[name] ?? '';
  }

  /** Go's time.Time String() of Created: "2024-03-01 12:00:00.123456789 +0000 UTC". */
  get CreatedAt(): string {
    return new GoTime(this.#n.Created || '0001-01-01T00:00:00Z').toString();
  }

  /** `{{json .}}`: every field without arguments, keys sorted (docker's formatter.MarshalJSON). */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of JSON_KEYS) out[key] = this[key];
    return out;
  }

  /** docker marshals the context with json.Marshal, so <, >, & are escaped even in `{{json .}}`. */
  marshalGoJSON(): string {
    return goJsonStringify(this.toJSON());
  }
}

/**
 * fvbommel/sortorder.NaturalLess on UTF-8 bytes: runs of digits compare as
 * numbers (leading zeros ignored, then fewer zeros first), digits sort
 * before other bytes, everything else bytewise.
 */
export function naturalLess(a: string, b: string): boolean {
  const s1 = Buffer.from(a, 'utf8');
  const s2 = Buffer.from(b, 'utf8');
  const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
  let i = 0;
  let j = 0;
  while (i < s1.length && j < s2.length) {
    const c1 = s1[i]!;
    const c2 = s2[j]!;
    const d1 = isDigit(c1);
    const d2 = isDigit(c2);
    if (d1 !== d2) return d1;
    if (!d1) {
      if (c1 !== c2) return c1 < c2;
      i++;
      j++;
      continue;
    }
    while (i < s1.length && s1[i] === 0x30) i++;
    while (j < s2.length && s2[j] === 0x30) j++;
    const start1 = i;
    const start2 = j;
    while (isDigit(s1[i])) i++;
    while (isDigit(s2[j])) j++;
    if (i - start1 !== j - start2) return i - start1 < j - start2;
    const n1 = s1.subarray(start1, i).toString('latin1');
    const n2 = s2.subarray(start2, j).toString('latin1');
    if (n1 !== n2) return n1 < n2;
    if (start1 !== start2) return start1 < start2;
  }
  return s1.length < s2.length;
}

/** `network ls` order: natural sort by name. */
export function sortNetworks<T extends { Name: string }>(networks: readonly T[]): T[] {
  return [...networks].sort((x, y) => (naturalLess(x.Name, y.Name) ? -1 : naturalLess(y.Name, x.Name) ? 1 : 0));
}

/** The rows `network ls` renders, in docker's order. */
export function networkRows(networks: readonly NetworkSummary[], trunc: boolean): NetworkContext[] {
  return sortNetworks(networks).map((n) => new NetworkContext(n, trunc));
}
