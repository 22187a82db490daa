/**
 * Host-wide and per-netns counters from /proc that `docker stats` needs next
 * to a container's cgroup: the machine's CPU time (the denominator of CPU %),
 * its online CPUs and memory, and a network namespace's interface counters.
 *
 * Every reader takes the proc root as a parameter (default /proc) so unit
 * tests can point it at fixture files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CLOCK_TICKS_PER_SECOND, toU64, type U64 } from './cgroups-stats.js';

export interface SystemCpuUsage {
  /** All CPUs' time since boot in nanoseconds (moby's getSystemCPUUsage). */
  systemUsage: U64;
  /** CPUs listed in /proc/stat: the online ones. */
  onlineCpus: number;
}

/** One interface's counters, named as the Engine API names them. */
export interface InterfaceCounters {
  rx_bytes: U64;
  rx_packets: U64;
  rx_errors: U64;
  rx_dropped: U64;
  tx_bytes: U64;
  tx_packets: U64;
  tx_errors: U64;
  tx_dropped: U64;
}

/**
 * Parses /proc/stat as moby's readSystemCPUUsage: the first seven fields of
 * the aggregate "cpu " line (user nice system idle iowait irq softirq, in
 * USER_HZ ticks) summed and turned into nanoseconds, and one CPU counted per
 * "cpuN" line. The cpu lines come first; reading stops at the first other.
 */
export function parseProcStat(text: string): SystemCpuUsage {
  let systemUsage: U64 = 0;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    if (line.length < 4 || !line.startsWith('cpu')) break;
    if (line[3] === ' ') {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 8) throw new Error('invalid number of cpu fields in /proc/stat');
      let ticks = 0n;
      for (const f of fields.slice(1, 8)) {
        if (!/^\d+$/.test(f)) throw new Error(`unable to convert value ${f} to int in /proc/stat`);
        ticks += BigInt(f);
      }
      systemUsage = toU64((ticks * 1_000_000_000n) / CLOCK_TICKS_PER_SECOND);
    } else if (line[3]! >= '0' && line[3]! <= '9') {
      onlineCpus++;
    }
  }
  return { systemUsage, onlineCpus };
}

export async function readSystemCpuUsage(procRoot = '/proc'): Promise<SystemCpuUsage> {
  return parseProcStat(await readFile(path.join(procRoot, 'stat'), 'utf8'));
}

/** MemTotal of /proc/meminfo in bytes (moby's machineMemory: the limit shown for an unlimited container). */
export function parseMemTotal(meminfo: string): number {
  const m = /^MemTotal:\s+(\d+)\s*kB$/m.exec(meminfo);
  if (!m) throw new Error('no MemTotal line in /proc/meminfo');
  return Number(m[1]) * 1024;
}

export async function readMachineMemory(procRoot = '/proc'): Promise<number> {
  return parseMemTotal(await readFile(path.join(procRoot, 'meminfo'), 'utf8'));
}

/**
 * Parses /proc/<pid>/net/dev: two header lines, then "name: 16 counters"
 * (receive: bytes packets errs drop fifo frame compressed multicast;
 * transmit: bytes packets errs drop fifo colls carrier compressed).
 */
export function parseNetDev(text: string): Map<string, InterfaceCounters> {
  const out = new Map<string, InterfaceCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (name === '' || name.includes('|') || f.length < 16 || !f.every((v) => /^\d+$/.test(v))) continue;
    const n = (i: number): U64 => toU64(BigInt(f[i]!));
    out.set(name, {
      rx_bytes: n(0),
      rx_packets: n(1),
      rx_errors: n(2),
      rx_dropped: n(3),
      tx_bytes: n(8),
      tx_packets: n(9),
      tx_errors: n(10),
      tx_dropped: n(11),
    });
  }
  return out;
}

/** The interface counters of the network namespace `pid` is in. */
export async function readNetDev(pid: number, procRoot = '/proc'): Promise<Map<string, InterfaceCounters>> {
  return parseNetDev(await readFile(path.join(procRoot, String(pid), 'net', 'dev'), 'utf8'));
}
