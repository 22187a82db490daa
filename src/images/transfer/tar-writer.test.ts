import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { collect, listTar, tempDir } from '../../archive/tar-fixtures.js';
import { readTar } from '../../archive/tar-reader.js';
import { tarStream, type TarSource } from './tar-writer.js';

async function entriesFor(dir: string, blobBytes: Buffer): Promise<TarSource[]> {
  const blob = path.join(dir, 'blob');
  await fs.writeFile(blob, blobBytes);
  return [
    { name: 'blobs/', type: 'dir' },
    { name: 'blobs/sha256/abc', type: 'blob', handle: await fs.open(blob, 'r'), size: blobBytes.length, mtime: 1_700_000_000 },
    { name: 'index.json', type: 'file', data: Buffer.from('{"x":1}') },
  ];
}

describe('tar writer', () => {
  it('writes entries that another tar parser reads back byte for byte', async (t) => {
    const dir = await tempDir(t);
    const body = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const tar = await collect(tarStream(await entriesFor(dir, body)));
    assert.equal(tar.length % 512, 0);
    const list = await listTar(tar);
    assert.deepEqual(
      list.map((e) => [e.name, e.type, e.size]),
      [
        ['blobs/', 'directory', 0],
        ['blobs/sha256/abc', 'file', body.length],
        ['index.json', 'file', 7],
      ],
    );
    for await (const { entry, body: b } of readTar(Readable.from([tar]))) {
      if (entry.name !== 'blobs/sha256/abc') continue;
      const chunks: Buffer[] = [];
      for await (const c of b) chunks.push(c);
      assert.ok(Buffer.concat(chunks).equals(body));
      assert.equal(entry.mtime, 1_700_000_000);
    }
  });

  it('produces the same bytes for the same entries', async (t) => {
    const dir = await tempDir(t);
    const a = await collect(tarStream(await entriesFor(dir, Buffer.from('same'))));
    const b = await collect(tarStream(await entriesFor(dir, Buffer.from('same'))));
    assert.ok(a.equals(b));
  });

  it('closes every blob handle, also when the stream is abandoned', async (t) => {
    const dir = await tempDir(t);
    const entries = await entriesFor(dir, Buffer.alloc(4 * 1024 * 1024));
    const stream = tarStream(entries);
    await new Promise<void>((resolve) => stream.once('readable', () => resolve()));
    stream.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const handle = (entries[1] as Extract<TarSource, { type: 'blob' }>).handle;
    await assert.rejects(handle.stat(), /closed|EBADF/);
  });

  it('fails when a blob is not the size its descriptor says', async (t) => {
    const dir = await tempDir(t);
    const entries = await entriesFor(dir, Buffer.from('short'));
    (entries[1] as { size: number }).size = 10;
    await assert.rejects(collect(tarStream(entries)), /blob size changed/);
  });
});
