import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { makeTar, streamOf, tempDir, type FixtureEntry } from '../../archive/tar-fixtures.js';
import { LocalContentStore } from '../../content/content-store.js';
import { digestOf } from '../../content/digest.js';
import { findImages } from './archive-manifest.js';
import { ArchiveReader } from './archive-reader.js';
import { LayerStager } from './layer-stager.js';
import { OverlaySnapshotter } from '../../snapshots/overlay-snapshotter.js';

async function store(t: TestContext): Promise<{ content: LocalContentStore; blobs: () => Promise<string[]> }> {
  const root = await tempDir(t, 'berth-transfer-');
  const content = new LocalContentStore(root);
  await content.init();
  return { content, blobs: async () => (await fs.readdir(path.join(root, 'blobs', 'sha256'))).sort() };
}

const hex = (b: Buffer | string) => digestOf(b).slice(7);
const layer = Buffer.alloc(2 * 1024 * 1024, 3); // big enough to stream into the store
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(layer)] } }));
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
  }),
);
const index = (annotations: Record<string, string>) =>
  JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(manifest), size: manifest.length, annotations }] });

const combined = (): FixtureEntry[] => [
  { name: `blobs/sha256/${hex(config)}`, content: config },
  { name: `blobs/sha256/${hex(layer)}`, content: layer },
  { name: `blobs/sha256/${hex(manifest)}`, content: manifest },
  { name: 'index.json', content: index({ 'io.containerd.image.name': 'docker.io/library/demo:1', 'org.opencontainers.image.ref.name': '1' }) },
  { name: 'manifest.json', content: JSON.stringify([{ Config: `blobs/sha256/${hex(config)}`, RepoTags: ['demo:1', 'other/x:2'], Layers: [`blobs/sha256/${hex(layer)}`] }]) },
  { name: 'oci-layout', content: '{"imageLayoutVersion": "1.0.0"}' },
];

async function read(t: TestContext, entries: FixtureEntry[]) {
  const s = await store(t);
  const archive = await ArchiveReader.read(streamOf(await makeTar(entries)), s.content);
  return { ...s, archive };
}

describe('archive reader', () => {
  it('finds the image of a docker save (25+) archive with its RepoTags and its own manifest', async (t) => {
    const { archive, blobs } = await read(t, combined());
    const images = await findImages(archive);
    assert.deepEqual(images, [
      {
        config: `blobs/sha256/${hex(config)}`,
        layers: [`blobs/sha256/${hex(layer)}`],
        manifest: `blobs/sha256/${hex(manifest)}`,
        tags: ['docker.io/library/demo:1', 'docker.io/other/x:2'],
      },
    ]);
    // The layer streamed into the store, the config went there once needed; the manifest is still only in memory.
    assert.deepEqual(await blobs(), [hex(layer), hex(config)].sort());
    assert.deepEqual((await archive.blob(`blobs/sha256/${hex(layer)}`)).digest, digestOf(layer));
  });

  it('reads an OCI layout without manifest.json, naming images from their annotations', async (t) => {
    const entries = combined().filter((e) => e.name !== 'manifest.json');
    entries[3] = { name: 'index.json', content: index({ 'org.opencontainers.image.ref.name': 'registry.example:5000/team/app:v2' }) };
    const { archive } = await read(t, entries);
    const [img] = await findImages(archive);
    assert.deepEqual(img!.tags, ['registry.example:5000/team/app:v2']);
  });

  it('leaves an image untagged when the only name is a bare tag', async (t) => {
    const entries = combined().filter((e) => e.name !== 'manifest.json');
    entries[3] = { name: 'index.json', content: index({ 'org.opencontainers.image.ref.name': 'latest' }) };
    const { archive } = await read(t, entries);
    assert.deepEqual((await findImages(archive))[0]!.tags, []);
  });

  it('reads a legacy docker-archive with <id>/layer.tar and a symlinked duplicate layer', async (t) => {
    const { archive } = await read(t, [
      { name: 'aaa/', type: 'directory' },
      { name: 'aaa/layer.tar', content: layer },
      { name: 'bbb/', type: 'directory' },
      { name: 'bbb/layer.tar', type: 'symlink', linkname: '../aaa/layer.tar' },
      { name: `${hex(config)}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${hex(config)}.json`, RepoTags: null, Layers: ['aaa/layer.tar', 'bbb/layer.tar'] }]) },
    ]);
    const [img] = await findImages(archive);
    assert.deepEqual(img!.tags, []);
    assert.equal((await archive.blob('bbb/layer.tar')).digest, digestOf(layer));
    assert.equal((await archive.head('bbb/layer.tar')).length, 6);
  });

  it('tees a big layer tar into the stager while storing it, and leaves other big files alone', async (t) => {
    const s = await store(t);
    const sn = new OverlaySnapshotter(await tempDir(t, 'berth-transfer-sn-'));
    await sn.init();
    const stager = new LayerStager(sn);
    t.after(() => stager.discard());
    const tarLayer = await makeTar([{ name: 'data.bin', content: Buffer.alloc(2 * 1024 * 1024, 5) }, { name: 'etc/hostname', content: 'x\n' }]);
    const entries = [...combined(), { name: `blobs/sha256/${hex(tarLayer)}`, content: tarLayer }];
    const archive = await ArchiveReader.read(streamOf(await makeTar(entries), 65536), s.content, stager);
    assert.equal((await archive.blob(`blobs/sha256/${hex(tarLayer)}`)).digest, digestOf(tarLayer));
    assert.ok((await s.content.readBlob(digestOf(tarLayer))).equals(tarLayer), 'the blob is stored whole');
    const staged = stager.take(digestOf(tarLayer));
    assert.equal(staged?.diffId, digestOf(tarLayer));
    const upper = await sn.upperDir(staged!.key);
    assert.equal((await fs.stat(path.join(upper, 'data.bin'))).size, 2 * 1024 * 1024);
    assert.equal(await fs.readFile(path.join(upper, 'etc/hostname'), 'utf8'), 'x\n');
    assert.equal(stager.take(digestOf(layer)), undefined, 'a big file that is no tar is not staged');
  });

  it('refuses a blob whose bytes do not match its name, and keeps none of the upload', async (t) => {
    const entries = combined();
    entries[1] = { name: `blobs/sha256/${hex(layer)}`, content: Buffer.concat([layer.subarray(1), Buffer.from('x')]) };
    const s = await store(t);
    await assert.rejects(ArchiveReader.read(streamOf(await makeTar(entries)), s.content), /invalid archive: blobs\/sha256\/[a-f0-9]+: digest mismatch/);
    assert.deepEqual(await s.blobs(), []);
  });

  it('refuses a small file whose bytes do not match its name', async (t) => {
    const entries = combined();
    entries[0] = { name: `blobs/sha256/${hex(config)}`, content: '{}' };
    const s = await store(t);
    await assert.rejects(ArchiveReader.read(streamOf(await makeTar(entries)), s.content), /digest mismatch/);
  });

  it('refuses names that climb out or are absolute', async (t) => {
    const s = await store(t);
    await assert.rejects(ArchiveReader.read(streamOf(await makeTar([{ name: '../evil', content: 'x' }])), s.content), /invalid archive: tar entry "..\/evil" escapes/);
    await assert.rejects(ArchiveReader.read(streamOf(await makeTar([{ name: '/etc/evil', content: 'x' }])), s.content), /absolute path/);
  });

  it('refuses links that point outside the archive', async (t) => {
    const s = await store(t);
    const up = [{ name: 'manifest.json', type: 'symlink' as const, linkname: '../../etc/passwd' }];
    await assert.rejects(ArchiveReader.read(streamOf(await makeTar(up)), s.content), /points outside the archive/);
    const abs = [{ name: 'manifest.json', type: 'symlink' as const, linkname: '/etc/passwd' }];
    await assert.rejects(ArchiveReader.read(streamOf(await makeTar(abs)), s.content), /points to an absolute path/);
    const hard = [{ name: 'manifest.json', type: 'link' as const, linkname: '../x' }];
    await assert.rejects(ArchiveReader.read(streamOf(await makeTar(hard)), s.content), /escapes/);
  });

  it('refuses device entries', async (t) => {
    const s = await store(t);
    const dev = [{ name: 'null', type: 'character-device' as const, devmajor: 1, devminor: 3 }];
    await assert.rejects(ArchiveReader.read(streamOf(await makeTar(dev)), s.content), /is a char, not a file/);
  });

  it('explains an archive that is neither format', async (t) => {
    const { archive } = await read(t, [{ name: 'hello.txt', content: 'hi' }]);
    await assert.rejects(findImages(archive), /neither manifest.json nor index.json found/);
  });

  it('names a file manifest.json refers to that the archive lacks', async (t) => {
    const { archive } = await read(t, [{ name: 'manifest.json', content: JSON.stringify([{ Config: 'nope.json', RepoTags: [], Layers: [] }]) }]);
    await assert.rejects(findImages(archive), /invalid archive: nope.json is missing from the archive/);
  });

  it('removes only the blobs it added when the load is abandoned', async (t) => {
    const s = await store(t);
    const before = await s.content.writeBlob(Buffer.alloc(2 * 1024 * 1024, 9));
    const archive = await ArchiveReader.read(
      streamOf(await makeTar([...combined(), { name: 'extra/layer.tar', content: Buffer.alloc(2 * 1024 * 1024, 9) }])),
      s.content,
    );
    assert.deepEqual(await s.blobs(), [hex(layer), before.digest.slice(7)].sort());
    await archive.discardNew();
    assert.deepEqual(await s.blobs(), [before.digest.slice(7)]);
  });
});
