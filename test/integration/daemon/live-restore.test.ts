/**
 * kill -9 berthd with containers running: they keep running, their logs
 * keep flowing, and a new berthd lists them and follows their exit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

describe('live restore', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemonWithBusybox();
  });
  after(async () => {
    await d?.cleanup();
  });

  it('keeps containers running across kill -9 of berthd', async () => {
    const created = await d.api('POST', '/containers/create?name=survivor', { Image: 'busybox', Cmd: ['sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done'] });
    assert.equal(created.status, 201, created.text);
    assert.equal((await d.api('POST', '/containers/survivor/start')).status, 204);
    const before = (await d.api('GET', '/containers/survivor/json')).body as { State: { Pid: number } };
    const pid = before.State.Pid;
    assert.ok(pid > 0);

    await d.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 600));
    process.kill(pid, 0); // still alive: throws if not

    await d.start();
    const after = (await d.api('GET', '/containers/survivor/json')).body as { State: { Status: string; Pid: number } };
    assert.equal(after.State.Status, 'running');
    assert.equal(after.State.Pid, pid);
    const list = (await d.api('GET', '/containers/json')).body as Array<{ Names: string[] }>;
    assert.deepEqual(list.map((c) => c.Names[0]), ['/survivor']);
    const logs = await d.api('GET', '/containers/survivor/logs?stdout=1');
    const ticks = logs.text.match(/tick \d+/g) ?? [];
    assert.ok(ticks.length >= 4, `logs kept flowing while berthd was down: ${ticks.length} ticks`);

    // The new berthd follows the exit of a task it did not start.
    assert.equal((await d.api('POST', '/containers/survivor/kill?signal=KILL')).status, 204);
    const wait = await d.api('POST', '/containers/survivor/wait');
    assert.deepEqual(wait.body, { StatusCode: 137, Error: null });
    assert.equal((await d.api('DELETE', '/containers/survivor')).status, 204);
  });

  it('refuses a second berthd on the same data root', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BERTHD } = await import('../../harness/daemon.js');
    const r = spawnSync(BERTHD, ['--host', `unix://${d.dir}/second.sock`, '--data-root', d.dataRoot, '--exec-root', d.execRoot], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /in use by berthd/);
  });
});
