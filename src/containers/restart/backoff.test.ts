import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKOFF_MAX_MS, RestartBackoff } from './backoff.js';

describe('RestartBackoff', () => {
  it('restarts at once the first time, then waits 100 ms and doubles', () => {
    const b = new RestartBackoff();
    assert.deepEqual([1, 2, 3, 4, 5].map(() => b.next(50)), [0, 100, 200, 400, 800]);
  });

  it('never waits more than a minute', () => {
    const b = new RestartBackoff();
    let last = 0;
    for (let i = 0; i < 40; i++) last = b.next(10);
    assert.equal(last, BACKOFF_MAX_MS);
    assert.equal(b.next(10), BACKOFF_MAX_MS);
  });

  it('starts again after a run of ten seconds or more', () => {
    const b = new RestartBackoff();
    for (let i = 0; i < 6; i++) b.next(100);
    assert.equal(b.next(10_000), 0);
    assert.equal(b.next(9_999), 100);
  });

  it('counts a run of unknown length as a quick crash', () => {
    const b = new RestartBackoff();
    b.next(NaN);
    assert.equal(b.next(NaN), 100);
  });
});
