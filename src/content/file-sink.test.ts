import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { tempDir } from '../archive/tar-fixtures.js';
import { FileSink } from './file-sink.js';
import * as path from 'node:path';

test('writes every chunk in order, batching more chunks than one writev takes', async (t) => {
  const file = path.join(await tempDir(t, 'berth-sink-'), 'out');
  const fd = fs.openSync(file, 'w');
  t.after(() => fs.closeSync(fd));
  const sink = new FileSink(fd);
  const chunks: Buffer[] = [];
  // 3000 small chunks written without awaiting: they queue behind the write in flight.
  const writes: Promise<void>[] = [];
  for (let i = 0; i < 3000; i++) {
    const c = Buffer.from(`${i},`);
    chunks.push(c);
    writes.push(sink.write(c));
  }
  await Promise.all(writes);
  await sink.flush();
  assert.equal(fs.readFileSync(file, 'utf8'), Buffer.concat(chunks).toString());
});

test('waits (backpressure) but loses nothing when megabytes are queued at once', async (t) => {
  const file = path.join(await tempDir(t, 'berth-sink-'), 'out');
  const fd = fs.openSync(file, 'w');
  t.after(() => fs.closeSync(fd));
  const sink = new FileSink(fd);
  let expected = 0;
  for (let i = 0; i < 40; i++) {
    const c = Buffer.alloc(512 * 1024, i);
    expected += c.length;
    await sink.write(c);
  }
  await sink.flush();
  const data = fs.readFileSync(file);
  assert.equal(data.length, expected);
  assert.equal(data[39 * 512 * 1024], 39);
});

test('a failed write is thrown by flush', async (t) => {
  const file = path.join(await tempDir(t, 'berth-sink-'), 'ro');
  fs.writeFileSync(file, '');
  const fd = fs.openSync(file, 'r');
  t.after(() => fs.closeSync(fd));
  const sink = new FileSink(fd);
  await sink.write(Buffer.from('x')).catch(() => undefined);
  await assert.rejects(sink.flush(), /EBADF/);
  await assert.rejects(sink.write(Buffer.from('y')), /EBADF/);
});
