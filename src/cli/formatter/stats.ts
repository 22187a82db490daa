/**
 * `stats` rows (docker/cli container/formatter_stats.go and the calculations
 * of stats_helpers.go): a StatsEntry is what one record of the daemon says
 * about a container, turned into the figures the table shows; StatsContext is
 * the row a --format template sees.
 *
 *   CPU %        container CPU time delta / host CPU time delta × online CPUs × 100,
 *                between precpu_stats and cpu_stats (0 when either delta is not positive)
 *   MEM USAGE    usage minus inactive page cache (v1 total_inactive_file, v2 inactive_file),
 *                BytesSize ("1.5MiB"), over the limit
 *   NET I/O      rx / tx bytes summed over interfaces, HumanSizeWithPrecision(…, 3) ("648B", "1.3kB")
 *   BLOCK I/O    io_service_bytes_recursive ops starting with r / w, same units
 *   PIDS         pids_stats.current
 *
 * A container whose stats could not be read (error, stream ended, no record
 * for 2 s) is "invalid" and shows "--".
 */
import { bytesSize, humanSizeWithPrecision } from '../../units/bytes.js';
import { formatFloat } from '../../units/go-strconv.js';
import type { StatsBlkioEntryJson, StatsCpuJson, StatsJson, StatsNetworkJson } from '../client/stats.js';
import { truncateId } from './text.js';

export const DEFAULT_STATS_TABLE_FORMAT =
  'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

export const STATS_HEADERS: Readonly<Record<string, string>> = {
  Container: 'CONTAINER',
  Name: 'NAME',
  ID: 'CONTAINER ID',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

const NO_VALUE = '--';

/** docker's NewStatsFormat: "" and "table" are the default table; anything else is used as given. */
export function statsFormat(source: string): string {
  return source === '' || source === 'table' ? DEFAULT_STATS_TABLE_FORMAT : source;
}

/** The figures of one container (docker's StatsEntry). */
export interface StatsEntry {
  /** What the user named (or the ID, when listing). */
  container: string;
  /** "/name" as the daemon sends it. */
  name: string;
  id: string;
  cpuPercentage: number;
  memory: number;
  memoryLimit: number;
  memoryPercentage: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pidsCurrent: number;
  isInvalid: boolean;
}

/** A row with nothing known yet (docker's NewStats). */
export function blankEntry(container: string): StatsEntry {
  return {
    container, name: '', id: '', cpuPercentage: 0, memory: 0, memoryLimit: 0, memoryPercentage: 0,
    networkRx: 0, networkTx: 0, blockRead: 0, blockWrite: 0, pidsCurrent: 0, isInvalid: false,
  };
}

export function calculateCpuPercentUnix(previous: StatsCpuJson | undefined, current: StatsCpuJson): number {
  const cpuDelta = current.cpu_usage.total_usage - (previous?.cpu_usage.total_usage ?? 0);
  const systemDelta = (current.system_cpu_usage ?? 0) - (previous?.system_cpu_usage ?? 0);
  let onlineCpus = current.online_cpus ?? 0;
  if (onlineCpus === 0) onlineCpus = current.cpu_usage.percpu_usage?.length ?? 0;
  if (systemDelta > 0 && cpuDelta > 0) return (cpuDelta / systemDelta) * onlineCpus * 100;
  return 0;
}

/** Usage without the page cache the kernel can drop (v1 total_inactive_file, else v2 inactive_file). */
export function calculateMemUsageUnixNoCache(mem: StatsJson['memory_stats']): number {
  const usage = mem.usage ?? 0;
  const v1 = mem.stats?.['total_inactive_file'];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = mem.stats?.['inactive_file'] ?? 0;
  if (v2 < usage) return usage - v2;
  return usage;
}

export function calculateMemPercentUnixNoCache(limit: number, usedNoCache: number): number {
  return limit !== 0 ? (usedNoCache / limit) * 100 : 0;
}

export function calculateBlockIO(entries: readonly StatsBlkioEntryJson[] | null | undefined): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const e of entries ?? []) {
    const c = e.op[0];
    if (c === 'r' || c === 'R') read += e.value;
    else if (c === 'w' || c === 'W') write += e.value;
  }
  return { read, write };
}

export function calculateNetwork(networks: Readonly<Record<string, StatsNetworkJson>> | undefined): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  return { rx, tx };
}

/** The row a record gives (docker's collect() on a Linux daemon). */
export function statsEntryFromJson(container: string, v: StatsJson): StatsEntry {
  const memory = calculateMemUsageUnixNoCache(v.memory_stats ?? {});
  const limit = v.memory_stats?.limit ?? 0;
  const net = calculateNetwork(v.networks);
  const blk = calculateBlockIO(v.blkio_stats?.io_service_bytes_recursive);
  return {
    container,
    name: v.name ?? '',
    id: v.id ?? '',
    cpuPercentage: calculateCpuPercentUnix(v.precpu_stats, v.cpu_stats),
    memory,
    memoryLimit: limit,
    memoryPercentage: calculateMemPercentUnixNoCache(limit, memory),
    networkRx: net.rx,
    networkTx: net.tx,
    blockRead: blk.read,
    blockWrite: blk.write,
    pidsCurrent: v.pids_stats?.current ?? 0,
    isInvalid: false,
  };
}

const percentage = (v: number): string => `${formatFloat(v, 'f', 2)}%`;

/** One `stats` row for --format templates: `{{.CPUPerc}}` etc. */
export class StatsContext {
  readonly #s: StatsEntry;
  readonly #trunc: boolean;

  constructor(s: StatsEntry, trunc: boolean) {
    this.#s = s;
    this.#trunc = trunc;
  }

  get Container(): string {
    return this.#s.container;
  }

  /** Without the daemon's "/" prefix; "--" before anything is known. */
  get Name(): string {
    return this.#s.name.length > 1 ? this.#s.name.slice(1) : NO_VALUE;
  }

  get ID(): string {
    return this.#trunc ? truncateId(this.#s.id) : this.#s.id;
  }

  get CPUPerc(): string {
    return this.#s.isInvalid ? NO_VALUE : percentage(this.#s.cpuPercentage);
  }

  get MemUsage(): string {
    return this.#s.isInvalid ? '-- / --' : `${bytesSize(this.#s.memory)} / ${bytesSize(this.#s.memoryLimit)}`;
  }

  get MemPerc(): string {
    return this.#s.isInvalid ? NO_VALUE : percentage(this.#s.memoryPercentage);
  }

  get NetIO(): string {
    if (this.#s.isInvalid) return NO_VALUE;
    return `${humanSizeWithPrecision(this.#s.networkRx, 3)} / ${humanSizeWithPrecision(this.#s.networkTx, 3)}`;
  }

  get BlockIO(): string {
    if (this.#s.isInvalid) return NO_VALUE;
    return `${humanSizeWithPrecision(this.#s.blockRead, 3)} / ${humanSizeWithPrecision(this.#s.blockWrite, 3)}`;
  }

  get PIDs(): string {
    return this.#s.isInvalid ? NO_VALUE : String(this.#s.pidsCurrent);
  }

  /** `{{json .}}`: every field, keys sorted, as docker's formatter.MarshalJSON. */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs'] as const) out[key] = this[key];
    return out;
  }
}
