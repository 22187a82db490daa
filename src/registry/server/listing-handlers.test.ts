import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDistributionError } from '../storage/errors.js';
import { paginate, pageSize } from './listing-handlers.js';

const all = ['a', 'b', 'c', 'd', 'e'];

test('pages by n and last, with a next marker only when more follow', () => {
  assert.deepEqual(paginate(all, undefined, undefined), { items: all });
  assert.deepEqual(paginate(all, 2, undefined), { items: ['a', 'b'], next: 'b' });
  assert.deepEqual(paginate(all, 2, 'b'), { items: ['c', 'd'], next: 'd' });
  assert.deepEqual(paginate(all, 2, 'd'), { items: ['e'] });
  assert.deepEqual(paginate(all, 5, undefined), { items: all });
  assert.deepEqual(paginate(all, undefined, 'c'), { items: ['d', 'e'] });
  assert.deepEqual(paginate(all, 3, 'bb'), { items: ['c', 'd', 'e'] });
});

test('n=0 is an empty page without a next marker', () => {
  assert.deepEqual(paginate(all, 0, undefined), { items: [] });
});

test('n must be a non-negative integer', () => {
  assert.equal(pageSize(new URLSearchParams('n=3'), undefined), 3);
  assert.equal(pageSize(new URLSearchParams(''), 7), 7);
  for (const bad of ['-1', 'x', '1.5']) {
    assert.throws(() => pageSize(new URLSearchParams({ n: bad }), undefined), (e) => isDistributionError(e, 'PAGINATION_NUMBER_INVALID'));
  }
});
