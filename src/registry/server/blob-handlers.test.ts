import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRange } from './blob-handlers.js';

test('reads single byte ranges the RFC 9110 way', () => {
  assert.equal(parseRange(undefined, 10), undefined);
  assert.deepEqual(parseRange('bytes=0-3', 10), { start: 0, end: 3 });
  assert.deepEqual(parseRange('bytes=4-', 10), { start: 4, end: 9 });
  assert.deepEqual(parseRange('bytes=-3', 10), { start: 7, end: 9 });
  assert.deepEqual(parseRange('bytes=5-100', 10), { start: 5, end: 9 });
  assert.deepEqual(parseRange('bytes=-100', 10), { start: 0, end: 9 });
});

test('answers unsatisfiable ranges, and ignores what it does not understand', () => {
  assert.equal(parseRange('bytes=10-', 10), 'unsatisfiable');
  assert.equal(parseRange('bytes=5-4', 10), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 10), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,3-4', 10), undefined);
  assert.equal(parseRange('items=0-1', 10), undefined);
});
