import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asBlobDigest, asRepoName, isBlobDigest, isRepoName, isTag, isUploadId } from './names.js';
import { isDistributionError } from './errors.js';

test('accepts multi-component repository names the spec allows', () => {
  for (const n of ['a', 'library/busybox', 'a/b/c', 'my-repo', 'my__repo', 'x.y_z', 'a--b', 'a0/b1/c2']) assert.ok(isRepoName(n), n);
});

test('rejects repository names that could leave the root or break the grammar', () => {
  for (const n of ['', '..', 'a/..', '../a', '.a', 'a/', '/a', 'A', 'a//b', 'a/_layers', 'a___b', 'a.-b', 'a/b/', 'a\\b', 'a b', 'a%2f..']) {
    assert.ok(!isRepoName(n), n);
  }
  assert.ok(!isRepoName('a'.repeat(256)));
});

test('checks tags against the spec expression', () => {
  for (const t of ['latest', 'v1.2.3', '_x', 'A-b_c.d', 'a'.repeat(128)]) assert.ok(isTag(t), t);
  for (const t of ['', '.', '..', '-x', '.hidden', 'a/b', 'a'.repeat(129), 'a:b']) assert.ok(!isTag(t), t);
});

test('accepts sha256 and sha512 digests only', () => {
  assert.ok(isBlobDigest(`sha256:${'a'.repeat(64)}`));
  assert.ok(isBlobDigest(`sha512:${'0'.repeat(128)}`));
  for (const d of [`sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `md5:${'a'.repeat(32)}`, `sha256:../${'a'.repeat(61)}`, `sha512:${'a'.repeat(64)}`]) {
    assert.ok(!isBlobDigest(d), d);
  }
});

test('upload ids are UUIDs', () => {
  assert.ok(isUploadId('0f8fad5b-d9cb-469f-a165-70867728950e'));
  assert.ok(!isUploadId('../../etc'));
});

test('invalid names and digests raise the spec codes', () => {
  assert.throws(() => asRepoName('UPPER'), (e) => isDistributionError(e, 'NAME_INVALID'));
  assert.throws(() => asBlobDigest('sha256:xyz'), (e) => isDistributionError(e, 'DIGEST_INVALID'));
});
