import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { describeTree, makeTar, tempDir } from '../../archive/tar-fixtures.js';
import { digestOf, type Digest } from '../../content/digest.js';
import { OverlaySnapshotter } from '../../snapshots/overlay-snapshotter.js';
import { isUstarHeader, LayerStager, STAGE_HEAD, type StageSink } from './layer-stager.js';

async function snapshotter(t: TestContext): Promise<OverlaySnapshotter> {
  const sn = new OverlaySnapshotter(await tempDir(t, 'berth-stager-'));
  await sn.init();
  return sn;
}

/** Feeds data in socket-sized chunks, as the archive reader does. */
async function feed(sink: StageSink, data: Buffer, blob: Digest | undefined = digestOf(data)): Promise<void> {
  for (let off = 0; off < data.length; off += 65536) await sink.write(data.subarray(off, off + 65536));
  await sink.end(blob);
}

const files = [
  { name: 'etc/', type: 'directory' as const },
  { name: 'etc/motd', content: 'hello\n' },
  { name: 'big.bin', content: Buffer.alloc(3 * 1024 * 1024, 9) },
  { name: 'gone/.wh.old', content: '' },
];

test('a plain layer is unpacked while it streams; its diff id is its blob digest', async (t) => {
  const sn = await snapshotter(t);
  const stager = new LayerStager(sn);
  t.after(() => stager.discard());
  const tar = await makeTar(files);
  const sink = await stager.open(tar.subarray(0, STAGE_HEAD));
  assert.ok(sink, 'a tar header is staged');
  await feed(sink, tar);
  const staged = stager.take(digestOf(tar));
  assert.equal(staged?.diffId, digestOf(tar));
  const upper = await sn.upperDir(staged!.key);
  assert.equal(fs.readFileSync(path.join(upper, 'etc/motd'), 'utf8'), 'hello\n');
  assert.equal(fs.statSync(path.join(upper, 'big.bin')).size, 3 * 1024 * 1024);
  assert.ok(fs.lstatSync(path.join(upper, 'gone/old')).isCharacterDevice(), 'whiteouts in overlay form');
  assert.equal(stager.take(digestOf(tar)), undefined, 'taken once');
  await sn.commit('L', staged!.key);
});

test('a gzip layer gets the digest of its uncompressed tar as diff id', async (t) => {
  const sn = await snapshotter(t);
  const stager = new LayerStager(sn);
  t.after(() => stager.discard());
  const plain = await makeTar(files);
  const gz = await makeTar(files, { gzip: true });
  const sink = await stager.open(Buffer.concat([gz, Buffer.alloc(STAGE_HEAD)]).subarray(0, STAGE_HEAD));
  assert.ok(sink);
  await feed(sink, gz);
  const staged = stager.take(digestOf(gz));
  assert.equal(staged?.diffId, digestOf(plain));
  assert.ok(describeTree(await sn.upperDir(staged!.key)).some((l) => l.includes('big.bin')));
});

test('a file that is no tar is not staged, and a malformed tar only loses its snapshot', async (t) => {
  const sn = await snapshotter(t);
  const stager = new LayerStager(sn);
  assert.equal(await stager.open(Buffer.alloc(STAGE_HEAD, 0x41)), undefined);
  const tar = await makeTar(files);
  const broken = Buffer.concat([tar.subarray(0, 1024), Buffer.alloc(8192, 0x7a)]);
  const sink = await stager.open(broken.subarray(0, STAGE_HEAD));
  assert.ok(sink, 'the first header looks right');
  await feed(sink, broken);
  assert.equal(stager.take(digestOf(broken)), undefined);
  await stager.discard();
  assert.deepEqual(await sn.walk(), [], 'no snapshot is left');
});

test('discard removes staged snapshots nobody took, and abort drops one midway', async (t) => {
  const sn = await snapshotter(t);
  const stager = new LayerStager(sn);
  const tar = await makeTar(files);
  await feed((await stager.open(tar.subarray(0, STAGE_HEAD)))!, tar);
  const half = (await stager.open(tar.subarray(0, STAGE_HEAD)))!;
  await half.write(tar.subarray(0, 100_000));
  await half.abort();
  assert.equal((await sn.walk()).length, 1);
  await stager.discard();
  assert.deepEqual(await sn.walk(), []);
});

test('recognises ustar headers by magic and checksum', async () => {
  const tar = await makeTar([{ name: 'a', content: 'x' }]);
  assert.equal(isUstarHeader(tar.subarray(0, 512)), true);
  const bad = Buffer.from(tar.subarray(0, 512));
  bad[0] = bad[0]! ^ 1;
  assert.equal(isUstarHeader(bad), false);
  assert.equal(isUstarHeader(tar.subarray(0, 200)), false);
});
