/**
 * `stats` through the berth CLI and the real docker CLI, and
 * GET /containers/{id}/stats through the API: memory a container allocates
 * against its -m limit, PIDs, network bytes after traffic, docker's columns
 * and formats, the JSON record's shape, stopped and unknown containers, and a
 * stream that outlives a stop and ends at rm.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { cliUnderTest, startDaemonWithBusybox, waitForLog, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';
const HEADER = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'];
/** Fills 20 MiB of the container's /dev/shm (tmpfs: charged to its memory cgroup), talks to the gateway, then idles as 3 processes. */
const ALLOCATE_AND_PING =
  'dd if=/dev/zero of=/dev/shm/fill bs=1M count=20 2>/dev/null && ping -c 3 -W 1 $(ip route | awk \'/default/ {print $3}\') && echo traffic-done; ' +
  'sleep 300 & sleep 300 & exec sleep 300';

/** Table rows as cells (tabwriter pads columns with at least 3 spaces). */
function table(out: string): string[][] {
  return out.split('\n').filter(Boolean).map((l) => l.trim().split(/\s{3,}/));
}

/** go-units BytesSize text ("20.28MiB") in bytes. */
function binaryBytes(s: string): number {
  const m = /^([\d.]+)(B|KiB|MiB|GiB|TiB)$/.exec(s);
  assert.ok(m, `not a BytesSize value: ${s}`);
  return Number(m[1]) * 1024 ** ['B', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(m[2]!);
}

for (const which of cliUnderTest) describe(`stats (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { timeoutMs?: number }) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
    ok(['run', '-d', '--name', 'st-mem', '-m', '64m', 'busybox', 'sh', '-c', ALLOCATE_AND_PING]);
    await waitForLog(cli, 'st-mem', 'traffic-done', 20_000);
  });
  after(async () => {
    await d?.cleanup();
  });

  it('--no-stream shows the allocated memory against the -m limit, the PIDs and the network traffic', () => {
    const [header, row, ...rest] = table(ok(['stats', '--no-stream', 'st-mem']));
    assert.deepEqual(header, HEADER);
    assert.equal(rest.length, 0);
    const [id, name, cpu, mem, memPerc, net, block, pids] = row!;
    assert.match(id!, /^[0-9a-f]{12}$/);
    assert.equal(name, 'st-mem');
    assert.match(cpu!, /^\d+\.\d\d%$/);
    const [usage, limit] = mem!.split(' / ');
    assert.equal(limit, '64MiB');
    assert.ok(binaryBytes(usage!) >= 19 * 1024 * 1024, `memory usage ${usage} should count the 20 MiB in /dev/shm`);
    assert.ok(Number(memPerc!.replace('%', '')) >= 29, memPerc);
    const [rx, tx] = net!.split(' / ');
    assert.notEqual(rx, '0B');
    assert.notEqual(tx, '0B', 'three pings went out');
    assert.match(block!, /^\S+B \/ \S+B$/);
    assert.equal(pids, '3');
  });

  it('lists running containers without names, stopped ones with -a (zeroed), full IDs with --no-trunc', () => {
    const full = ok(['inspect', '-f', '{{.Id}}', 'st-mem']).trim();
    ok(['create', '--name', 'st-idle', 'busybox', 'true']);
    const running = table(ok(['stats', '--no-stream']));
    assert.deepEqual(running[0], HEADER);
    assert.deepEqual(running.slice(1).map((r) => r[1]), ['st-mem']);
    const all = table(ok(['stats', '--no-stream', '-a']));
    const idle = all.find((r) => r[1] === 'st-idle');
    assert.deepEqual(idle?.slice(2), ['0.00%', '0B / 0B', '0.00%', '0B / 0B', '0B / 0B', '0']);
    assert.equal(table(ok(['stats', '--no-stream', '--no-trunc', 'st-mem']))[1]![0], full);
    ok(['rm', 'st-idle']);
  });

  it('formats rows as json and as templates', () => {
    const json = JSON.parse(ok(['stats', '--no-stream', '--format', 'json', 'st-mem'])) as Record<string, string>;
    assert.deepEqual(Object.keys(json), ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs']);
    assert.equal(json['Container'], 'st-mem');
    assert.equal(json['Name'], 'st-mem');
    assert.equal(json['PIDs'], '3');
    assert.equal(ok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'st-mem']), 'st-mem 3\n');
    assert.deepEqual(table(ok(['stats', '--no-stream', '--format', 'table {{.Container}}\t{{.PIDs}}', 'st-mem'])), [['CONTAINER', 'PIDS'], ['st-mem', '3']]);
  });

  it('redraws the table in place while streaming', () => {
    // Runs until killed, as on a terminal; the output so far is kept.
    const r = cli(['stats', 'st-mem'], { timeoutMs: 3500 });
    const frames = r.stdout.split('\x1b[H').filter(Boolean);
    assert.ok(frames.length >= 2, `expected several frames, got ${JSON.stringify(r.stdout.slice(0, 300))}`);
    assert.match(frames.at(-1)!, /CONTAINER ID\s+NAME\s+CPU %.*\x1b\[K\n[0-9a-f]{12}\s+st-mem\s+\d+\.\d\d%/s);
    assert.ok(r.stdout.includes('\x1b[J'));
  });

  it('shows a stopped container as zeros and fails on an unknown one', () => {
    ok(['run', '--name', 'st-done', 'busybox', 'true']);
    const [, row] = table(ok(['stats', '--no-stream', 'st-done']));
    assert.deepEqual(row!.slice(1), ['st-done', '0.00%', '0B / 0B', '0.00%', '0B / 0B', '0B / 0B', '0']);
    const missing = cli(['stats', '--no-stream', 'st-nope']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: No such container: st-nope\n');
  });
});

/** A streaming GET, read record by record. */
function openStats(d: TestDaemon, path: string): Promise<{ res: IncomingMessage; next(timeoutMs?: number): Promise<Record<string, any> | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, path }, (res) => {
      let buf = '';
      const records: Record<string, any>[] = [];
      let ended = false;
      let wake: (() => void) | undefined;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          records.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
        wake?.();
      });
      res.on('end', () => {
        ended = true;
        wake?.();
      });
      res.on('error', () => undefined);
      const next = async (timeoutMs = 10_000): Promise<Record<string, any> | undefined> => {
        const deadline = Date.now() + timeoutMs;
        while (records.length === 0 && !ended) {
          if (Date.now() > deadline) throw new Error(`no stats record within ${timeoutMs} ms`);
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 100);
          });
        }
        return records.shift();
      };
      resolve({ res, next });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /containers/{id}/stats', () => {
  let d: TestDaemon;

  before(async () => {
    d = await startDaemonWithBusybox();
    const r = d.berth(['run', '-d', '--name', 'api-st', '--pids-limit', '20', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/dev/shm/f bs=1M count=8 2>/dev/null; exec sleep 300']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await d?.cleanup();
  });

  it('answers stream=false with docker\'s record, precpu_stats from a sample a moment earlier', async () => {
    const r = await d.api('GET', '/containers/api-st/stats?stream=false');
    assert.equal(r.status, 200);
    const s = r.body as Record<string, any>;
    assert.deepEqual(Object.keys(s), ['read', 'preread', 'pids_stats', 'blkio_stats', 'num_procs', 'storage_stats', 'cpu_stats', 'precpu_stats', 'memory_stats', 'name', 'id', 'networks']);
    assert.equal(s['name'], '/api-st');
    assert.match(s['id'], /^[0-9a-f]{64}$/);
    assert.notEqual(s['preread'], ZERO_TIME);
    assert.ok(Date.parse(s['preread']) < Date.parse(s['read']));
    assert.ok(s['cpu_stats'].system_cpu_usage > s['precpu_stats'].system_cpu_usage);
    assert.ok(s['cpu_stats'].online_cpus >= 1);
    assert.ok(s['cpu_stats'].cpu_usage.total_usage > 0);
    assert.deepEqual(Object.keys(s['cpu_stats'].throttling_data), ['periods', 'throttled_periods', 'throttled_time']);
    assert.ok(s['memory_stats'].usage >= 8 * 1024 * 1024);
    assert.ok(s['memory_stats'].limit > s['memory_stats'].usage, 'an unlimited container shows the machine\'s memory');
    assert.equal(typeof s['memory_stats'].stats.total_inactive_file, 'number');
    assert.deepEqual(s['pids_stats'], { current: 1, limit: 20 });
    assert.ok(Array.isArray(s['blkio_stats'].io_service_bytes_recursive));
    assert.deepEqual(Object.keys(s['networks']), ['eth0']);
    assert.deepEqual(Object.keys(s['networks'].eth0), ['rx_bytes', 'rx_packets', 'rx_errors', 'rx_dropped', 'tx_bytes', 'tx_packets', 'tx_errors', 'tx_dropped']);
  });

  it('answers one-shot at once without precpu, and ignores one-shot before API 1.41', async () => {
    const one = (await d.api('GET', '/containers/api-st/stats?stream=false&one-shot=true')).body as Record<string, any>;
    assert.equal(one['preread'], ZERO_TIME);
    assert.equal(one['precpu_stats'].cpu_usage.total_usage, 0);
    assert.notEqual(one['read'], ZERO_TIME);
    const old = (await d.api('GET', '/v1.40/containers/api-st/stats?stream=false&one-shot=true')).body as Record<string, any>;
    assert.notEqual(old['preread'], ZERO_TIME);
    const both = await d.api('GET', '/containers/api-st/stats?stream=true&one-shot=true');
    assert.equal(both.status, 400);
    assert.deepEqual(both.body, { message: 'cannot have stream=true and one-shot=true' });
  });

  it('answers 404 for an unknown container', async () => {
    const r = await d.api('GET', '/containers/nope-nope/stats?stream=false');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { message: 'No such container: nope-nope' });
  });

  it('sends a stopped container\'s record as zeros with its name and ID', async () => {
    assert.equal(d.berth(['create', '--name', 'api-idle', 'busybox', 'true']).code, 0);
    const s = (await d.api('GET', '/containers/api-idle/stats?stream=false')).body as Record<string, any>;
    assert.equal(s['read'], ZERO_TIME);
    assert.deepEqual(s['memory_stats'], {});
    assert.deepEqual(s['pids_stats'], {});
    assert.equal(s['name'], '/api-idle');
    assert.equal(s['networks'], undefined);
  });

  it('streams a record a second, each with the one before as pre*, zeros after stop, and ends at rm', async () => {
    assert.equal(d.berth(['run', '-d', '--name', 'api-stream', 'busybox', 'sleep', '300']).code, 0);
    const { res, next } = await openStats(d, '/containers/api-stream/stats');
    try {
      assert.equal(res.statusCode, 200);
      const first = (await next())!;
      const second = (await next())!;
      assert.equal(first['preread'], ZERO_TIME);
      assert.equal(first['precpu_stats'].cpu_usage.total_usage, 0);
      assert.equal(second['preread'], first['read']);
      assert.deepEqual(second['precpu_stats'], first['cpu_stats']);

      // As moby: the stream outlives the container's stop, with zeroed records.
      assert.equal(d.berth(['kill', 'api-stream']).code, 0);
      let rec = await next();
      for (let i = 0; i < 10 && rec && rec['read'] !== ZERO_TIME; i++) rec = await next();
      assert.equal(rec?.['read'], ZERO_TIME);
      assert.equal(rec?.['name'], '/api-stream');

      // Removal ends it.
      assert.equal(d.berth(['rm', 'api-stream']).code, 0);
      let end: Record<string, any> | undefined = {};
      for (let i = 0; i < 10 && end !== undefined; i++) end = await next();
      assert.equal(end, undefined);
    } finally {
      res.destroy();
    }
  });
});
