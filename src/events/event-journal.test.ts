import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventJournal } from './event-journal.js';

const root = mkdtempSync(path.join(tmpdir(), 'berth-journal-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `j${n++}`);
const segments = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();

describe('events journal', () => {
  it('batches appends: nothing is written until the flush, then one segment holds them in order', async () => {
    const dir = freshDir();
    const j = new EventJournal(dir, { flushMs: 10_000 });
    assert.deepEqual(await j.open(), []);
    for (let i = 0; i < 5; i++) j.append(`{"n":${i}}\n`);
    const [seg] = segments(dir);
    assert.equal(readFileSync(path.join(dir, seg!), 'utf8'), '');
    await j.flush();
    assert.equal(readFileSync(path.join(dir, seg!), 'utf8'), '{"n":0}\n{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n');
    await j.close();
  });

  it('writes on its own after flushMs', async () => {
    const dir = freshDir();
    const j = new EventJournal(dir, { flushMs: 5 });
    await j.open();
    j.append('{"a":1}\n');
    const deadline = Date.now() + 5000;
    while (readFileSync(path.join(dir, segments(dir)[0]!), 'utf8') === '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(readFileSync(path.join(dir, segments(dir)[0]!), 'utf8'), '{"a":1}\n');
    await j.close();
  });

  it('reads back earlier runs oldest first and starts a new segment each run', async () => {
    const dir = freshDir();
    const first = new EventJournal(dir);
    await first.open();
    first.append('one\n');
    first.append('two\n');
    await first.close();
    const second = new EventJournal(dir);
    assert.deepEqual(await second.open(), ['one', 'two']);
    second.append('three\n');
    await second.close();
    assert.equal(segments(dir).length, 2);
    const third = new EventJournal(dir);
    assert.deepEqual(await third.open(), ['one', 'two', 'three']);
    await third.close();
  });

  it('hands back a torn last line as it is, and never appends after it', async () => {
    const dir = freshDir();
    const j = new EventJournal(dir);
    await j.open();
    j.append('{"whole":1}\n');
    await j.close();
    const seg = path.join(dir, segments(dir)[0]!);
    await fs.appendFile(seg, '{"torn":'); // as kill -9 in the middle of a write leaves it
    const again = new EventJournal(dir);
    assert.deepEqual(await again.open(), ['{"whole":1}', '{"torn":']);
    again.append('{"next":1}\n');
    await again.close();
    assert.equal(readFileSync(seg, 'utf8'), '{"whole":1}\n{"torn":');
  });

  it('rotates segments and keeps about maxEvents lines on disk', async () => {
    const dir = freshDir();
    const j = new EventJournal(dir, { segmentEvents: 10, maxEvents: 25 });
    await j.open();
    for (let i = 0; i < 100; i++) {
      j.append(`${i}\n`);
      if (i % 5 === 4) await j.flush();
    }
    await j.close();
    const files = segments(dir);
    assert.ok(files.length <= 4, `${files.length} segments`);
    const reopened = new EventJournal(dir, { segmentEvents: 10, maxEvents: 25 });
    const lines = await reopened.open();
    await reopened.close();
    assert.equal(lines.length, 25);
    assert.equal(lines.at(-1), '99');
    assert.equal(lines[0], '75');
  });
});
