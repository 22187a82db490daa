import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDistributionError } from './errors.js';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, parseManifest, referencedDigests, referrerDescriptor } from './manifest-model.js';
import type { BlobDigest } from './names.js';

const d = (c: string): BlobDigest => `sha256:${c.repeat(64)}` as BlobDigest;
const bytes = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const image = (extra: Record<string, unknown> = {}) => ({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 10 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: d('1'), size: 20 }],
  ...extra,
});

test('an OCI image manifest lists its config and layers as blobs', () => {
  const m = parseManifest(bytes(image()), OCI_MANIFEST);
  assert.equal(m.mediaType, OCI_MANIFEST);
  assert.equal(m.isIndex, false);
  assert.deepEqual(m.blobs.map((b) => b.digest), [d('c'), d('1')]);
  assert.deepEqual(referencedDigests(m), [d('c'), d('1')]);
});

test('indexes and manifest lists list their children as manifests', () => {
  for (const mediaType of [OCI_INDEX, DOCKER_LIST]) {
    const m = parseManifest(bytes({ schemaVersion: 2, mediaType, manifests: [{ mediaType: OCI_MANIFEST, digest: d('a'), size: 5, platform: { os: 'linux', architecture: 'amd64' } }] }), mediaType);
    assert.equal(m.isIndex, true);
    assert.deepEqual(m.manifests.map((x) => x.digest), [d('a')]);
    assert.equal(m.manifests[0]!.platform?.architecture, 'amd64');
  }
});

test('the media type comes from the body, else the Content-Type, else the shape', () => {
  const { mediaType: _, ...noType } = image();
  assert.equal(parseManifest(bytes(noType), DOCKER_MANIFEST).mediaType, DOCKER_MANIFEST);
  assert.equal(parseManifest(bytes(noType), undefined).mediaType, OCI_MANIFEST);
  assert.equal(parseManifest(bytes({ schemaVersion: 2, manifests: [] }), 'application/json').mediaType, OCI_INDEX);
  assert.equal(parseManifest(bytes(image()), `${OCI_MANIFEST}; charset=utf-8`).mediaType, OCI_MANIFEST);
});

test('rejects a body whose mediaType contradicts the Content-Type', () => {
  assert.throws(() => parseManifest(bytes(image()), DOCKER_MANIFEST), (e) => isDistributionError(e, 'MANIFEST_INVALID'));
});

test('rejects what is not a manifest we store', () => {
  const bad: unknown[] = [
    'not json',
    [],
    { ...image(), schemaVersion: 1 },
    { ...image(), mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' },
    { ...image(), config: { mediaType: 'x', digest: 'sha256:short', size: 1 } },
    { ...image(), layers: [{ mediaType: 'x', digest: d('1'), size: -1 }] },
    { ...image(), layers: 'nope' },
    { ...image(), annotations: { a: 1 } },
  ];
  for (const b of bad) {
    const body = typeof b === 'string' ? Buffer.from(b) : bytes(b);
    assert.throws(() => parseManifest(body, undefined), (e) => isDistributionError(e, 'MANIFEST_INVALID'), JSON.stringify(b));
  }
});

test('foreign layers with urls need not be in the registry', () => {
  const m = parseManifest(
    bytes(image({ layers: [{ mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: d('f'), size: 1, urls: ['https://example.invalid/l'] }] })),
    undefined,
  );
  assert.deepEqual(m.blobs.map((b) => b.digest), [d('c')]);
});

test('a referrer descriptor carries artifactType (else the config type) and annotations', () => {
  const subject = { mediaType: OCI_MANIFEST, digest: d('5'), size: 3 };
  const withType = parseManifest(bytes(image({ subject, artifactType: 'application/x.sig', annotations: { k: 'v' } })), undefined);
  assert.deepEqual(referrerDescriptor(withType, d('9'), 42), { mediaType: OCI_MANIFEST, digest: d('9'), size: 42, artifactType: 'application/x.sig', annotations: { k: 'v' } });
  const withoutType = parseManifest(bytes(image({ subject })), undefined);
  assert.equal(referrerDescriptor(withoutType, d('9'), 1).artifactType, 'application/vnd.oci.image.config.v1+json');
  assert.deepEqual(referencedDigests(withoutType), [d('c'), d('1'), d('5')]);
  const index = parseManifest(bytes({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [], subject }), undefined);
  assert.equal(referrerDescriptor(index, d('9'), 1).artifactType, undefined);
});
