import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AccessPolicy, parseAcl } from './access-policy.js';
import type { Access } from './types.js';

const repo = (name: string, ...actions: Access['actions']): Access => ({ type: 'repository', name, actions });

test('without an ACL file authenticated users may do everything and anonymous callers nothing', async () => {
  const policy = new AccessPolicy({});
  assert.deepEqual(await policy.grant('alice', [repo('a', 'pull', 'push', 'delete')]), [repo('a', 'pull', 'push', 'delete')]);
  assert.deepEqual(await policy.grant(undefined, [repo('a', 'pull')]), [repo('a')]);
});

test('anonymous pull grants pull and nothing more', async () => {
  const policy = new AccessPolicy({ anonymousPull: true });
  assert.deepEqual(await policy.grant(undefined, [repo('a', 'pull', 'push')]), [repo('a', 'pull')]);
});

test('an ACL file grants per user and pattern, lines adding up', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-acl-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'acl');
  await fs.writeFile(
    file,
    ['# user pattern actions', 'alice * *', 'bob team/* pull,push', '* public/* pull   # everyone', 'anonymous public/* pull,push', 'alice _catalog *'].join('\n'),
  );
  const policy = new AccessPolicy({ aclFile: file, anonymousPull: true });
  await policy.open();
  assert.deepEqual(await policy.grant('bob', [repo('team/x', 'pull', 'push', 'delete')]), [repo('team/x', 'pull', 'push')]);
  assert.deepEqual(await policy.grant('bob', [repo('other', 'pull')]), [repo('other')]);
  assert.deepEqual(await policy.grant('bob', [repo('public/y', 'pull', 'push')]), [repo('public/y', 'pull')]);
  assert.deepEqual(await policy.grant('alice', [repo('x/y/z', 'delete')]), [repo('x/y/z', 'delete')]);
  // Anonymous callers are capped at pull even when a line says more.
  assert.deepEqual(await policy.grant(undefined, [repo('public/y', 'pull', 'push')]), [repo('public/y', 'pull')]);
  assert.deepEqual(await policy.grant(undefined, [repo('team/x', 'pull')]), [repo('team/x')]);
  const catalog: Access = { type: 'registry', name: 'catalog', actions: ['*'] };
  assert.deepEqual(await policy.grant('alice', [catalog]), [catalog]);
  assert.deepEqual(await policy.grant('bob', [catalog]), [{ ...catalog, actions: [] }]);

  await fs.writeFile(file, 'bob * pull\n');
  assert.deepEqual(await policy.grant('bob', [repo('other', 'pull')]), [repo('other', 'pull')], 'the changed file applies at once');
});

test('refuses ACL lines with unknown actions or the wrong field count', () => {
  assert.throws(() => parseAcl('alice * fly'), /line 1: unknown action fly/);
  assert.throws(() => parseAcl('\nalice *'), /line 2: expected/);
});
