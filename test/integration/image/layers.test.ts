/**
 * `berth image layers` end to end: a real berthd with the busybox image, a
 * container that adds, changes and deletes a file, committed; then the CLI
 * table (with --files) and the API route it reads, GET
 * /berth/images/{name}/layers, including names with slashes and colons and
 * the "No such image" error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerReport } from '../../../src/images/layer-files.js';
import { startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

const ID12 = /^[0-9a-f]{12}$/;

/**
 * Files the runtime creates as mount targets when the image lacks them
 * (busybox has no /etc/resolv.conf). A committed layer must not hold them
 * (Docker keeps them in an init layer): asserted, then the rest compared.
 */
const RUNTIME_FILES = new Set(['/etc/resolv.conf', '/etc/hosts', '/etc/hostname', '/.dockerenv']);
const ours = (lines: string[]): string[] => {
  const leaked = lines.filter((l) => RUNTIME_FILES.has(l.slice(2)));
  assert.deepEqual(leaked, [], 'runtime mount points leaked into the layer');
  return lines;
};

describe('berth image layers', () => {
  let d: TestDaemon;
  const ok = (args: string[]): string => {
    const r = d.berth(args);
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    d = await startDaemonWithBusybox();
    ok(['run', '--name', 'changer', 'busybox', 'sh', '-c', 'echo hi > /new-file && echo "me:x:1000:1000::/home/me:/bin/sh" >> /etc/passwd && rm /bin/ls']);
    ok(['commit', 'changer', 'example.com/team/layered:v1']);
    ok(['rm', 'changer']);
  });
  after(async () => {
    await d?.cleanup();
  });

  it('shows the busybox layer, then the commit\'s layer with its added, changed and deleted files', () => {
    const lines = ok(['image', 'layers', '--files', 'example.com/team/layered:v1']).split('\n').filter((l) => l !== '');
    assert.deepEqual(lines[0]!.split(/ {2,}/), ['LAYER', 'SIZE', 'ADDED', 'CHANGED', 'DELETED', 'CREATED BY']);
    const rows = lines.map((l, i) => [i, l.split(/ {2,}/)] as const).filter(([, cells]) => cells.length === 6).slice(1);
    assert.equal(rows.length, 3, lines.slice(0, 5).join('\n'));
    const [base, cmd, commit] = rows.map(([i, cells]) => ({ i, cells }));

    assert.match(base!.cells[0]!, ID12);
    assert.match(base!.cells[5]!, /^berth image bootstrap busybox/);
    assert.ok(Number(base!.cells[2]) > 100, `busybox adds its applets: ${base!.cells[2]}`);
    assert.deepEqual(base!.cells.slice(3, 5), ['0', '0']);
    const baseFiles = lines.slice(base!.i + 1, cmd!.i);
    assert.ok(baseFiles.includes('A /bin/busybox') && baseFiles.includes('A /etc/passwd'), baseFiles.slice(0, 5).join('\n'));
    assert.ok(baseFiles.every((l) => l.startsWith('A /')), 'a base layer only adds');

    assert.deepEqual(cmd!.cells.slice(0, 5), ['<metadata>', '0B', '0', '0', '0']);
    assert.equal(cmd!.cells[5], 'CMD ["sh"]');
    assert.equal(cmd!.i + 1, commit!.i, 'an empty layer lists no files');

    assert.match(commit!.cells[0]!, ID12);
    assert.match(commit!.cells[5]!, /^sh -c echo hi > \/new-file/);
    const files = lines.slice(commit!.i + 1);
    assert.deepEqual(ours(files), ['D /bin/ls', 'C /etc/passwd', 'A /new-file']);
    // The counts are the file lines of each kind.
    assert.deepEqual(commit!.cells.slice(2, 5), ['A', 'C', 'D'].map((k) => String(files.filter((l) => l.startsWith(`${k} `)).length)));
  });

  it('prints counts without files by default, full IDs with --no-trunc, and custom templates', () => {
    const plain = ok(['image', 'layers', 'example.com/team/layered:v1']).split('\n').filter((l) => l !== '');
    assert.equal(plain.length, 4);
    const full = ok(['image', 'layers', '--no-trunc', '--format', '{{.Layer}}|{{.Added}}|{{.Changed}}|{{.Deleted}}', 'example.com/team/layered:v1']);
    const last = full.trim().split('\n').at(-1)!.split('|');
    assert.match(last[0]!, /^sha256:[0-9a-f]{64}$/);
    assert.ok(Number(last[1]) >= 1, `added: ${last[1]}`);
    assert.deepEqual(last.slice(2), ['1', '1']);
  });

  it('answers the report as JSON on GET /berth/images/{name}/layers, versioned or not', async () => {
    for (const prefix of ['', '/v1.45']) {
      const r = await d.api('GET', `${prefix}/berth/images/example.com/team/layered:v1/layers`);
      assert.equal(r.status, 200, r.text);
      const reports = r.body as LayerReport[];
      assert.deepEqual(reports.map((x) => x.emptyLayer), [false, true, false]);
      const top = reports[2]!;
      const notRuntime = (paths: string[]): string[] => {
        assert.deepEqual(paths.filter((p) => RUNTIME_FILES.has(p)), [], 'runtime mount points leaked into the layer');
        return paths;
      };
      assert.deepEqual([notRuntime(top.added), top.changed, top.deleted], [['/new-file'], ['/etc/passwd'], ['/bin/ls']]);
      assert.match(top.diffId!, /^sha256:[0-9a-f]{64}$/);
      assert.ok(top.size > 0);
      const inspect = (await d.api('GET', '/images/example.com/team/layered:v1/json')).body as { RootFS: { Layers: string[] } };
      assert.deepEqual([reports[0]!.diffId, top.diffId], inspect.RootFS.Layers);
    }
  });

  it('fails with exit code 1 and "No such image" for an unknown image', async () => {
    const r = d.berth(['image', 'layers', 'nosuch']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error response from daemon: No such image: nosuch:latest/);
    const api = await d.api('GET', '/berth/images/nosuch/layers');
    assert.equal(api.status, 404);
    assert.deepEqual(api.body, { message: 'No such image: nosuch:latest' });
  });
});
