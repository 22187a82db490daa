/**
 * `update` through the berth CLI and the docker CLI: memory, CPUs and the
 * pids limit of a running container, seen in inspect and in its cgroup; the
 * restart policy; limits stored for the next start; Docker's errors. Then
 * the OOM kill of a memory-limited container: OOMKilled in inspect and an
 * `oom` event.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const MiB = 1024 * 1024;
const V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

/** A limit as the container's cgroup holds it, in v1's terms on either version. */
function cgroupLimit(id: string, what: 'memory' | 'memsw' | 'cpu-quota' | 'pids'): string {
  const read = (p: string) => readFileSync(p, 'utf8').trim();
  if (V2) {
    const dir = `/sys/fs/cgroup/berth/${id}`;
    if (what === 'memory') return read(`${dir}/memory.max`);
    if (what === 'memsw') return String(Number(read(`${dir}/memory.max`)) + Number(read(`${dir}/memory.swap.max`)));
    if (what === 'cpu-quota') return read(`${dir}/cpu.max`).split(' ')[0]!;
    return read(`${dir}/pids.max`);
  }
  if (what === 'memory') return read(`/sys/fs/cgroup/memory/berth/${id}/memory.limit_in_bytes`);
  if (what === 'memsw') return read(`/sys/fs/cgroup/memory/berth/${id}/memory.memsw.limit_in_bytes`);
  if (what === 'cpu-quota') return read(`/sys/fs/cgroup/cpu/berth/${id}/cpu.cfs_quota_us`);
  return read(`/sys/fs/cgroup/pids/berth/${id}/pids.max`);
}

for (const which of cliUnderTest) describe(`update and OOM (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[]) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const fails = (args: string[], message: RegExp) => {
    const r = cli(args);
    assert.equal(r.code, 1, `${args.join(' ')} should fail: ${r.stdout}`);
    assert.match(r.stderr, message);
  };
  const hostConfig = (name: string, fields: string[]) => ok(['inspect', '-f', fields.map((f) => `{{.HostConfig.${f}}}`).join(' '), name]).trim();

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args) => (which === 'docker' ? d.docker(args) : d.berth(args));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('changes memory, CPUs and the pids limit of a running container, in inspect and in its cgroup', () => {
    const id = ok(['run', '-d', '--name', 'live', '-m', '32m', 'busybox', 'sleep', '600']).trim();
    assert.equal(hostConfig('live', ['Memory', 'MemorySwap']), `${32 * MiB} ${64 * MiB}`, 'swap defaults to twice the memory, as Docker stores it');
    assert.equal(ok(['update', '-m', '48m', '--cpus', '0.5', '--pids-limit', '50', 'live']), 'live\n');
    assert.equal(hostConfig('live', ['Memory', 'MemorySwap', 'NanoCpus', 'PidsLimit']), `${48 * MiB} ${64 * MiB} 500000000 50`);
    assert.equal(cgroupLimit(id, 'memory'), String(48 * MiB));
    assert.equal(cgroupLimit(id, 'cpu-quota'), '50000');
    assert.equal(cgroupLimit(id, 'pids'), '50');

    ok(['update', '--memory', '96m', '--memory-swap', '192m', '--pids-limit', '-1', id.slice(0, 12)]);
    assert.equal(hostConfig('live', ['Memory', 'MemorySwap', 'PidsLimit']), `${96 * MiB} ${192 * MiB} 0`);
    assert.equal(cgroupLimit(id, 'memory'), String(96 * MiB));
    assert.equal(cgroupLimit(id, 'memsw'), String(192 * MiB));
    assert.equal(cgroupLimit(id, 'pids'), 'max');
    // The process inside sees it too: the pids limit holds.
    ok(['update', '--pids-limit', '3', 'live']);
    const forks = cli(['exec', 'live', 'sh', '-c', 'for i in 1 2 3 4; do sleep 1 & done; wait']);
    assert.match(forks.stdout + forks.stderr, /can't fork|Resource temporarily unavailable/);
  });

  it('changes the restart policy, which the next exit obeys', async () => {
    ok(['run', '-d', '--name', 'pol', 'busybox', 'sh', '-c', 'rm -f /tmp/die; while [ ! -f /tmp/die ]; do sleep 0.1; done; exit 2']);
    assert.equal(ok(['update', '--restart', 'on-failure:2', 'pol']), 'pol\n');
    assert.equal(hostConfig('pol', ['RestartPolicy.Name', 'RestartPolicy.MaximumRetryCount']), 'on-failure 2');
    ok(['exec', 'pol', 'touch', '/tmp/die']);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && ok(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'pol']).trim() !== '1 running') {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(ok(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'pol']).trim(), '1 running');
    ok(['update', '--restart', 'no', 'pol']);
    ok(['rm', '-f', 'pol']);
  });

  it('stores limits of a stopped container for its next start', () => {
    const id = ok(['create', '--name', 'later', 'busybox', 'sleep', '600']).trim();
    ok(['update', '-m', '24m', '--memory-swap', '48m', '--cpu-quota', '30000', 'later']);
    ok(['start', 'later']);
    assert.equal(cgroupLimit(id, 'memory'), String(24 * MiB));
    assert.equal(cgroupLimit(id, 'cpu-quota'), '30000');
    ok(['rm', '-f', 'later']);
  });

  it("answers bad updates with Docker's errors", () => {
    ok(['run', '-d', '--name', 'bad', '--memory', '32m', 'busybox', 'sleep', '600']);
    fails(['update', 'bad'], /you must provide one or more flags when using this command/);
    fails(['update', '-m', '4m', 'bad'], /Error response from daemon: Minimum memory limit allowed is 6MB/);
    fails(['update', '-m', '128m', 'bad'], /Cannot update container [0-9a-f]{64}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/);
    fails(['update', '--restart', 'sometimes', 'bad'], /invalid restart policy: unknown policy 'sometimes'/);
    fails(['update', '--cpus', '0.5', 'nosuch'], /No such container: nosuch/);
    // Below what the container uses (tmpfs pages count), the kernel refuses and nothing changes.
    ok(['exec', 'bad', 'dd', 'if=/dev/zero', 'of=/dev/shm/fill', 'bs=1M', 'count=20']);
    fails(['update', '-m', '8m', '--memory-swap', '8m', 'bad'], /Cannot update container [0-9a-f]{64}: /);
    assert.equal(hostConfig('bad', ['Memory', 'MemorySwap']), `${32 * MiB} ${64 * MiB}`);
    ok(['run', '-d', '--rm', '--name', 'gone-after', 'busybox', 'sleep', '600']);
    fails(['update', '--restart', 'always', 'gone-after'], /Restart policy cannot be updated because AutoRemove is enabled for the container/);
    ok(['rm', '-f', 'bad', 'gone-after']);
  });

  it('shows an OOM kill in inspect and as an oom event before die', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const r = cli(['run', '--name', 'oom', '-m', '16m', '--shm-size', '64m', 'busybox', 'dd', 'if=/dev/zero', 'of=/dev/shm/x', 'bs=1M', 'count=48']);
    assert.equal(r.code, 137, r.stderr);
    const id = ok(['inspect', '-f', '{{.Id}}', 'oom']).trim();
    assert.equal(ok(['inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}} {{.State.Status}}', 'oom']).trim(), 'true 137 exited');
    const until = Math.ceil(Date.now() / 1000) + 1;
    await new Promise((r) => setTimeout(r, 1100));
    const events = await d.api('GET', `/events?since=${since}&until=${until}`);
    assert.equal(events.status, 200);
    const actions = events.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { Type?: string; Action?: string; Actor?: { ID?: string } })
      .filter((e) => e.Type === 'container' && e.Actor?.ID === id)
      .map((e) => e.Action);
    assert.ok(actions.includes('oom'), `events of the container: ${actions.join(', ')}`);
    assert.ok(actions.indexOf('oom') < actions.findIndex((a) => a?.startsWith('die')), `oom before die: ${actions.join(', ')}`);
    ok(['rm', 'oom']);
  });
});
