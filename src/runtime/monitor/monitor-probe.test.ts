/**
 * Health probes run by a container's own monitor (probe.c, PROBE on the
 * attach socket), against a real runc container.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { hostCgroupLayout } from '../../host/cgroups.js';
import { encodeExecPlan } from '../exec-plan.js';
import type { OciProcess, OciSpec } from '../spec/types.js';
import { launchMonitor } from './monitor-client.js';
import { parseAnswer, ProbeChannel, runMonitorProbe, type ProbeAnswer } from './probe-client.js';
import { createRuncFixture, type RuncFixture } from './runc-test-fixture.js';
import * as path from 'node:path';

const T = { timeout: 60_000 };

interface Running {
  pid: number;
  monitorPid: number;
  spec: OciSpec;
  attachSocket: string;
}

async function runningContainer(fx: RuncFixture): Promise<Running> {
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sleep', '1000'] });
  const launched = await launchMonitor(fx.createOptions(id, paths));
  await fx.runc('start', id);
  const spec = JSON.parse(await fs.readFile(path.join(paths.bundle, 'config.json'), 'utf8')) as OciSpec;
  return { pid: launched.pid, monitorPid: launched.monitorPid, spec, attachSocket: paths.attachSocket };
}

function plan(c: Running, args: string[], extra: Partial<OciProcess> = {}): Buffer {
  const proc: OciProcess = { ...c.spec.process, args, env: ['PATH=/bin', 'CHECK=yes'], ...extra };
  return encodeExecPlan(c, proc, {}, hostCgroupLayout());
}

function req(c: Running, args: string[]): Buffer {
  return ProbeChannel.request(plan(c, args), 10_000);
}

async function probe(c: Running, args: string[], timeoutMs = 10_000, signal?: AbortSignal): Promise<ProbeAnswer> {
  return runMonitorProbe(c.attachSocket, plan(c, args), { timeoutMs, ...(signal ? { signal } : {}) });
}

function exited(a: ProbeAnswer) {
  assert.equal(a.kind, 'exited', JSON.stringify(a));
  return a as Extract<ProbeAnswer, { kind: 'exited' }>;
}

/** The monitor's children: after probes, only the container's init (nothing left unreaped or running). */
async function monitorChildren(c: Running): Promise<number[]> {
  const tasks = await fs.readdir(`/proc/${c.monitorPid}/task`);
  const all: number[] = [];
  for (const t of tasks) {
    const text = await fs.readFile(`/proc/${c.monitorPid}/task/${t}/children`, 'utf8');
    all.push(...text.trim().split(/\s+/).filter(Boolean).map(Number));
  }
  return all;
}

test('probe: runs in the container with the plan\'s env, and answers with its exit code and stdout+stderr', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const a = exited(await probe(c, ['sh', '-c', 'echo "$(busybox hostname) $CHECK"; echo oops >&2; exit 3']));
  assert.equal(a.exitCode, 3);
  assert.equal(a.output.toString(), 'monitor-test yes\noops\n');
  assert.deepEqual([a.timedOut, a.truncated], [false, false]);
  const ok = exited(await probe(c, ['true']));
  assert.deepEqual([ok.exitCode, ok.output.length], [0, 0]);
  assert.deepEqual(await monitorChildren(c), [c.pid], 'every probe process was reaped');
});

test('probe: output past 4096 bytes is dropped and marked; an endless flood is cut at the timeout', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const a = exited(await probe(c, ['sh', '-c', 'busybox yes flood | head -c 1000000']));
  assert.equal(a.exitCode, 0);
  assert.equal(a.output.length, 4096);
  assert.equal(a.truncated, true);
  assert.ok(a.output.toString().startsWith('flood\nflood\n'));
  const flood = exited(await probe(c, ['busybox', 'yes'], 500));
  assert.equal(flood.timedOut, true);
  assert.equal(flood.output.length, 4096);
  assert.equal(flood.truncated, true);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(await fs.readFile(`/proc/${c.monitorPid}/status`, 'utf8'))?.[1]);
  assert.ok(rss < 8 * 1024, `the monitor stays small after a flood (${rss} KiB)`);
});

test('probe: a check that hangs is killed at the timeout with its children', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const began = Date.now();
  const a = exited(await probe(c, ['sh', '-c', 'echo started; sleep 60; sleep 60'], 300));
  const took = Date.now() - began;
  assert.equal(a.timedOut, true);
  assert.equal(a.exitCode, 137);
  assert.equal(a.output.toString(), 'started\n');
  assert.ok(took >= 300 && took < 5000, `answered after ${took} ms`);
  assert.deepEqual(await monitorChildren(c), [c.pid]);
});

test('probe: the answer does not wait for a background child that keeps the output open', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const began = Date.now();
  const a = exited(await probe(c, ['sh', '-c', 'sleep 30 & echo bye']));
  assert.equal(a.output.toString(), 'bye\n');
  assert.ok(Date.now() - began < 5000);
});

test('probe: a command that cannot start is an ERROR with runc\'s words; a client that leaves gets its check killed', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const missing = await probe(c, ['nope']);
  assert.deepEqual(missing, { kind: 'failed', message: 'exec failed: unable to start container process: exec: "nope": executable file not found in $PATH' });
  const ctl = new AbortController();
  const pending = probe(c, ['sleep', '60'], 60_000, ctl.signal);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await monitorChildren(c)).length, 2, 'the check runs');
  ctl.abort();
  await assert.rejects(pending, /cancelled/);
  const deadline = Date.now() + 5000;
  while ((await monitorChildren(c)).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await monitorChildren(c), [c.pid], 'the abandoned check was killed and reaped');
  // The monitor still serves its container after all that.
  assert.equal(exited(await probe(c, ['true'])).exitCode, 0);
});

test('probe: one connection carries one check after another, and is made again after a give-up', T, async (t) => {
  const fx = await createRuncFixture(t);
  const c = await runningContainer(fx);
  const channel = new ProbeChannel(c.attachSocket);
  t.after(() => channel.close());
  for (let i = 0; i < 50; i++) {
    const a = exited(await channel.run(req(c, ['sh', '-c', `echo ${i}; exit ${i % 3}`]), { timeoutMs: 10_000 }));
    assert.deepEqual([a.exitCode, a.output.toString()], [i % 3, `${i}\n`]);
  }
  assert.equal((await channel.run(req(c, ['nope']), { timeoutMs: 10_000 })).kind, 'failed');
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 200);
  await assert.rejects(channel.run(req(c, ['sleep', '60']), { timeoutMs: 60_000, signal: ctl.signal }), /cancelled/);
  assert.equal(exited(await channel.run(req(c, ['true']), { timeoutMs: 10_000 })).exitCode, 0);
  assert.deepEqual(await monitorChildren(c), [c.pid]);
  const clients = (await fs.readdir(`/proc/${c.monitorPid}/fd`)).length;
  for (let i = 0; i < 5; i++) await channel.run(req(c, ['true']), { timeoutMs: 10_000 });
  assert.equal((await fs.readdir(`/proc/${c.monitorPid}/fd`)).length, clients, 'no fd is left behind per check');
});

test('parseAnswer waits for the whole body and refuses what is malformed', () => {
  assert.equal(parseAnswer(Buffer.from('RESULT 0 0 0 5\nab')), undefined);
  assert.deepEqual(parseAnswer(Buffer.from('RESULT 1 0 1 2\nab')), { kind: 'exited', exitCode: 1, timedOut: false, truncated: true, output: Buffer.from('ab') });
  assert.deepEqual(parseAnswer(Buffer.from('ERROR 3\nwhy')), { kind: 'failed', message: 'why' });
  assert.throws(() => parseAnswer(Buffer.from('HELLO 1\nx')), /malformed/);
  assert.throws(() => parseAnswer(Buffer.from('x'.repeat(300))), /malformed/);
});
