import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Digest } from '../content/digest.js';
import { BlobSources } from './blob-sources.js';

const D1 = `sha256:${'1'.repeat(64)}` as Digest;
const D2 = `sha256:${'2'.repeat(64)}` as Digest;

function tempFile(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'blob-sources-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return path.join(dir, 'blob-sources.json');
}

test('candidates are other repositories of the same registry, most recent first', () => {
  const s = new BlobSources();
  s.add('reg:5000', 'team/a', [D1]);
  s.add('reg:5000', 'team/b', [D1]);
  s.add('other:5000', 'team/c', [D1]);
  assert.deepEqual(s.candidates('reg:5000', 'team/x', D1), ['team/b', 'team/a']);
  assert.deepEqual(s.candidates('reg:5000', 'team/b', D1), ['team/a']);
  assert.deepEqual(s.candidates('reg:5000', 'team/x', D2), []);
});

test('what was learnt is there again after a restart (a new instance loading the file)', async (t) => {
  const file = tempFile(t);
  const first = new BlobSources(file);
  await first.load();
  first.add('reg:5000', 'team/a', [D1, D2]);
  await first.flush();
  const second = new BlobSources(file);
  await second.load();
  assert.deepEqual(second.candidates('reg:5000', 'team/b', D2), ['team/a']);
});

test('a damaged file starts empty instead of failing', async (t) => {
  const file = tempFile(t);
  await fs.writeFile(file, '{"version":1,"blobs":[[');
  const s = new BlobSources(file);
  await s.load();
  assert.deepEqual(s.candidates('reg:5000', 'x', D1), []);
  await fs.writeFile(file, JSON.stringify({ version: 1, blobs: [[D1, ['reg:5000/ok', 7]], 'junk'] }));
  await s.load();
  assert.deepEqual(s.candidates('reg:5000', 'x', D1), ['ok']);
});
