import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { makeTar, tempDir, type FixtureEntry } from '../archive/tar-fixtures.js';
import { OPAQUE_XATTR } from '../archive/whiteouts.js';
import { LocalContentStore } from '../content/content-store.js';
import { chainIds, digestOf, type Digest } from '../content/digest.js';
import { NotFoundError } from '../errors.js';
import { makeWhiteout } from '../host/mknod.js';
import { setXattr } from '../host/xattr.js';
import { OverlaySnapshotter } from '../snapshots/overlay-snapshotter.js';
import { ImageService } from './image-service.js';
import { ImageStore } from './image-store.js';
import { imageLayers, layerFiles } from './layer-files.js';
import { LayerUnpacker } from './layer-unpacker.js';
import { MediaTypes, type Descriptor, type HistoryEntry } from './oci-types.js';

/** Writes a tree: "dir/" makes a directory, anything else a file with that content. */
async function tree(root: string, entries: Record<string, string>): Promise<string> {
  await fsp.mkdir(root, { recursive: true });
  for (const [rel, content] of Object.entries(entries)) {
    const p = path.join(root, rel);
    if (rel.endsWith('/')) await fsp.mkdir(p, { recursive: true });
    else {
      await fsp.mkdir(path.dirname(p), { recursive: true });
      await fsp.writeFile(p, content);
    }
  }
  return root;
}

const BASE = { 'bin/': '', 'bin/busybox': 'elf', 'bin/ls': 'ls', 'bin/cat': 'cat', 'etc/': '', 'etc/passwd': 'root', 'etc/group': 'g', 'var/lib/a/': '', 'var/lib/a/x': 'x', 'var/lib/a/y': 'y' };

describe('layerFiles', () => {
  it('reports every path of a base layer as added, directories included', async (t) => {
    const dir = await tempDir(t, 'berth-layers-');
    const base = await tree(path.join(dir, 'base'), { 'bin/': '', 'bin/sh': 'sh', 'etc/passwd': 'root' });
    assert.deepEqual(await layerFiles(base, []), { added: ['/bin', '/bin/sh', '/etc', '/etc/passwd'], changed: [], deleted: [] });
  });

  it('reports added, changed and whited-out files, and leaves out directories that only hold changes', async (t) => {
    const dir = await tempDir(t, 'berth-layers-');
    const base = await tree(path.join(dir, 'base'), BASE);
    const top = await tree(path.join(dir, 'top'), { 'new-file': 'n', 'etc/passwd': 'root\nme', 'bin/': '', 'usr/local/bin/tool': 't' });
    await makeWhiteout(path.join(top, 'bin/ls'));
    // Same mode and owner as below: /etc and /bin are in the layer only because of their children.
    assert.deepEqual(await layerFiles(top, [base]), {
      added: ['/new-file', '/usr', '/usr/local', '/usr/local/bin', '/usr/local/bin/tool'],
      changed: ['/etc/passwd'],
      deleted: ['/bin/ls'],
    });
  });

  it('reports a directory whose own mode or owner changed', async (t) => {
    const dir = await tempDir(t, 'berth-layers-');
    const base = await tree(path.join(dir, 'base'), BASE);
    const top = await tree(path.join(dir, 'top'), { 'etc/passwd': 'x', 'bin/': '' });
    await fsp.chmod(path.join(top, 'etc'), 0o700);
    await fsp.chown(path.join(top, 'bin'), 1000, 1000);
    assert.deepEqual((await layerFiles(top, [base])).changed, ['/bin', '/etc', '/etc/passwd']);
  });

  it('reports an opaque directory as changed and what it hid as deleted', async (t) => {
    const dir = await tempDir(t, 'berth-layers-');
    const base = await tree(path.join(dir, 'base'), BASE);
    const top = await tree(path.join(dir, 'top'), { 'var/': '', 'var/lib/a/y': 'new y', 'var/lib/a/z': 'z' });
    await setXattr(path.join(top, 'var/lib/a'), OPAQUE_XATTR, 'y');
    assert.deepEqual(await layerFiles(top, [base]), {
      added: ['/var/lib/a/z'],
      changed: ['/var/lib/a', '/var/lib/a/y'],
      deleted: ['/var/lib/a/x'],
    });
  });

  it('judges against the merged view below: a file a nearer layer deleted comes back as added', async (t) => {
    const dir = await tempDir(t, 'berth-layers-');
    const base = await tree(path.join(dir, 'base'), BASE);
    const mid = await tree(path.join(dir, 'mid'), { 'bin/': '' });
    await makeWhiteout(path.join(mid, 'bin/cat'));
    const top = await tree(path.join(dir, 'top'), { 'bin/cat': 'new cat', 'bin/busybox': 'new elf' });
    assert.deepEqual(await layerFiles(top, [mid, base]), { added: ['/bin/cat'], changed: ['/bin/busybox'], deleted: [] });
    // And the middle layer itself: one deletion, nothing else.
    assert.deepEqual(await layerFiles(mid, [base]), { added: [], changed: [], deleted: ['/bin/cat'] });
  });

  it('reports a directory that replaced a file as changed', async (t) => {
    const dir = await tempDir(t, 'berth-layers-');
    const base = await tree(path.join(dir, 'base'), BASE);
    const top = await tree(path.join(dir, 'top'), { 'etc/group/': '', 'etc/group/inner': 'i' });
    assert.deepEqual(await layerFiles(top, [base]), { added: ['/etc/group/inner'], changed: ['/etc/group'], deleted: [] });
  });
});

/** A real image service on temp dirs: content store, snapshotter, image store, unpacker. */
async function imageService(t: TestContext): Promise<{ images: ImageService; snapshotter: OverlaySnapshotter }> {
  const root = await tempDir(t, 'berth-layers-img-');
  const content = new LocalContentStore(path.join(root, 'content'));
  await content.init();
  const snapshotter = new OverlaySnapshotter(path.join(root, 'snapshots'));
  await snapshotter.init();
  const store = new ImageStore(path.join(root, 'image'));
  await store.init();
  return { images: new ImageService(content, store, new LayerUnpacker(content, snapshotter), snapshotter), snapshotter };
}

async function makeImage(images: ImageService, tag: string, layers: FixtureEntry[][], history: HistoryEntry[] | undefined): Promise<Digest[]> {
  const descs: Descriptor[] = [];
  const diffIds: Digest[] = [];
  for (const entries of layers) {
    const tar = await makeTar(entries);
    const info = await images.content.writeBlob(tar);
    descs.push({ mediaType: MediaTypes.ociLayer, digest: info.digest, size: info.size });
    diffIds.push(digestOf(tar));
  }
  await images.create({
    config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds }, ...(history ? { history } : {}) },
    layers: descs,
    tags: [tag],
  });
  return diffIds;
}

const BASE_LAYER: FixtureEntry[] = [
  { name: 'bin/' },
  { name: 'bin/busybox', content: 'x'.repeat(1000), mode: 0o755 },
  { name: 'bin/ls', type: 'symlink', linkname: 'busybox' },
  { name: 'etc/' },
  { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
  { name: 'opt/' },
  { name: 'opt/a', content: 'a' },
];

describe('imageLayers', () => {
  it('pairs history with layers, oldest first, and explains each layer from its snapshot', async (t) => {
    const { images, snapshotter } = await imageService(t);
    const top: FixtureEntry[] = [
      { name: 'new-file', content: 'hello' },
      { name: 'etc/' },
      { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\nme:x:1000:1000::/home/me:/bin/sh\n' },
      { name: 'bin/' },
      { name: 'bin/.wh.ls', content: '' },
      { name: 'opt/' },
      { name: 'opt/.wh..wh..opq', content: '' },
      { name: 'opt/b', content: 'b' },
    ];
    const diffIds = await makeImage(images, 'layered:1', [BASE_LAYER, top], [
      { created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs.tar /', comment: 'base' },
      { created_by: 'ENV A=1', empty_layer: true },
      { created_by: 'RUN make-changes' },
      { created_by: 'CMD ["sh"]', empty_layer: true },
    ]);
    const chain = chainIds(diffIds);
    const reports = await imageLayers({ images, snapshotter }, 'layered:1');

    assert.deepEqual(
      reports.map((r) => [r.createdBy, r.emptyLayer, r.diffId, r.chainId]),
      [
        ['ADD rootfs.tar /', false, diffIds[0], chain[0]],
        ['ENV A=1', true, undefined, undefined],
        ['RUN make-changes', false, diffIds[1], chain[1]],
        ['CMD ["sh"]', true, undefined, undefined],
      ],
    );
    assert.equal(reports[0]!.created, '2024-01-01T00:00:00Z');
    assert.equal(reports[0]!.comment, 'base');
    assert.deepEqual(reports[0]!.added, ['/bin', '/bin/busybox', '/bin/ls', '/etc', '/etc/passwd', '/opt', '/opt/a']);
    // The symlink counts its target's length (7), as diskUsage does.
    assert.equal(reports[0]!.size, 1000 + 7 + 26 + 1);
    assert.deepEqual(reports[1], { createdBy: 'ENV A=1', emptyLayer: true, size: 0, added: [], changed: [], deleted: [] });
    const layer = reports[2]!;
    assert.deepEqual([layer.added, layer.changed, layer.deleted], [['/new-file', '/opt/b'], ['/etc/passwd', '/opt'], ['/bin/ls', '/opt/a']]);
    assert.equal(layer.size, (await snapshotter.usage(chain[1]!)).size);
    assert.equal(layer.size, 5 + 59 + 1, 'new-file, passwd and opt/b; whiteouts weigh nothing');
  });

  it('reports layers an image has no history for, and history entries that name missing layers', async (t) => {
    const { images, snapshotter } = await imageService(t);
    const two = [[...BASE_LAYER], [{ name: 'extra', content: 'e' }]];
    const diffIds = await makeImage(images, 'nohistory:1', two, undefined);
    const bare = await imageLayers({ images, snapshotter }, 'nohistory:1');
    assert.deepEqual(bare.map((r) => [r.createdBy, r.diffId, r.emptyLayer]), [['', diffIds[0], false], ['', diffIds[1], false]]);
    assert.deepEqual(bare[1]!.added, ['/extra']);

    await makeImage(images, 'overclaimed:1', [BASE_LAYER], [{ created_by: 'ADD a' }, { created_by: 'RUN b' }]);
    const over = await imageLayers({ images, snapshotter }, 'overclaimed:1');
    assert.deepEqual(over[1], { createdBy: 'RUN b', emptyLayer: false, size: 0, added: [], changed: [], deleted: [] });
  });

  it('answers NotFoundError "No such image" for an unknown image', async (t) => {
    const { images, snapshotter } = await imageService(t);
    await assert.rejects(imageLayers({ images, snapshotter }, 'nosuch:latest'), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.match(err.message, /^No such image: nosuch:latest$/);
      return true;
    });
  });
});
