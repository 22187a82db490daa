/**
 * GET /containers/{id}/stats on the client side: the record's shape as the
 * CLI reads it, and a reader for the daemon's newline-separated stream of
 * records (moby writes one JSON document per line with json.Encoder).
 */
import type { IncomingMessage } from 'node:http';

export interface StatsCpuJson {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data?: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface StatsBlkioEntryJson {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface StatsNetworkJson {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** One stats record (Engine API StatsResponse); fields a Linux daemon may omit are optional. */
export interface StatsJson {
  read: string;
  preread: string;
  pids_stats?: { current?: number; limit?: number };
  blkio_stats?: { io_service_bytes_recursive?: StatsBlkioEntryJson[] | null; [list: string]: StatsBlkioEntryJson[] | null | undefined };
  num_procs?: number;
  storage_stats?: Record<string, number>;
  cpu_stats: StatsCpuJson;
  precpu_stats: StatsCpuJson;
  memory_stats: { usage?: number; max_usage?: number; stats?: Record<string, number>; failcnt?: number; limit?: number };
  name?: string;
  id?: string;
  networks?: Record<string, StatsNetworkJson>;
}

export interface ContainerStatsOptions {
  /** Keep sending a record per second (default on the daemon). */
  stream: boolean;
  /** With stream=false: answer with the first sample, without the ~1 s wait for precpu_stats. */
  oneShot?: boolean;
}

/**
 * Calls `onRecord` for every record of a stats response until it ends.
 * Resolves when the daemon ends the stream (or the response is destroyed);
 * rejects on a record that is not JSON.
 */
export async function readStatsRecords(res: IncomingMessage, onRecord: (s: StatsJson) => void): Promise<void> {
  let pending = '';
  res.setEncoding('utf8');
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line !== '') onRecord(JSON.parse(line) as StatsJson);
      }
    }
  } catch (err) {
    // A response we destroyed ourselves (the command stopped watching) just ends.
    if (!res.destroyed || err instanceof SyntaxError) throw err;
  }
  if (pending.trim() !== '') onRecord(JSON.parse(pending) as StatsJson);
}
