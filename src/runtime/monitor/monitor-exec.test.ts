import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  launchMonitor,
  monitorBinaryPath,
  openAttach,
  readExitFile,
  watchExit,
  type MonitorLaunchOptions,
} from './monitor-client.js';
import { collectFrames, collectRaw, createRuncFixture, execProcessJson, RUNC, type RuncFixture } from './runc-test-fixture.js';

const T = { timeout: 30_000 };

async function runningContainer(fx: RuncFixture): Promise<string> {
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sleep', '1000'] });
  await launchMonitor(fx.createOptions(id, paths));
  await fx.runc('start', id);
  return id;
}

async function execOptions(
  fx: RuncFixture,
  id: string,
  name: string,
  args: string[],
  tty = false,
): Promise<MonitorLaunchOptions> {
  const dir = path.join(fx.dir, name);
  await fs.mkdir(dir);
  const proc = path.join(dir, 'process.json');
  await fs.writeFile(proc, execProcessJson({ args, terminal: tty }));
  const pidFile = path.join(dir, 'exec.pid');
  const consoleSocket = path.join(dir, 'console.sock');
  const argv = [RUNC, '--root', fx.root, 'exec', '-d', '--pid-file', pidFile, '--process', proc];
  if (tty) argv.push('--tty', '--console-socket', consoleSocket);
  return {
    monitorPath: monitorBinaryPath(),
    runtimeArgv: [...argv, id],
    attachSocket: path.join(dir, 'attach.sock'),
    exitFile: path.join(dir, 'exit.json'),
    pidFile,
    waitAttach: true,
    ...(tty ? { consoleSocket, stdin: true, stdinOnce: true } : {}),
  };
}

test('--wait-attach exec: an attach that comes late still gets all output', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = await runningContainer(fx);
  // More than a pipe buffer (64 KiB) of output, and an exit before the attach.
  const opts = await execOptions(fx, id, 'e1', ['sh', '-c', 'seq 1 20000; echo done >&2; exit 7']);
  const launched = await launchMonitor(opts);
  assert.ok(launched.pid > 0);
  const exited = watchExit(opts.attachSocket, opts.exitFile);
  await sleep(300);
  const sock = await openAttach(opts.attachSocket, { stdin: false, stdout: true, stderr: true });
  const got = await collectFrames(sock);
  const expected = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('');
  assert.equal(got.stdout.length, expected.length);
  assert.equal(got.stdout, expected);
  assert.equal(got.stderr, 'done\n');
  assert.equal((await exited).exitCode, 7);
});

test('--wait-attach exec: a watcher learns the exit while output waits for an attach', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = await runningContainer(fx);
  const opts = await execOptions(fx, id, 'e2', ['sh', '-c', 'echo held; exit 4']);
  await launchMonitor(opts);
  const status = await watchExit(opts.attachSocket, opts.exitFile);
  assert.equal(status.exitCode, 4);
  // The output was held all along: the first attach still gets it.
  const got = await collectFrames(await openAttach(opts.attachSocket, { stdin: false, stdout: true, stderr: true }));
  assert.equal(got.stdout, 'held\n');
});

test('tty exec: runc exec --tty hands the pty to the monitor and input reaches the shell', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = await runningContainer(fx);
  const opts = await execOptions(fx, id, 'e3', ['sh'], true);
  await launchMonitor(opts);
  const sock = await openAttach(opts.attachSocket, { stdin: true, stdout: true, stderr: true });
  const output = collectRaw(sock);
  sock.write('echo in""side; exit 6\n');
  assert.match(await output, /\r\ninside\r\n/);
  assert.equal((await watchExit(opts.attachSocket, opts.exitFile)).exitCode, 6);
});

test('exec whose background child keeps the output pipe open still finishes after the drain limit', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = await runningContainer(fx);
  const opts = await execOptions(fx, id, 'e4', ['sh', '-c', 'sleep 100 & echo started; exit 2']);
  await launchMonitor(opts);
  const began = Date.now();
  const got = await collectFrames(await openAttach(opts.attachSocket, { stdin: false, stdout: true, stderr: true }));
  assert.equal(got.stdout, 'started\n');
  const elapsed = Date.now() - began;
  assert.ok(elapsed >= 1500 && elapsed < 6000, `finished after ${elapsed} ms`);
  assert.equal((await readExitFile(opts.exitFile))?.exitCode, 2);
});
