/**
 * ContainerContext: one `ps` row as the --format template sees it
 * (docker/cli formatter/container.go). Fields are getters, so a template's
 * `{{.ID}}` reads them like properties; `{{.Label "k"}}` calls Label("k");
 * `{{json .}}` uses toJSON().
 */
import { familiarString, parseNormalizedNamed } from '../../reference/reference.js';
import { humanSizeWithPrecision } from '../../units/bytes.js';
import { humanDuration } from '../../units/duration.js';
import { quote } from '../../units/go-strconv.js';
import type { ContainerSummary, PortSummary } from '../client/types.js';
import { ellipsis, goTimeString, truncateId } from './text.js';

export const DEFAULT_CONTAINER_TABLE_FORMAT =
  'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

export const CONTAINER_HEADERS: Readonly<Record<string, string>> = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
};

/** The format `ps` uses: default table (+SIZE with -s), `{{.ID}}` with -q, or the user's. */
export function containerFormat(source: string, quiet: boolean, size: boolean): string {
  if (source === '' || source === 'table') {
    if (quiet) return '{{.ID}}';
    return size ? `${DEFAULT_CONTAINER_TABLE_FORMAT}\t{{.Size}}` : DEFAULT_CONTAINER_TABLE_FORMAT;
  }
  return quiet ? '{{.ID}}' : source;
}

/** An OCI platform as the image-spec's JSON spells it. */
interface OciPlatform {
  architecture?: string;
  os?: string;
  variant?: string;
}

/** docker's formatter.Platform: "linux/arm64/v8" in a template, the descriptor's fields in JSON. */
export class PlatformValue {
  readonly #p: OciPlatform;

  constructor(p: OciPlatform) {
    this.#p = p;
  }

  toString(): string {
    return [this.#p.os ?? 'unknown', this.#p.architecture ?? 'unknown', ...(this.#p.variant ? [this.#p.variant] : [])].join('/');
  }

  toJSON(): OciPlatform {
    return this.#p;
  }
}

export class ContainerContext {
  readonly #c: ContainerSummary;
  readonly #trunc: boolean;
  readonly #now: number;

  /** `now` (ms since epoch) is injectable so golden tests are stable. */
  constructor(c: ContainerSummary, trunc: boolean, now: number = Date.now()) {
    this.#c = c;
    this.#trunc = trunc;
    this.#now = now;
  }

  get ID(): string {
    return this.#trunc ? truncateId(this.#c.Id) : this.#c.Id;
  }

  /** Names without their "/" prefix; truncated output shows only the primary name. */
  get Names(): string {
    const names = (this.#c.Names ?? []).map((n) => n.replace(/^\//, ''));
    if (this.#trunc) return names.find((n) => !n.includes('/')) ?? '';
    return names.join(',');
  }

  get Image(): string {
    const image = this.#c.Image ?? '';
    if (image === '') return '<no image>';
    if (!this.#trunc) return image;
    const short = truncateId(this.#c.ImageID ?? '');
    if (short === truncateId(image)) return short;
    try {
      const ref = parseNormalizedNamed(image);
      // Show "name:tag" without a digest, the way docker trims it.
      if (ref.digest !== undefined) delete ref.digest;
      return familiarString(ref);
    } catch {
      return image;
    }
  }

  get Command(): string {
    const command = this.#c.Command ?? '';
    return quote(this.#trunc ? ellipsis(command, 20) : command);
  }

  get CreatedAt(): string {
    return goTimeString(this.#c.Created);
  }

  get RunningFor(): string {
    return `${humanDuration(this.#now - this.#c.Created * 1000)} ago`;
  }

  get Ports(): string {
    return displayablePorts(this.#c.Ports ?? []);
  }

  get State(): string {
    return this.#c.State;
  }

  get Status(): string {
    return this.#c.Status;
  }

  get Size(): string {
    const rw = humanSizeWithPrecision(this.#c.SizeRw ?? 0, 3);
    const rootFs = this.#c.SizeRootFs ?? 0;
    return rootFs > 0 ? `${rw} (virtual ${humanSizeWithPrecision(rootFs, 3)})` : rw;
  }

  get Labels(): string {
    const labels = this.#c.Labels ?? {};
    return Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(',');
  }

  Label(name: string): string {
    return this.#c.Labels?.[name] ?? '';
  }

  get Mounts(): string {
    return (this.#c.Mounts ?? [])
      .map((m) => {
        const name = m.Name !== undefined && m.Name !== '' ? m.Name : (m.Source ?? '');
        return this.#trunc ? ellipsis(name, 15) : name;
      })
      .join(',');
  }

  get LocalVolumes(): string {
    return String((this.#c.Mounts ?? []).filter((m) => m.Driver === 'local').length);
  }

  get Networks(): string {
    return Object.keys(this.#c.NetworkSettings?.Networks ?? {}).join(',');
  }

  /**
   * The image's platform when the daemon reports one (ImageManifestDescriptor,
   * containerd image store), else null: docker prints "<nil>" in a template
   * and null in JSON.
   */
  get Platform(): PlatformValue | null {
    const p = (this.#c as ContainerSummary & { ImageManifestDescriptor?: { platform?: OciPlatform } }).ImageManifestDescriptor?.platform;
    return p === undefined ? null : new PlatformValue(p);
  }

  /** `{{json .}}`: every field, as docker's MarshalJSON of the context (keys sorted). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Platform', 'Ports', 'RunningFor', 'Size', 'State', 'Status'] as const) {
      out[key] = this[key];
    }
    return out;
  }
}

const joinHostPort = (ip: string, port: string): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** netip.Addr ordering: no address, then IPv4, then IPv6. */
function compareIp(a: string, b: string): number {
  const rank = (ip: string): number => (ip === '' ? 0 : ip.includes(':') ? 2 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (rank(a) === 1) {
    const na = a.split('.').map(Number);
    const nb = b.split('.').map(Number);
    for (let i = 0; i < 4; i++) if (na[i] !== nb[i]) return (na[i] ?? 0) - (nb[i] ?? 0);
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePorts(a: PortSummary, b: PortSummary): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  const ip = compareIp(a.IP ?? '', b.IP ?? '');
  if (ip !== 0) return ip;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

function formGroup(key: string, first: number, last: number): string {
  const slash = key.lastIndexOf('/');
  const ip = slash >= 0 ? key.slice(0, slash) : '';
  const type = slash >= 0 ? key.slice(slash + 1) : key;
  let group = first === last ? String(first) : `${first}-${last}`;
  if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
  return `${group}/${type}`;
}

/** "0.0.0.0:8080->80/tcp, 9000-9001/tcp": consecutive ports grouped, as `docker ps` shows them. */
export function displayablePorts(ports: readonly PortSummary[]): string {
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const port of [...ports].sort(comparePorts)) {
    const current = port.PrivatePort;
    let key = port.Type;
    const ip = port.IP ?? '';
    if (ip !== '') {
      if ((port.PublicPort ?? 0) !== current) {
        hostMappings.push(`${joinHostPort(ip, String(port.PublicPort ?? 0))}->${port.PrivatePort}/${port.Type}`);
        continue;
      }
      key = `${ip}/${port.Type}`;
    }
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { first: current, last: current });
      continue;
    }
    if (current === group.last + 1) {
      group.last = current;
      continue;
    }
    result.push(formGroup(key, group.first, group.last));
    groups.set(key, { first: current, last: current }); // keeps the key's first-seen position, as docker does
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}
