import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { ConflictError } from '../../errors.js';
import { collectGarbage } from './garbage-collector.js';
import { OCI_INDEX, OCI_MANIFEST } from './manifest-model.js';
import { asRepoName, asTag, type BlobDigest, type RepoName } from './names.js';
import { RegistryStorage } from './registry-storage.js';

const app = asRepoName('team/app');
const other = asRepoName('other');
const sha = (b: Buffer): BlobDigest => `sha256:${createHash('sha256').update(b).digest('hex')}` as BlobDigest;
const HOUR = 60 * 60 * 1000;

async function open(t: TestContext): Promise<RegistryStorage> {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-gc-'));
  const s = await RegistryStorage.open(dir);
  t.after(async () => {
    await s.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  return s;
}

async function pushBlob(s: RegistryStorage, repo: RepoName, text: string): Promise<{ digest: BlobDigest; size: number }> {
  const data = Buffer.from(text);
  const up = await s.uploads.start(repo);
  await s.uploads.finish(repo, up.id, sha(data), { body: Readable.from([data]) });
  return { digest: sha(data), size: data.length };
}

async function pushImage(s: RegistryStorage, repo: RepoName, tag: string | undefined, layers: string[], extra: Record<string, unknown> = {}): Promise<BlobDigest> {
  const config = await pushBlob(s, repo, `config of ${layers.join('+')}`);
  const ls = [];
  for (const l of layers) ls.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...(await pushBlob(s, repo, l)) });
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: ls, ...extra }));
  const reference = tag === undefined ? { digest: sha(body) } : { tag: asTag(tag) };
  return (await s.manifests.put(repo, { reference, bytes: body, contentType: OCI_MANIFEST })).digest;
}

/** Makes everything under the root look written an hour ago (an old registry). */
async function ageAll(root: string): Promise<void> {
  const old = new Date(Date.now() - 2 * HOUR);
  for (const entry of await fs.readdir(root, { recursive: true })) await fs.utimes(path.join(root, entry), old, old);
}

test('keeps every blob a manifest references and removes the rest', async (t) => {
  const s = await open(t);
  const child = await pushImage(s, app, undefined, ['layer-a', 'shared']);
  const childBytes = (await s.manifests.get(app, { digest: child })).bytes;
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: child, size: childBytes.length }] }));
  await s.manifests.put(app, { reference: { tag: asTag('multi') }, bytes: index, contentType: OCI_INDEX });
  const sig = await pushImage(s, app, undefined, ['signature'], { subject: { mediaType: OCI_MANIFEST, digest: child, size: childBytes.length } });
  const orphan = await pushBlob(s, app, 'uploaded, never referenced');
  const gone = await pushImage(s, other, 'old', ['only-in-old', 'shared']);
  await s.manifests.delete(other, gone);
  await ageAll(s.layout.root);

  const dry = await collectGarbage(s.layout.root, { dryRun: true, graceMs: 0 });
  assert.ok(dry.deleted.includes(orphan.digest));
  assert.equal(await s.blobs.stat(orphan.digest), orphan.size, 'a dry run removes nothing');

  const report = await collectGarbage(s.layout.root, { graceMs: 0 });
  const removed = new Set(report.deleted);
  assert.ok(removed.has(orphan.digest));
  assert.ok(removed.has(sha(Buffer.from('only-in-old'))));
  assert.ok(removed.has(gone));
  for (const kept of [child, sig, sha(index), sha(Buffer.from('layer-a')), sha(Buffer.from('shared')), sha(Buffer.from('signature'))]) {
    assert.notEqual(await s.blobs.stat(kept), undefined, `${kept} kept`);
  }
  assert.equal(report.deleted.length, 4, 'orphan, only-in-old, config of the deleted image, and its manifest');
  // The links of what went are gone too; what stays still reads.
  assert.equal(await s.blobs.statInRepo(app, orphan.digest), undefined);
  await assert.rejects(fs.access(s.layout.layerLink(app, orphan.digest)));
  await assert.rejects(fs.access(s.layout.layerLink(other, sha(Buffer.from('only-in-old')))));
  assert.equal((await s.manifests.get(app, { tag: asTag('multi') })).digest, sha(index));
  assert.equal((await s.referrers.list(app, child)).length, 1);
  assert.ok(report.linksRemoved >= 3);
});

test('keeps unreferenced blobs younger than the grace period', async (t) => {
  const s = await open(t);
  const orphan = await pushBlob(s, app, 'pushed a minute ago, its manifest is coming');
  const report = await collectGarbage(s.layout.root, { graceMs: HOUR });
  assert.deepEqual(report.deleted, []);
  assert.equal(report.keptFresh, 1);
  assert.equal(await s.blobs.statInRepo(app, orphan.digest), orphan.size);
});

test('a blob referenced after the mark began survives the sweep', async (t) => {
  const s = await open(t);
  const layer = await pushBlob(s, app, 'old layer, re-used by a new push');
  const config = await pushBlob(s, app, 'old config');
  await ageAll(s.layout.root);
  let pushed: BlobDigest | undefined;
  await collectGarbage(s.layout.root, {
    graceMs: 0,
    // A concurrent server: a client pushes a manifest that references the old, so far unreferenced, blobs.
    afterMark: async () => {
      const body = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
        }),
      );
      pushed = (await s.manifests.put(app, { reference: { tag: asTag('new') }, bytes: body, contentType: OCI_MANIFEST })).digest;
    },
  });
  assert.ok(pushed !== undefined);
  assert.equal(await s.blobs.statInRepo(app, layer.digest), layer.size);
  assert.equal(await s.blobs.statInRepo(app, config.digest), config.size);
  assert.notEqual(await s.blobs.stat(pushed), undefined);
  // And the next collection sees the manifest and keeps them for good.
  await ageAll(s.layout.root);
  assert.deepEqual((await collectGarbage(s.layout.root, { graceMs: 0 })).deleted, []);
});

test('an upload in flight is left alone and completes after a collection', async (t) => {
  const s = await open(t);
  const up = await s.uploads.start(app);
  await s.uploads.append(app, up.id, { body: Readable.from([Buffer.from('first half, ')]) });
  await ageAll(s.layout.root);
  await collectGarbage(s.layout.root, { graceMs: 0 });
  const all = Buffer.from('first half, second half');
  await s.uploads.finish(app, up.id, sha(all), { body: Readable.from([Buffer.from('second half')]) });
  assert.equal(await s.blobs.statInRepo(app, sha(all)), all.length);
  // Finished during the next collection's mark (after its blob walk started), it is fresh and kept.
  const up2 = await s.uploads.start(app);
  const late = Buffer.from('finished while a collection runs');
  await collectGarbage(s.layout.root, { graceMs: 0, afterMark: () => s.uploads.finish(app, up2.id, sha(late), { body: Readable.from([late]) }).then(() => undefined) });
  assert.equal(await s.blobs.statInRepo(app, sha(late)), late.length);
});

test('one collection at a time', async (t) => {
  const s = await open(t);
  await fs.mkdir(s.layout.gcDir, { recursive: true });
  await fs.writeFile(path.join(s.layout.gcDir, 'lock'), `${process.pid}\n`);
  await assert.rejects(collectGarbage(s.layout.root), ConflictError);
  // A lock left by a process that is gone is taken over.
  await fs.writeFile(path.join(s.layout.gcDir, 'lock'), '999999999\n');
  await collectGarbage(s.layout.root);
});

test('files a crashed collection left in its trash are put back', async (t) => {
  const s = await open(t);
  const blob = await pushBlob(s, app, 'parked by a crashed gc');
  const file = s.layout.blobPath(blob.digest);
  const trash = path.join(s.layout.gcDir, 'trash');
  await fs.mkdir(trash, { recursive: true });
  await fs.rename(file, path.join(trash, encodeURIComponent(path.relative(s.layout.root, file))));
  await collectGarbage(s.layout.root, { graceMs: HOUR });
  assert.equal(await s.blobs.statInRepo(app, blob.digest), blob.size);
  assert.deepEqual(await fs.readdir(trash), []);
});
