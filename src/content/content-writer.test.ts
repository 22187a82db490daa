import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { tempDir } from '../archive/tar-fixtures.js';
import { InvalidArgumentError } from '../errors.js';
import { LocalContentStore } from './content-store.js';
import { digestOf } from './digest.js';

async function store(t: TestContext): Promise<{ content: LocalContentStore; root: string }> {
  const root = await tempDir(t, 'berth-content-');
  const content = new LocalContentStore(root);
  await content.init();
  return { content, root };
}

test('a blob written chunk by chunk is committed under its digest and reads back whole', async (t) => {
  const { content, root } = await store(t);
  const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
  const w = await content.writer();
  for (let off = 0; off < data.length; off += 65536) await w.write(data.subarray(off, off + 65536));
  assert.equal(w.size, data.length);
  const info = await w.commit({ digest: digestOf(data), size: data.length });
  assert.deepEqual(info, { digest: digestOf(data), size: data.length });
  assert.ok((await content.readBlob(info.digest)).equals(data));
  assert.deepEqual(await fs.readdir(path.join(root, 'ingest')), [], 'no temp file is left');
});

test('a size or digest mismatch refuses the blob and leaves nothing behind', async (t) => {
  const { content, root } = await store(t);
  const w1 = await content.writer();
  await w1.write(Buffer.from('abc'));
  await assert.rejects(w1.commit({ size: 4 }), InvalidArgumentError);
  const w2 = await content.writer();
  await w2.write(Buffer.from('abc'));
  await assert.rejects(w2.commit({ digest: digestOf('abd') }), /digest mismatch/);
  assert.equal(await content.has(digestOf('abc')), false);
  assert.deepEqual(await fs.readdir(path.join(root, 'ingest')), []);
  assert.deepEqual(await fs.readdir(path.join(root, 'blobs', 'sha256')), []);
});

test('abort drops the temp file and the writer refuses further use', async (t) => {
  const { content, root } = await store(t);
  const w = await content.writer();
  await w.write(Buffer.from('partial'));
  await w.abort();
  await w.abort();
  assert.deepEqual(await fs.readdir(path.join(root, 'ingest')), []);
  await assert.rejects(w.write(Buffer.from('more')), /after commit or abort/);
});

test('ingest of a failing stream stores nothing', async (t) => {
  const { content, root } = await store(t);
  const failing = Readable.from(
    (async function* () {
      yield Buffer.from('some bytes');
      throw new Error('connection reset');
    })(),
  );
  await assert.rejects(content.ingest(failing), /connection reset/);
  assert.deepEqual(await fs.readdir(path.join(root, 'ingest')), []);
  const ok = await content.ingest(Readable.from([Buffer.from('a'), Buffer.from('b')]));
  assert.equal(ok.digest, digestOf('ab'));
});
