import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { launchMonitor, openAttach, readExitFile, watchExit } from './monitor-client.js';
import { collectFrames, createRuncFixture, readLog } from './runc-test-fixture.js';

const T = { timeout: 30_000 };

test('logs stdout and stderr apart in json-file format and records exit code 3', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sh', '-c', 'echo out1; echo err1 >&2; echo out2; exit 3'] });
  const launched = await launchMonitor(fx.createOptions(id, paths));
  assert.ok(launched.pid > 0 && launched.monitorPid > 0);
  const exited = watchExit(paths.attachSocket, paths.exitFile);
  await fx.runc('start', id);
  const status = await exited;
  assert.equal(status.exitCode, 3);
  assert.equal(status.signal, 0);
  assert.match(status.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);

  assert.deepEqual(await readExitFile(paths.exitFile), status);
  const log = await readLog(paths.logPath);
  assert.deepEqual(log.filter((r) => r.stream === 'stdout').map((r) => r.log), ['out1\n', 'out2\n']);
  assert.deepEqual(log.filter((r) => r.stream === 'stderr').map((r) => r.log), ['err1\n']);
  for (const r of log) assert.match(r.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  assert.equal((await fs.stat(paths.logPath)).mode & 0o777, 0o640);
  // The monitor cleans up its socket when it is done.
  await assert.rejects(fs.access(paths.attachSocket));
});

test('exit 0 with an unterminated last line, control bytes and invalid utf-8 escaped', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sh', '-c', "printf 'a\\001\\377<\"\\n'; printf 'tail without newline'"] });
  await launchMonitor(fx.createOptions(id, paths));
  const exited = watchExit(paths.attachSocket, paths.exitFile);
  await fx.runc('start', id);
  assert.deepEqual({ ...(await exited), finishedAt: '' }, { exitCode: 0, signal: 0, finishedAt: '' });
  const raw = await fs.readFile(paths.logPath, 'utf8');
  assert.ok(raw.includes('"log":"a\\u0001\\ufffd\\u003c\\"\\n"'), raw);
  const log = await readLog(paths.logPath);
  assert.deepEqual(log.map((r) => r.log), ['a\u0001\ufffd<"\n', 'tail without newline']);
});

test('reports 137 and signal 9 when the process is killed with SIGKILL', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sleep', '1000'] });
  const launched = await launchMonitor(fx.createOptions(id, paths));
  await fx.runc('start', id);
  // Stays small while it supervises.
  const status = await fs.readFile(`/proc/${launched.monitorPid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  assert.ok(rssKb < 2048, `monitor RSS ${rssKb} kB`);
  // Nothing of the monitor's leaks into the container: just its stdio.
  assert.deepEqual((await fs.readdir(`/proc/${launched.pid}/fd`)).sort(), ['0', '1', '2']);
  const exited = watchExit(paths.attachSocket, paths.exitFile);
  await fx.runc('kill', id, 'KILL');
  const st = await exited;
  assert.equal(st.exitCode, 137);
  assert.equal(st.signal, 9);
});

test('an ATTACH client gets multiplexed frames of stdout and stderr', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sh', '-c', 'echo one; echo two >&2; echo three'] });
  await launchMonitor(fx.createOptions(id, paths));
  const sock = await openAttach(paths.attachSocket, { stdin: false, stdout: true, stderr: true });
  const onlyErr = await openAttach(paths.attachSocket, { stdin: false, stdout: false, stderr: true });
  const frames = collectFrames(sock);
  const errFrames = collectFrames(onlyErr);
  await fx.runc('start', id);
  const got = await frames; // resolves when the monitor closes the connection at exit
  assert.equal(got.stdout, 'one\nthree\n');
  assert.equal(got.stderr, 'two\n');
  assert.deepEqual(await errFrames, { stdout: '', stderr: 'two\n', order: ['stderr'] });
  assert.equal((await watchExit(paths.attachSocket, paths.exitFile)).exitCode, 0);
});

test('stdin through attach reaches cat and, with stdin-once, closing it ends the container', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['cat'] });
  await launchMonitor(fx.createOptions(id, paths, { stdin: true, stdinOnce: true }));
  await fx.runc('start', id);
  const exited = watchExit(paths.attachSocket, paths.exitFile);
  const sock = await openAttach(paths.attachSocket, { stdin: true, stdout: true, stderr: true });
  const frames = collectFrames(sock);
  sock.write('hello through stdin\n');
  sock.end(); // half-close: the monitor closes cat's stdin
  assert.equal((await frames).stdout, 'hello through stdin\n');
  assert.equal((await exited).exitCode, 0);
  assert.deepEqual((await readLog(paths.logPath)).map((r) => r.log), ['hello through stdin\n']);
});

test('a client that never reads is dropped and does not stall logging', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const size = 3_000_000;
  const paths = await fx.writeBundle(id, { args: ['sh', '-c', `head -c ${size} /dev/zero | tr '\\0' a`] });
  await launchMonitor(fx.createOptions(id, paths));
  const slow = await openAttach(paths.attachSocket, { stdin: false, stdout: true, stderr: true });
  slow.pause();
  const exited = watchExit(paths.attachSocket, paths.exitFile);
  await fx.runc('start', id);
  assert.equal((await exited).exitCode, 0);
  const log = await readLog(paths.logPath);
  assert.equal(log.reduce((n, r) => n + r.log.length, 0), size);
  assert.ok(log.every((r) => r.log.length <= 16 * 1024));
  let received = 0;
  slow.on('data', (c: Buffer) => (received += c.length));
  slow.resume();
  await new Promise((r) => slow.once('close', r));
  assert.ok(received < size, `slow client received ${received} bytes`);
});
