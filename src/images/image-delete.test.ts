import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSingleReference } from './image-delete.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('isSingleReference (when rmi by ID may untag without -f)', () => {
  it('is false for no reference and true for one', () => {
    assert.equal(isSingleReference([]), false);
    assert.equal(isSingleReference(['docker.io/library/busybox:latest']), true);
  });

  it('allows one tag with digests of the same repository', () => {
    assert.equal(isSingleReference(['docker.io/library/busybox:latest', `docker.io/library/busybox@${D}`]), true);
    assert.equal(isSingleReference([`docker.io/library/busybox@${D}`]), true);
  });

  it('is false for two tags, or a digest of another repository', () => {
    assert.equal(isSingleReference(['docker.io/library/busybox:latest', 'docker.io/library/busybox:1']), false);
    assert.equal(isSingleReference(['docker.io/library/busybox:latest', `docker.io/library/other@${D}`]), false);
  });
});
