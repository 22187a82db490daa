/**
 * `kill -9 berthd`, then start it again: volumes and their data are intact,
 * running containers keep their mounts and their hold on their volumes, a
 * volume whose only user exited meanwhile is unmounted, and a half-made
 * volume directory is swept.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { mountsUnder, startDaemonWithBusybox, waitForLog, type TestDaemon } from '../../harness/daemon.js';

describe('volumes across a daemon crash', () => {
  let d: TestDaemon;
  const ok = (args: string[]) => {
    const r = d.berth(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const dataPath = (volume: string) => path.join(d.dataRoot, 'volumes', volume, '_data');
  const mounted = (volume: string) => mountsUnder(d.dir).includes(dataPath(volume));

  before(async () => {
    d = await startDaemonWithBusybox();
  });
  after(async () => {
    await d?.cleanup();
  });

  it('keeps volumes, data and the mounts of running containers', async () => {
    ok(['volume', 'create', '--label', 'keep=1', 'durable']);
    ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', 'mem']);
    ok(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', 'brief']);
    ok(['run', '--rm', '-v', 'durable:/d', 'busybox', 'sh', '-c', 'echo persisted > /d/f']);
    const id = ok(['run', '-d', '--name', 'live', '-v', 'durable:/d', '-v', 'mem:/m', '-v', '/anon', 'busybox', 'sh', '-c', 'echo in-tmpfs > /m/f; echo ready; sleep 600']).trim();
    ok(['run', '-d', '--name', 'short', '-v', 'brief:/b', 'busybox', 'sh', '-c', 'echo ready; sleep 1.5']);
    await waitForLog((a) => d.berth(a), 'live', 'ready');
    await waitForLog((a) => d.berth(a), 'short', 'ready');
    assert.ok(mounted('mem') && mounted('brief'));
    assert.equal(ok(['inspect', '-f', '{{.State.Status}}', 'short']), 'running\n');
    const anon = ok(['inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}', 'live']).trim();

    await d.stop('SIGKILL');
    // While berthd is down, `short` exits, and a crash leaves half a volume behind.
    await new Promise((r) => setTimeout(r, 2000));
    mkdirSync(path.join(d.dataRoot, 'volumes', '.tmp-vol-0123456789ab', '_data'), { recursive: true });
    await d.start();

    assert.deepEqual(ok(['volume', 'ls', '-q']).split('\n').filter(Boolean).sort(), [anon, 'brief', 'durable', 'mem'].sort());
    assert.equal(readFileSync(path.join(dataPath('durable'), 'f'), 'utf8'), 'persisted\n');
    assert.equal(ok(['volume', 'inspect', '-f', '{{.Labels.keep}}', 'durable']), '1\n');
    assert.ok(!readdirSync(path.join(d.dataRoot, 'volumes')).some((n) => n.startsWith('.tmp-')), 'half-made volume swept');

    // The running container still sees its volumes, and still holds them.
    assert.equal(ok(['exec', 'live', 'cat', '/d/f', '/m/f']), 'persisted\nin-tmpfs\n');
    assert.ok(mounted('mem'));
    const r = d.berth(['volume', 'rm', 'mem']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`volume is in use - \\[${id}\\]`));
    // The exit found at restart released the tmpfs volume of `short`.
    assert.equal(ok(['inspect', '-f', '{{.State.Status}}', 'short']), 'exited\n');
    assert.ok(!mounted('brief'), 'a volume whose user exited meanwhile is unmounted');

    ok(['stop', '-t', '1', 'live']);
    assert.ok(!mounted('mem'), 'unmounted after its last user stopped');
    ok(['rm', '-v', 'live', 'short']);
    assert.equal(existsSync(dataPath(anon)), false);
    assert.equal(ok(['volume', 'rm', 'mem', 'brief', 'durable']), 'mem\nbrief\ndurable\n');
    assert.deepEqual(mountsUnder(d.dir).filter((m) => m.startsWith(path.join(d.dataRoot, 'volumes'))), []);
  });
});
