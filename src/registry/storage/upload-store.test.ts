import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { isDistributionError } from './errors.js';
import { asRepoName, type BlobDigest } from './names.js';
import { RegistryStorage } from './registry-storage.js';

const repo = asRepoName('team/app');
const sha = (b: Buffer, alg: 'sha256' | 'sha512' = 'sha256'): BlobDigest => `${alg}:${createHash(alg).update(b).digest('hex')}` as BlobDigest;
const body = (...parts: Buffer[]): AsyncIterable<Buffer> => Readable.from(parts);

async function open(t: TestContext, root?: string): Promise<RegistryStorage> {
  const dir = root ?? mkdtempSync(path.join(tmpdir(), 'berth-reg-'));
  const s = await RegistryStorage.open(dir);
  t.after(async () => {
    await s.close();
    if (root === undefined) await fs.rm(dir, { recursive: true, force: true });
  });
  return s;
}

test('chunks append in order and the verified blob becomes visible on finish', async (t) => {
  const s = await open(t);
  const a = Buffer.from('hello, ');
  const b = Buffer.from('world');
  const up = await s.uploads.start(repo);
  assert.equal((await s.uploads.append(repo, up.id, { body: body(a), range: { start: 0, end: a.length - 1 }, length: a.length })).size, a.length);
  await assert.rejects(s.uploads.append(repo, up.id, { body: body(b), range: { start: 0, end: 4 } }), (e) => isDistributionError(e, 'BLOB_UPLOAD_INVALID') && e.status === 416);
  const whole = Buffer.concat([a, b]);
  assert.equal(await s.blobs.statInRepo(repo, sha(whole)), undefined);
  await s.uploads.finish(repo, up.id, sha(whole), { body: body(b), range: { start: a.length, end: whole.length - 1 } });
  assert.equal(await s.blobs.statInRepo(repo, sha(whole)), whole.length);
  assert.deepEqual(await s.blobs.readBytes(sha(whole)), whole);
  await assert.rejects(s.uploads.status(repo, up.id), (e) => isDistributionError(e, 'BLOB_UPLOAD_UNKNOWN'));
});

test('a chunk that fails half-way leaves the upload at its last good offset', async (t) => {
  const s = await open(t);
  const up = await s.uploads.start(repo);
  await s.uploads.append(repo, up.id, { body: body(Buffer.from('abc')) });
  async function* broken(): AsyncIterable<Buffer> {
    yield Buffer.from('def');
    throw new Error('client went away');
  }
  await assert.rejects(s.uploads.append(repo, up.id, { body: broken() }), /client went away/);
  assert.equal((await s.uploads.status(repo, up.id)).size, 3);
  // A short chunk (fewer bytes than its range) is rolled back too.
  await assert.rejects(s.uploads.append(repo, up.id, { body: body(Buffer.from('d')), range: { start: 3, end: 5 } }), (e) => isDistributionError(e, 'SIZE_INVALID'));
  assert.equal((await s.uploads.status(repo, up.id)).size, 3);
  await s.uploads.finish(repo, up.id, sha(Buffer.from('abcdef')), { body: body(Buffer.from('def')) });
  assert.deepEqual(await s.blobs.readBytes(sha(Buffer.from('abcdef'))), Buffer.from('abcdef'));
});

test('a wrong digest cancels the upload and leaves nothing visible', async (t) => {
  const s = await open(t);
  const up = await s.uploads.start(repo);
  const data = Buffer.from('payload');
  const claimed = sha(Buffer.from('something else'));
  await assert.rejects(s.uploads.finish(repo, up.id, claimed, { body: body(data) }), (e) => isDistributionError(e, 'DIGEST_INVALID'));
  assert.equal(await s.blobs.stat(claimed), undefined);
  assert.equal(await s.blobs.stat(sha(data)), undefined);
  assert.deepEqual(await fs.readdir(s.layout.uploadsDir), []);
  await assert.rejects(s.uploads.status(repo, up.id), (e) => isDistributionError(e, 'BLOB_UPLOAD_UNKNOWN'));
});

test('an upload belongs to its repository', async (t) => {
  const s = await open(t);
  const up = await s.uploads.start(repo);
  await assert.rejects(s.uploads.status(asRepoName('other'), up.id), (e) => isDistributionError(e, 'BLOB_UPLOAD_UNKNOWN'));
  await assert.rejects(s.uploads.status(repo, '../../etc'), (e) => isDistributionError(e, 'BLOB_UPLOAD_UNKNOWN'));
});

test('an upload survives a restart and is re-hashed from disk', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-reg-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const first = await RegistryStorage.open(root);
  const up = await first.uploads.start(repo);
  await first.uploads.append(repo, up.id, { body: body(Buffer.from('part one|')) });
  await first.close();
  const second = await open(t, root);
  assert.equal((await second.uploads.status(repo, up.id)).size, 9);
  const all = Buffer.from('part one|part two');
  await second.uploads.finish(repo, up.id, sha(all), { body: body(Buffer.from('part two')) });
  assert.equal(await second.blobs.statInRepo(repo, sha(all)), all.length);
});

test('sha512 uploads are verified with sha512', async (t) => {
  const s = await open(t);
  const data = Buffer.from('five hundred and twelve');
  const up = await s.uploads.start(repo, 'sha512');
  await s.uploads.finish(repo, up.id, sha(data, 'sha512'), { body: body(data) });
  assert.equal(await s.blobs.statInRepo(repo, sha(data, 'sha512')), data.length);
  // A sha256 session completed with a sha512 digest is re-hashed rather than refused.
  const other = Buffer.from('mixed');
  const up2 = await s.uploads.start(repo);
  await s.uploads.finish(repo, up2.id, sha(other, 'sha512'), { body: body(other) });
  assert.equal(await s.blobs.statInRepo(repo, sha(other, 'sha512')), other.length);
});

test('sweep removes idle uploads and leaves busy ones', async (t) => {
  const s = await open(t);
  const idle = await s.uploads.start(repo);
  await s.uploads.append(repo, idle.id, { body: body(Buffer.from('x')) });
  await new Promise((r) => setTimeout(r, 30));
  const fresh = await s.uploads.start(repo);
  assert.equal(await s.uploads.sweep(20), 1);
  await assert.rejects(s.uploads.status(repo, idle.id), (e) => isDistributionError(e, 'BLOB_UPLOAD_UNKNOWN'));
  assert.equal((await s.uploads.status(repo, fresh.id)).size, 0);
  assert.deepEqual(await fs.readdir(s.layout.uploadsDir), [fresh.id]);
});

test('cancel removes the upload', async (t) => {
  const s = await open(t);
  const up = await s.uploads.start(repo);
  await s.uploads.append(repo, up.id, { body: body(Buffer.from('bytes')) });
  await s.uploads.cancel(repo, up.id);
  assert.deepEqual(await fs.readdir(s.layout.uploadsDir), []);
  await assert.rejects(s.uploads.cancel(repo, up.id), (e) => isDistributionError(e, 'BLOB_UPLOAD_UNKNOWN'));
});
