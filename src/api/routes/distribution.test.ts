import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference } from '../../reference/reference.js';
import { pullReference } from './distribution.js';

const hex = 'a'.repeat(64);

describe("pullReference (moby's reading of /images/create?fromImage=&tag=)", () => {
  it('takes the tag from tag=, or from fromImage, and none at all means every tag', () => {
    assert.equal(formatReference(pullReference('busybox', 'latest')), 'docker.io/library/busybox:latest');
    assert.equal(formatReference(pullReference('127.0.0.1:5000/a/b:v1', null)), '127.0.0.1:5000/a/b:v1');
    assert.equal(formatReference(pullReference('127.0.0.1:5000/a/b', null)), '127.0.0.1:5000/a/b');
    // Old `pull -a` clients send a trailing colon.
    assert.equal(formatReference(pullReference('busybox:', null)), 'docker.io/library/busybox');
  });

  it('reads a digest in tag=, and a digest wins over a tag', () => {
    assert.equal(formatReference(pullReference('busybox', `sha256:${hex}`)), `docker.io/library/busybox@sha256:${hex}`);
    assert.equal(formatReference(pullReference(`busybox:1@sha256:${hex}`, null)), `docker.io/library/busybox@sha256:${hex}`);
  });

  it('refuses bad names and tags, and the reserved name scratch', () => {
    assert.throws(() => pullReference('UPPER', 'latest'), /must be lowercase/);
    assert.throws(() => pullReference('busybox', 'bad tag'), /invalid tag format/);
    assert.throws(() => pullReference('scratch', 'latest'), /'scratch' is a reserved name/);
  });
});
