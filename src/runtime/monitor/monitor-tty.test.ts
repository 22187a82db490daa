import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { closeStdin, launchMonitor, openAttach, resizeTty, watchExit } from './monitor-client.js';
import { collectRaw, createRuncFixture, readLog } from './runc-test-fixture.js';

const T = { timeout: 30_000 };

test('tty: an attach drives sh through the pty, resize applies, exit 5 is recorded', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['sh'], terminal: true });
  await launchMonitor(fx.createOptions(id, paths, { consoleSocket: paths.consoleSocket, stdin: true }));
  // The console socket is only needed until runc handed over the pty master.
  await assert.rejects(fs.access(paths.consoleSocket));
  await resizeTty(paths.attachSocket, 33, 101);
  const sock = await openAttach(paths.attachSocket, { stdin: true, stdout: true, stderr: true });
  const output = collectRaw(sock); // raw bytes: no frame headers with a tty
  const exited = watchExit(paths.attachSocket, paths.exitFile);
  await fx.runc('start', id);
  sock.write('stty size; echo h""i; exit 5\n');
  const text = await output;
  assert.match(text, /33 101\r\n/);
  assert.match(text, /\r\nhi\r\n/);
  assert.equal((await exited).exitCode, 5);
  const log = await readLog(paths.logPath);
  assert.ok(log.every((r) => r.stream === 'stdout'));
  assert.match(log.map((r) => r.log).join(''), /hi\r\n/);
});

test('tty: CLOSE-STDIN sends EOT, which ends cat reading the terminal', T, async (t) => {
  const fx = await createRuncFixture(t);
  const id = fx.newId();
  const paths = await fx.writeBundle(id, { args: ['cat'], terminal: true });
  await launchMonitor(fx.createOptions(id, paths, { consoleSocket: paths.consoleSocket, stdin: true }));
  const sock = await openAttach(paths.attachSocket, { stdin: true, stdout: true, stderr: false });
  const output = collectRaw(sock);
  await fx.runc('start', id);
  sock.write('typed line\n');
  // Wait for the echo so the EOT arrives at the start of an empty line, where it means end of file.
  await new Promise<void>((resolve) => {
    let seen = '';
    sock.on('data', (c: Buffer) => {
      seen += c.toString();
      if ((seen.match(/typed line/g) ?? []).length >= 2) resolve();
    });
  });
  await closeStdin(paths.attachSocket);
  assert.equal((await watchExit(paths.attachSocket, paths.exitFile)).exitCode, 0);
  assert.match(await output, /typed line\r\ntyped line\r\n/);
});
