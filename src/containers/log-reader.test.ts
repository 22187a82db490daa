import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LogWindow, readLog, type LogEntry } from './log-reader.js';
import { timeNanos } from './clock.js';

const T = (n: number) => `2024-01-01T00:00:0${n}.00000000${n}Z`;
const entry = (n: number, stream: 'stdout' | 'stderr' = 'stdout'): LogEntry => ({ log: `line${n}\n`, stream, time: T(n) });

describe('log reading', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-log-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'c-json.log');
  writeFileSync(file, [1, 2, 3, 4, 5].map((n) => JSON.stringify(entry(n))).join('\n') + '\n{"log":"torn');

  const read = async (tail: number | undefined, since = 0n, until = 0n) => {
    const q = { since, until, ...(tail !== undefined ? { tail } : {}) };
    return (await readLog(file, q, new LogWindow(q))).entries.map((e) => e.log.trim());
  };

  it('takes the tail before the since/until window, as Docker does', async () => {
    assert.deepEqual(await read(undefined), ['line1', 'line2', 'line3', 'line4', 'line5']);
    assert.deepEqual(await read(2), ['line4', 'line5']);
    assert.deepEqual(await read(0), []);
    assert.deepEqual(await read(undefined, timeNanos(T(2)), timeNanos(T(4))), ['line2', 'line3', 'line4']);
    assert.deepEqual(await read(2, 0n, timeNanos(T(3))), []);
  });

  it('ends the window at the first entry past until, and checks since only until it is met', () => {
    const w = new LogWindow({ since: timeNanos(T(2)), until: timeNanos(T(4)) });
    assert.deepEqual([1, 2, 1, 4, 5, 3].map((n) => w.admit(entry(n))), [false, true, true, true, false, false]);
    assert.equal(w.ended, true);
  });
});
