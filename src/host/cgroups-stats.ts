/**
 * What the cgroup readers report for `docker stats`, and the parsers for the
 * kernel's stat file formats they share (cgroup v1 and v2).
 *
 * Counters are unsigned 64-bit in the kernel. A JS number holds them exactly
 * only up to 2^53, so a value past that is kept as a bigint (U64): the
 * Engine API's JSON then carries the kernel's exact digits, as Go's uint64
 * does (v1's "no limit" 9223372036854771712 in memory.stat, for one).
 */

/** A kernel u64: a number while it is exact, a bigint beyond 2^53. */
export type U64 = number | bigint;

/** CPU time of a cgroup, in nanoseconds, and its CFS throttling. */
export interface CgroupCpuStats {
  /** All CPU time (v1 cpuacct.usage, v2 cpu.stat usage_usec). */
  total: U64;
  /** Per CPU (v1 cpuacct.usage_percpu); absent on v2, which has no such file. */
  perCpu?: U64[];
  /** System time (v1 cpuacct.stat "system" ticks, v2 system_usec). */
  kernel: U64;
  /** User time (v1 cpuacct.stat "user" ticks, v2 user_usec). */
  user: U64;
  /** CFS bandwidth enforcement; zeros when the cpu controller is absent or unlimited. */
  throttling: { periods: U64; throttledPeriods: U64; throttledTime: U64 };
}

/** One line of a blkio/io statistic: device, operation, value. */
export interface CgroupBlkioEntry {
  major: number;
  minor: number;
  /** "Read", "Write", "Sync", "Async", "Discard", "Total" (v1); "read"/"write" (v2). */
  op: string;
  value: U64;
}

export interface CgroupBlkioStats {
  /** Bytes moved, per device and op. */
  serviceBytes: CgroupBlkioEntry[];
  /** I/O operations, per device and op. */
  serviced: CgroupBlkioEntry[];
}

export interface CgroupPidsStats {
  /** Tasks (threads included) in the cgroup now. */
  current: number;
  /** pids.max; null for "max" (no limit). */
  limit: number | null;
}

/** USER_HZ: cpuacct.stat counts in these ticks; 100 on every Linux ABI (sysconf(_SC_CLK_TCK)). */
export const CLOCK_TICKS_PER_SECOND = 100n;

/** Parses one unsigned decimal, exact (a bigint past 2^53). */
export function parseU64(text: string, what: string): U64 {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw new Error(`unexpected value in ${what}: ${JSON.stringify(t)}`);
  return toU64(BigInt(t));
}

/** A bigint as a U64: a number when that is exact. */
export function toU64(b: bigint): U64 {
  return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** "key value" lines with exact values (memory.stat, cpu.stat); lines that are not that are skipped. */
export function parseFlatKeyedU64(text: string): Record<string, U64> {
  const out: Record<string, U64> = {};
  for (const line of text.split('\n')) {
    const [key, value, extra] = line.trim().split(/\s+/);
    if (key && value !== undefined && extra === undefined && /^\d+$/.test(value)) out[key] = toU64(BigInt(value));
  }
  return out;
}

/** Space-separated counters on one line (v1 cpuacct.usage_percpu). */
export function parseU64List(text: string, what: string): U64[] {
  return text.trim().split(/\s+/).filter(Boolean).map((v) => parseU64(v, what));
}

/** cpuacct.stat ticks to nanoseconds (containerd's getUsage). */
export function ticksToNanos(ticks: U64): U64 {
  return toU64((BigInt(ticks) * 1_000_000_000n) / CLOCK_TICKS_PER_SECOND);
}

/** Microseconds (v2 cpu.stat) to nanoseconds. */
export function microsToNanos(us: U64 | undefined): U64 {
  return toU64(BigInt(us ?? 0) * 1000n);
}

/**
 * v1 blkio files ("8:0 Read 4096" per line, then "Total 4096"): the
 * per-device lines, in file order; the closing Total line is skipped.
 */
export function parseBlkioV1(text: string, file: string): CgroupBlkioEntry[] {
  const out: CgroupBlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/[\s:]+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields.length === 2 && fields[0] === 'Total') continue;
    if (fields.length !== 4 && fields.length !== 3) throw new Error(`unexpected line in ${file}: ${JSON.stringify(line)}`);
    const [major, minor] = [Number(fields[0]), Number(fields[1])];
    if (!Number.isInteger(major) || !Number.isInteger(minor)) throw new Error(`unexpected line in ${file}: ${JSON.stringify(line)}`);
    // Three fields: a file without an op column (blkio.sectors, blkio.time).
    const op = fields.length === 4 ? fields[2]! : '';
    out.push({ major, minor, op, value: parseU64(fields[fields.length - 1]!, file) });
  }
  return out;
}

/**
 * v2 io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per
 * device) as moby reports it: a "read" and a "write" entry per device, in
 * file order, for bytes and for operations.
 */
export function parseIoStatV2(text: string): CgroupBlkioStats {
  const serviceBytes: CgroupBlkioEntry[] = [];
  const serviced: CgroupBlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(device ?? '');
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    const kv: Record<string, U64> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (eq > 0 && /^\d+$/.test(value)) kv[pair.slice(0, eq)] = toU64(BigInt(value));
    }
    serviceBytes.push({ major, minor, op: 'read', value: kv['rbytes'] ?? 0 }, { major, minor, op: 'write', value: kv['wbytes'] ?? 0 });
    serviced.push({ major, minor, op: 'read', value: kv['rios'] ?? 0 }, { major, minor, op: 'write', value: kv['wios'] ?? 0 });
  }
  return { serviceBytes, serviced };
}

/** pids.max: a number, or "max" (no limit) as null. */
export function parsePidsMax(text: string): number | null {
  const t = text.trim();
  if (t === 'max') return null;
  if (!/^\d+$/.test(t)) throw new Error(`unexpected value in pids.max: ${JSON.stringify(t)}`);
  return Number(t);
}
