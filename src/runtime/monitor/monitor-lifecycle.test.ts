import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BerthError, NotFoundError } from '../../errors.js';
import {
  launchMonitor,
  monitorAlive,
  monitorBinaryPath,
  openAttach,
  readExitFile,
  watchExit,
  type LaunchResult,
} from './monitor-client.js';
import { createRuncFixture, isRunning, parentPid, readLog, RUNC } from './runc-test-fixture.js';

const T = { timeout: 30_000 };

test('the monitor is not a child of its launcher', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sleep', '1000'] });
  const launched = await launchMonitor(fx.createOptions(id, paths));
  assert.notEqual(await parentPid(launched.monitorPid), process.pid);
  // It is the container process's reaper instead.
  assert.equal(await parentPid(launched.pid), launched.monitorPid);
  assert.ok(await monitorAlive(paths.attachSocket));
});

test('keeps logging and writes the exit file after its launcher is killed with SIGKILL', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sh', '-c', 'read x; echo after-$x; exit 9'] });
  const opts = fx.createOptions(id, paths, { stdin: true });
  // A stand-in for berthd: launches the monitor, reports, then waits to be killed.
  const client = fileURLToPath(new URL('./monitor-client.js', import.meta.url));
  const script = `import { launchMonitor } from ${JSON.stringify(client)};
    const r = await launchMonitor(${JSON.stringify(opts)});
    process.stdout.write(JSON.stringify(r) + '\\n'); setInterval(() => {}, 1000);`;
  const daemon = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => daemon.kill('SIGKILL'));
  const launched = await new Promise<LaunchResult>((resolve, reject) => {
    daemon.stdout.once('data', (b: Buffer) => resolve(JSON.parse(b.toString()) as LaunchResult));
    daemon.once('exit', () => reject(new Error('stand-in daemon exited before reporting')));
  });
  daemon.kill('SIGKILL');
  await new Promise((r) => daemon.once('exit', r));

  assert.ok(await isRunning(launched.monitorPid));
  await fx.runc('start', id);
  const sock = await openAttach(paths.attachSocket, { stdin: true, stdout: false, stderr: false });
  sock.end('ok\n');
  const status = await watchExit(paths.attachSocket, paths.exitFile);
  assert.equal(status.exitCode, 9);
  assert.deepEqual(await readExitFile(paths.exitFile), status);
  assert.deepEqual((await readLog(paths.logPath)).map((r) => r.log), ['after-ok\n']);
});

test('watchExit falls back to the exit file once the monitor is gone', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['true'] });
  await launchMonitor(fx.createOptions(id, paths));
  await fx.runc('start', id);
  const first = await watchExit(paths.attachSocket, paths.exitFile);
  const again = await watchExit(paths.attachSocket, paths.exitFile); // socket unlinked by now, or about to be
  assert.deepEqual(again, first);
  await assert.rejects(watchExit(path.join(fx.dir, 'none.sock'), path.join(fx.dir, 'none.json')), {
    name: 'UnavailableError',
  });
  const ac = new AbortController();
  const pending = watchExit(path.join(fx.dir, 'none.sock'), path.join(fx.dir, 'none.json'), ac.signal);
  ac.abort(new Error('stop'));
  await assert.rejects(pending, /stop/);
});

test('a failing runc reports its error and the monitor cleans up', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['true'] });
  const opts = fx.createOptions(id, paths);
  opts.runtimeArgv = [RUNC, '--root', fx.root, 'create', '--bundle', path.join(fx.dir, 'no-such-bundle'), '--pid-file', paths.pidFile, id];
  const err = await launchMonitor(opts).catch((e: unknown) => e);
  assert.ok(err instanceof BerthError);
  assert.equal(err.kind, 'internal');
  assert.match(err.message, /no-such-bundle/);
  await assert.rejects(fs.access(paths.attachSocket));
  assert.equal(await readExitFile(paths.exitFile), undefined);

  await assert.rejects(
    launchMonitor({ ...opts, exitFile: path.join(fx.dir, 'no-dir', 'exit.json') }),
    /exit file directory/,
  );
  opts.runtimeArgv = ['/nonexistent/runc', 'create', id];
  await assert.rejects(launchMonitor(opts), (e: unknown) => e instanceof BerthError && /nonexistent\/runc/.test(e.message));
  await assert.rejects(launchMonitor({ ...opts, monitorPath: path.join(fx.dir, 'no-monitor') }), BerthError);
});

test('a command missing from the image is NotFoundError with Docker\'s wording', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['no-such-command'] });
  const err = await launchMonitor(fx.createOptions(id, paths)).catch((e: unknown) => e);
  assert.ok(err instanceof NotFoundError, String(err));
  assert.equal(err.message, 'exec: "no-such-command": executable file not found in $PATH');
});

test('the monitor binary is found beside the compiled module', () => {
  assert.equal(monitorBinaryPath(), path.resolve(fileURLToPath(import.meta.url), '../../../../bin/berth-monitor'));
});
