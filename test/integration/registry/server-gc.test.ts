/**
 * `berth registry gc` on the root of a running `berth registry serve`:
 * referenced blobs stay, the rest go, an upload in flight is untouched.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { call, runBerth, sha256, startRegistry } from './server-harness.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

test('gc keeps referenced blobs, removes the rest, and leaves uploads in flight alone', async (t) => {
  const reg = await startRegistry(t);
  const http = (method: string, p: string, body?: Buffer | string, headers: Record<string, string> = {}) => call(reg.url, method, p, { body, headers });
  const blob = async (repo: string, data: Buffer): Promise<{ digest: string; size: number }> => {
    assert.equal((await http('POST', `/v2/${repo}/blobs/uploads/?digest=${sha256(data)}`, data)).status, 201);
    return { digest: sha256(data), size: data.length };
  };
  const image = async (repo: string, tag: string, layerData: Buffer): Promise<{ manifest: string; config: string; layer: string }> => {
    const config = await blob(repo, Buffer.from(`{"os":"linux","tag":"${tag}"}`));
    const layer = await blob(repo, layerData);
    const bytes = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }] }),
    );
    assert.equal((await http('PUT', `/v2/${repo}/manifests/${tag}`, bytes, { 'Content-Type': OCI_MANIFEST })).status, 201);
    return { manifest: sha256(bytes), config: config.digest, layer: layer.digest };
  };
  const blobFile = (d: string): string => path.join(reg.root, 'blobs', 'sha256', d.slice(7, 9), d.slice(7));
  const present = async (d: string): Promise<boolean> => fs.access(blobFile(d)).then(() => true, () => false);

  const kept = await image('gc/app', 'v1', randomBytes(5000));
  const dropped = await image('gc/app', 'v0', randomBytes(5000));
  assert.equal((await http('DELETE', `/v2/gc/app/manifests/${dropped.manifest}`)).status, 202);
  const orphan = await blob('gc/other', randomBytes(3000));
  const uploadData = randomBytes(8000);
  const start = await http('POST', '/v2/gc/app/blobs/uploads/');
  const location = String(start.headers['location']);
  assert.equal((await http('PATCH', location, uploadData.subarray(0, 4000))).status, 202);
  // Older than the collector's clock slack, so a zero grace period applies to them.
  await new Promise((r) => setTimeout(r, 1200));

  const dry = await runBerth(['registry', 'gc', '--root', reg.root, '--grace', '0s', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`blob eligible for deletion: ${orphan.digest}`));
  assert.ok(await present(orphan.digest), 'dry run removes nothing');

  const gc = await runBerth(['registry', 'gc', '--root', reg.root, '--grace', '0s']);
  assert.equal(gc.code, 0, gc.stderr);
  assert.match(gc.stdout, /blobs marked, 4 blobs deleted/);
  for (const d of [orphan.digest, dropped.manifest, dropped.config, dropped.layer]) assert.ok(!(await present(d)), `${d} removed`);
  for (const d of [kept.manifest, kept.config, kept.layer]) assert.ok(await present(d), `${d} kept`);
  assert.equal((await http('HEAD', `/v2/gc/other/blobs/${orphan.digest}`)).status, 404);
  assert.equal((await http('GET', '/v2/gc/app/manifests/v1')).status, 200);
  assert.equal((await http('HEAD', `/v2/gc/app/blobs/${kept.layer}`)).status, 200);

  // The upload in flight goes on where it was.
  assert.equal((await http('GET', location)).headers['range'], '0-3999');
  assert.equal((await http('PUT', `${location}?digest=${sha256(uploadData)}`, uploadData.subarray(4000), { 'Content-Range': '4000-7999' })).status, 201);
  assert.equal((await http('HEAD', `/v2/gc/app/blobs/${sha256(uploadData)}`)).status, 200);

  // A blob pushed just now survives the default grace period.
  const fresh = await blob('gc/app', randomBytes(100));
  const again = await runBerth(['registry', 'gc', '--root', reg.root]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(await present(fresh.digest));
});
