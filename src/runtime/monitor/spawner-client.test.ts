import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { monitorBinaryPath } from './monitor-client.js';
import { Spawner, SpawnError } from './spawner-client.js';

test('runs commands concurrently and returns their exit status and output', async (t) => {
  const sp = new Spawner(monitorBinaryPath());
  t.after(() => sp.close());
  const [a, b, c] = await Promise.all([
    sp.run(['sh', '-c', 'sleep 0.2; echo slow; echo warn >&2; exit 3']),
    sp.run(['sh', '-c', 'echo fast']),
    sp.run(['pwd'], { cwd: '/tmp' }),
  ]);
  assert.deepEqual(a, { code: 3, signal: 0, stdout: 'slow\n', stderr: 'warn\n', fd3: '' });
  assert.equal(b.stdout, 'fast\n');
  assert.equal(c.stdout, '/tmp\n');
});

test('captures fd 3 until every holder closed it, as a daemonising monitor does', async (t) => {
  const sp = new Spawner(monitorBinaryPath());
  t.after(() => sp.close());
  const r = await sp.run(['sh', '-c', '(sleep 0.2; echo "{\\"pid\\":1}" >&3) & exit 0'], { captureFd3: true });
  assert.equal(r.code, 0);
  assert.equal(r.fd3, '{"pid":1}\n');
});

test('kills a command at its timeout and reports the signal', async (t) => {
  const sp = new Spawner(monitorBinaryPath());
  t.after(() => sp.close());
  const r = await sp.run(['sleep', '10'], { timeoutMs: 100 });
  assert.deepEqual([r.code, r.signal], [null, 9]);
});

test('a command that cannot be executed fails with its errno', async (t) => {
  const sp = new Spawner(monitorBinaryPath());
  t.after(() => sp.close());
  const err = await sp.run(['/nonexistent/runc', 'state', 'x']).catch((e: unknown) => e);
  assert.ok(err instanceof SpawnError);
  assert.equal(err.errno, 'ENOENT');
  assert.match(err.message, /nonexistent\/runc.*No such file or directory/);
  assert.equal((await sp.run(['true'])).code, 0, 'the helper goes on');
});

test('when the helper dies, commands in flight fail and the next one starts a new helper', async (t) => {
  const sp = new Spawner(monitorBinaryPath());
  t.after(() => sp.close());
  const pid = Number((await sp.run(['sh', '-c', 'echo $PPID'])).stdout.trim());
  const pidFile = path.join(await fs.mkdtemp(path.join(tmpdir(), 'berth-spawner-')), 'pid');
  t.after(async () => {
    const orphan = Number(await fs.readFile(pidFile, 'utf8').catch(() => '0'));
    if (orphan > 0) {
      try {
        process.kill(orphan, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await fs.rm(path.dirname(pidFile), { recursive: true, force: true });
  });
  const inflight = sp.run(['sh', '-c', `echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile} && exec sleep 5`]);
  while (!(await fs.stat(pidFile).catch(() => undefined))) await new Promise((r) => setTimeout(r, 10));
  process.kill(pid, 'SIGKILL');
  await assert.rejects(inflight, /command helper .* exited/);
  const again = await sp.run(['sh', '-c', 'echo $PPID']);
  assert.notEqual(Number(again.stdout.trim()), pid);
});

test('refuses NUL bytes in arguments instead of splitting them', async (t) => {
  const sp = new Spawner(monitorBinaryPath());
  t.after(() => sp.close());
  await assert.rejects(sp.run(['echo', 'a\0b']), /NUL/);
});
