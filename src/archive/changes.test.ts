import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { mount } from '../host/mount.js';
import { changesFromUpper } from './changes.js';
import { makeTar, streamOf, tempDir } from './tar-fixtures.js';
import { extractTar } from './tar-extract.js';

const layer = { whiteouts: 'overlay', symlinks: 'reject-parents' } as const;

test('reports A, C and D for changes made through a real overlay mount of two layers', async (t) => {
  const base = await tempDir(t, 'berth-changes-');
  const [l1, l2, upper, work, merged] = ['l1', 'l2', 'upper', 'work', 'merged'].map((d) => path.join(base, d));
  for (const d of [upper, work, merged]) fs.mkdirSync(d);

  await extractTar(
    streamOf(
      await makeTar([
        { name: 'etc/' },
        { name: 'etc/conf', content: 'v1' },
        { name: 'etc/old', content: 'o' },
        { name: 'etc/gone-in-l2', content: 'g' },
        { name: 'opt/' },
        { name: 'opt/dir/' },
        { name: 'opt/dir/a', content: 'a' },
        { name: 'opt/dir/b', content: 'b' },
        { name: 'opt/dir/sub/p', content: 'p' },
        { name: 'srv/' },
        { name: 'srv/replaced/' },
        { name: 'srv/replaced/inner', content: 'i' },
        { name: 'untouched/' },
        { name: 'untouched/file', content: 'u' },
      ]),
    ),
    l1,
    layer,
  );
  await extractTar(
    streamOf(
      await makeTar([
        { name: 'etc/' },
        { name: 'etc/.wh.gone-in-l2' },
        { name: 'opt/' },
        { name: 'opt/dir/' },
        { name: 'opt/dir/c', content: 'c' },
        { name: 'srv/' },
        { name: 'srv/.wh..wh..opq' },
        { name: 'srv/fresh', content: 'f' },
      ]),
    ),
    l2,
    layer,
  );

  await mount({ type: 'overlay', source: 'overlay', options: [`lowerdir=${l2}:${l1}`, `upperdir=${upper}`, `workdir=${work}`] }, merged);
  // The lower view: l2's opaque /srv hides l1's /srv/replaced; l2 deleted /etc/gone-in-l2.
  assert.deepEqual(fs.readdirSync(path.join(merged, 'srv')), ['fresh']);
  assert.equal(fs.existsSync(path.join(merged, 'etc/gone-in-l2')), false, "extraction's whiteout hides l1's file");
  assert.deepEqual(fs.readdirSync(path.join(merged, 'opt/dir')).sort(), ['a', 'b', 'c', 'sub']);

  fs.writeFileSync(path.join(merged, 'new-file'), 'n'); // A
  fs.writeFileSync(path.join(merged, 'etc/conf'), 'v2'); // C (+ C /etc)
  fs.rmSync(path.join(merged, 'etc/old')); // D
  fs.writeFileSync(path.join(merged, 'etc/gone-in-l2'), 'back'); // A: the lower view no longer has it
  fs.rmSync(path.join(merged, 'opt/dir'), { recursive: true }); // rm -rf + mkdir: an opaque dir in upper
  fs.mkdirSync(path.join(merged, 'opt/dir'));
  fs.writeFileSync(path.join(merged, 'opt/dir/b'), 'b2');
  fs.mkdirSync(path.join(merged, 'opt/dir/sub')); // inside the opaque dir: lower's sub/p is gone too
  fs.mkdirSync(path.join(merged, 'srv/replaced')); // A: hidden by l2's opaque /srv
  fs.mkdirSync(path.join(merged, 'newdir/sub'), { recursive: true });

  const changes = await changesFromUpper(upper, [l2, l1]);
  assert.deepEqual(
    changes.map((c) => `${c.kind} ${c.path}`),
    [
      'C /etc',
      'A /etc/gone-in-l2',
      'C /etc/conf',
      'D /etc/old',
      'A /new-file',
      'A /newdir',
      'A /newdir/sub',
      'C /opt',
      'C /opt/dir',
      'D /opt/dir/a',
      'C /opt/dir/b',
      'D /opt/dir/c',
      'C /opt/dir/sub',
      'D /opt/dir/sub/p',
      'C /srv',
      'A /srv/replaced',
    ].sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : 1)),
  );
});
