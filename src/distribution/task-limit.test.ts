import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextLink } from './tag-list.js';
import { taskLimit } from './task-limit.js';

describe('taskLimit', () => {
  it('runs at most n tasks at once and tells the ones that wait', async () => {
    const limit = taskLimit(2);
    let running = 0;
    let peak = 0;
    const waited: number[] = [];
    const task = (i: number) =>
      limit(
        async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 10));
          running--;
          return i;
        },
        () => waited.push(i),
      );
    assert.deepEqual(await Promise.all([0, 1, 2, 3, 4].map(task)), [0, 1, 2, 3, 4]);
    assert.equal(peak, 2);
    assert.deepEqual(waited, [2, 3, 4]);
  });

  it('frees the slot of a task that failed', async () => {
    const limit = taskLimit(1);
    await assert.rejects(limit(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await limit(async () => 'next'), 'next');
  });
});

describe('nextLink', () => {
  it('finds rel="next" in a Link header', () => {
    assert.equal(nextLink('</v2/a/tags/list?last=b&n=2>; rel="next"'), '/v2/a/tags/list?last=b&n=2');
    assert.equal(nextLink('<http://x/y>; rel="prev", <http://x/z>; rel="next"'), 'http://x/z');
    assert.equal(nextLink(undefined), undefined);
  });
});
