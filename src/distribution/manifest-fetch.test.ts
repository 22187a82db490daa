import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Digest } from '../content/digest.js';
import type { ImageIndex } from '../images/oci-types.js';
import { choosePlatform, parsePlatform } from './manifest-fetch.js';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const index: ImageIndex = {
  schemaVersion: 2,
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('a'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('b'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('c'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('e'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
  ],
};

describe('choosePlatform', () => {
  it('picks the entry of the wanted os and architecture', () => {
    assert.equal(choosePlatform(index, { os: 'linux', architecture: 'amd64' }).digest, d('c'));
    assert.equal(choosePlatform(index, { os: 'linux', architecture: 'arm64' }).digest, d('b'));
    assert.equal(choosePlatform(index, parsePlatform('linux/arm/v7')).digest, d('a'));
  });

  it("says Docker's words when nothing matches", () => {
    assert.throws(() => choosePlatform(index, { os: 'linux', architecture: 's390x' }), /no matching manifest for linux\/s390x in the manifest list entries/);
    assert.throws(() => choosePlatform(index, parsePlatform('linux/arm/v6')), /no matching manifest for linux\/arm\/v6/);
  });
});

describe('parsePlatform', () => {
  it('reads os/arch[/variant], a bare architecture, and the usual aliases', () => {
    assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parsePlatform('Linux/ARM64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform('x86_64'), { os: 'linux', architecture: 'amd64' });
    assert.throws(() => parsePlatform('linux/'), /unknown operating system or architecture/);
  });
});
