/**
 * `berth registry serve` against the OCI distribution spec, over raw HTTP:
 * a real server process on a loopback port and a temp root.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { call, runBerth, sha256, startRegistry, tempDir, type Cleanup, type RegistryProcess, type Reply } from './server-harness.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

const cleanups: Array<() => unknown> = [];
const suite: Cleanup = { after: (fn) => cleanups.push(fn) };
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let reg: RegistryProcess;
before(async () => {
  reg = await startRegistry(suite);
});

const http = (method: string, p: string, opts: Parameters<typeof call>[3] = {}): Promise<Reply> => call(reg.url, method, p, opts);

async function pushBlob(repo: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(data);
  const r = await http('POST', `/v2/${repo}/blobs/uploads/?digest=${digest}`, { body: data, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(r.status, 201, r.body.toString());
  return { digest, size: data.length };
}

function imageManifest(config: { digest: string; size: number }, layers: Array<{ digest: string; size: number }>, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
      ...extra,
    }),
  );
}

async function pushImage(repo: string, tag: string, extra: Record<string, unknown> = {}): Promise<{ digest: string; bytes: Buffer; layer: string; config: string }> {
  const config = await pushBlob(repo, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', n: randomBytes(4).toString('hex') })));
  const layer = await pushBlob(repo, randomBytes(1000));
  const bytes = imageManifest(config, [layer], extra);
  const r = await http('PUT', `/v2/${repo}/manifests/${tag}`, { body: bytes, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(r.status, 201, r.body.toString());
  return { digest: sha256(bytes), bytes, layer: layer.digest, config: config.digest };
}

test('GET /v2/ answers 200 with the API version header', async () => {
  const r = await http('GET', '/v2/');
  assert.equal(r.status, 200);
  assert.equal(r.headers['docker-distribution-api-version'], 'registry/2.0');
});

test('a monolithic POST stores a blob that HEAD and GET serve, with ranges', async () => {
  const data = randomBytes(100_000);
  const { digest } = await pushBlob('mono/blob', data);
  const head = await http('HEAD', `/v2/mono/blob/blobs/${digest}`);
  assert.equal(head.status, 200);
  assert.equal(head.headers['docker-content-digest'], digest);
  assert.equal(head.headers['content-length'], String(data.length));
  assert.equal(head.headers['etag'], `"${digest}"`);
  const get = await http('GET', `/v2/mono/blob/blobs/${digest}`);
  assert.deepEqual(get.body, data);
  const part = await http('GET', `/v2/mono/blob/blobs/${digest}`, { headers: { Range: 'bytes=10-19' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 10-19/${data.length}`);
  assert.deepEqual(part.body, data.subarray(10, 20));
  const tail = await http('GET', `/v2/mono/blob/blobs/${digest}`, { headers: { Range: 'bytes=99990-' } });
  assert.deepEqual(tail.body, data.subarray(99990));
  const outside = await http('GET', `/v2/mono/blob/blobs/${digest}`, { headers: { Range: `bytes=${data.length}-` } });
  assert.equal(outside.status, 416);
  assert.equal(outside.headers['content-range'], `bytes */${data.length}`);
  assert.equal((await http('GET', `/v2/mono/blob/blobs/${digest}`, { headers: { 'If-None-Match': `"${digest}"` } })).status, 304);
  // Another repository does not hold it.
  const elsewhere = await http('GET', `/v2/mono/other/blobs/${digest}`);
  assert.equal(elsewhere.status, 404);
  assert.equal(elsewhere.code(), 'BLOB_UNKNOWN');
});

test('a client that drops a download half-way leaves no open file behind', async () => {
  const data = randomBytes(8 * 1024 * 1024);
  const { digest } = await pushBlob('drop/blob', data);
  const fds = async (): Promise<number> => (await fs.readdir(`/proc/${reg.proc.pid}/fd`)).length;
  const before = await fds();
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => {
      const req = request(new URL(`/v2/drop/blob/blobs/${digest}`, reg.url), { agent: false }, (res) => {
        res.once('data', () => {
          res.destroy();
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end();
    });
  }
  let after = await fds();
  for (let i = 0; i < 50 && after > before; i++) {
    await new Promise((r) => setTimeout(r, 50));
    after = await fds();
  }
  assert.ok(after <= before, `open files: ${before} before, ${after} after`);
  assert.deepEqual((await http('GET', `/v2/drop/blob/blobs/${digest}`)).body, data, 'and it still serves whole blobs');
});

test('POST then PUT with the whole blob', async () => {
  const data = Buffer.from('post then put');
  const start = await http('POST', '/v2/pp/blobs/uploads/');
  assert.equal(start.status, 202);
  assert.match(String(start.headers['location']), /^\/v2\/pp\/blobs\/uploads\/[0-9a-f-]{36}$/);
  assert.equal(start.headers['range'], '0-0');
  assert.equal(start.headers['docker-upload-uuid'], String(start.headers['location']).split('/').pop());
  const put = await http('PUT', `${start.headers['location']}?digest=${sha256(data)}`, { body: data, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 201);
  assert.equal(put.headers['location'], `/v2/pp/blobs/${sha256(data)}`);
  assert.equal(put.headers['docker-content-digest'], sha256(data));
  assert.deepEqual((await http('GET', String(put.headers['location']))).body, data);
});

test('chunked upload: in order, 416 on a gap, status, final chunk in the PUT', async () => {
  const data = randomBytes(3000);
  const [a, b, c] = [data.subarray(0, 1000), data.subarray(1000, 2000), data.subarray(2000)];
  const start = await http('POST', '/v2/chunked/x/blobs/uploads/', { headers: { 'Content-Length': 0 } });
  let location = String(start.headers['location']);
  const patch = (chunk: Buffer, from: number): Promise<Reply> =>
    http('PATCH', location, { body: chunk, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${from}-${from + chunk.length - 1}` } });
  const first = await patch(a, 0);
  assert.equal(first.status, 202);
  assert.equal(first.headers['range'], '0-999');
  location = String(first.headers['location']);
  const gap = await patch(c, 2000);
  assert.equal(gap.status, 416);
  assert.equal(gap.headers['range'], '0-999');
  const status = await http('GET', location);
  assert.equal(status.status, 204);
  assert.equal(status.headers['range'], '0-999');
  assert.equal(status.headers['location'], location);
  assert.equal((await patch(b, 1000)).headers['range'], '0-1999');
  const put = await http('PUT', `${location}?digest=${sha256(data)}`, { body: c, headers: { 'Content-Range': '2000-2999', 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 201, put.body.toString());
  assert.deepEqual((await http('GET', `/v2/chunked/x/blobs/${sha256(data)}`)).body, data);
});

test('a streamed PATCH cut off half-way leaves the upload where it was, and it resumes', async () => {
  const data = randomBytes(2 * 1024 * 1024);
  const start = await http('POST', '/v2/resume/blobs/uploads/');
  const location = String(start.headers['location']);
  const first = await http('PATCH', location, { body: data.subarray(0, 1024 * 1024), headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(first.headers['range'], `0-${1024 * 1024 - 1}`);
  // Send part of the next chunk, then drop the connection.
  await new Promise<void>((resolve) => {
    const req = request(new URL(location, reg.url), { method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': 1024 * 1024 } });
    req.on('error', () => resolve());
    req.write(data.subarray(1024 * 1024, 1024 * 1024 + 100_000), () => setTimeout(() => {
      req.destroy();
      resolve();
    }, 100));
  });
  let status: Reply;
  for (let i = 0; ; i++) {
    status = await http('GET', location);
    if (status.headers['range'] === `0-${1024 * 1024 - 1}` || i > 50) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(status.headers['range'], `0-${1024 * 1024 - 1}`, 'back at the last good offset');
  const rest = await http('PATCH', location, { body: data.subarray(1024 * 1024), headers: { 'Content-Range': `${1024 * 1024}-${data.length - 1}` } });
  assert.equal(rest.status, 202);
  assert.equal((await http('PUT', `${location}?digest=${sha256(data)}`)).status, 201);
  assert.deepEqual((await http('GET', `/v2/resume/blobs/${sha256(data)}`)).body, data);
});

test('a wrong digest is DIGEST_INVALID and nothing becomes visible', async () => {
  const data = Buffer.from('the real content');
  const wrong = sha256('something else');
  const mono = await http('POST', `/v2/wrong/blobs/uploads/?digest=${wrong}`, { body: data });
  assert.equal(mono.status, 400);
  assert.equal(mono.code(), 'DIGEST_INVALID');
  const start = await http('POST', '/v2/wrong/blobs/uploads/');
  const location = String(start.headers['location']);
  await http('PATCH', location, { body: data });
  const put = await http('PUT', `${location}?digest=${wrong}`);
  assert.equal(put.status, 400);
  assert.equal(put.code(), 'DIGEST_INVALID');
  for (const d of [wrong, sha256(data)]) assert.equal((await http('HEAD', `/v2/wrong/blobs/${d}`)).status, 404);
  assert.equal((await http('GET', location)).code(), 'BLOB_UPLOAD_UNKNOWN');
  const blobFiles = await fs.readdir(path.join(reg.root, 'blobs', 'sha256', sha256(data).slice(7, 9))).catch((): string[] => []);
  assert.ok(!blobFiles.includes(sha256(data).slice(7)));
  const invalid = await http('POST', '/v2/wrong/blobs/uploads/?digest=sha256:nothex', { body: data });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.code(), 'DIGEST_INVALID');
});

test('DELETE cancels an upload', async () => {
  const start = await http('POST', '/v2/cancel/blobs/uploads/');
  const location = String(start.headers['location']);
  await http('PATCH', location, { body: 'some' });
  assert.equal((await http('DELETE', location)).status, 204);
  const after = await http('GET', location);
  assert.equal(after.status, 404);
  assert.equal(after.code(), 'BLOB_UPLOAD_UNKNOWN');
});

test('a manifest with a missing blob is MANIFEST_BLOB_UNKNOWN; complete, it is stored and served', async () => {
  const config = await pushBlob('man/one', Buffer.from('{"architecture":"amd64","os":"linux"}'));
  const layer = { digest: sha256('layer not pushed'), size: 16 };
  const missing = imageManifest(config, [layer]);
  const refused = await http('PUT', '/v2/man/one/manifests/v1', { body: missing, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(refused.status, 400);
  assert.equal(refused.code(), 'MANIFEST_BLOB_UNKNOWN');
  assert.equal((await http('GET', '/v2/man/one/manifests/v1')).code(), 'MANIFEST_UNKNOWN');

  await pushBlob('man/one', Buffer.from('layer not pushed'));
  const put = await http('PUT', '/v2/man/one/manifests/v1', { body: missing, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(put.status, 201, put.body.toString());
  const digest = sha256(missing);
  assert.equal(put.headers['docker-content-digest'], digest);
  assert.equal(put.headers['location'], `/v2/man/one/manifests/${digest}`);
  for (const ref of ['v1', digest]) {
    const get = await http('GET', `/v2/man/one/manifests/${ref}`, { headers: { Accept: OCI_MANIFEST } });
    assert.equal(get.status, 200);
    assert.equal(get.headers['content-type'], OCI_MANIFEST);
    assert.equal(get.headers['docker-content-digest'], digest);
    assert.deepEqual(get.body, missing, 'stored byte for byte');
    const head = await http('HEAD', `/v2/man/one/manifests/${ref}`);
    assert.equal(head.headers['content-length'], String(missing.length));
  }
  assert.equal((await http('GET', '/v2/man/one/manifests/v1', { headers: { 'If-None-Match': `"${digest}"` } })).status, 304);
  // An Accept list without the stored type: 404, as the distribution registry answers.
  assert.equal((await http('GET', '/v2/man/one/manifests/v1', { headers: { Accept: DOCKER_MANIFEST } })).code(), 'MANIFEST_UNKNOWN');
  assert.equal((await http('GET', '/v2/man/one/manifests/v1', { headers: { Accept: `${DOCKER_MANIFEST}, */*` } })).status, 200);
  // By digest, the body must hash to it.
  const mismatch = await http('PUT', `/v2/man/one/manifests/${sha256('x')}`, { body: missing, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(mismatch.code(), 'DIGEST_INVALID');
  const invalid = await http('PUT', '/v2/man/one/manifests/v2', { body: '{"schemaVersion":2', headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(invalid.code(), 'MANIFEST_INVALID');
});

test('Docker schema 2 manifests and manifest lists, with children checked', async () => {
  const config = await pushBlob('docker/img', Buffer.from('{"os":"linux"}'));
  const layer = await pushBlob('docker/img', randomBytes(64));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...layer }],
    }),
  );
  const list = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_LIST,
      manifests: [{ mediaType: DOCKER_MANIFEST, digest: sha256(manifest), size: manifest.length, platform: { os: 'linux', architecture: 'amd64' } }],
    }),
  );
  const early = await http('PUT', '/v2/docker/img/manifests/multi', { body: list, headers: { 'Content-Type': DOCKER_LIST } });
  assert.equal(early.code(), 'MANIFEST_BLOB_UNKNOWN', 'the child is not pushed yet');
  assert.equal((await http('PUT', `/v2/docker/img/manifests/${sha256(manifest)}`, { body: manifest, headers: { 'Content-Type': DOCKER_MANIFEST } })).status, 201);
  assert.equal((await http('PUT', '/v2/docker/img/manifests/multi', { body: list, headers: { 'Content-Type': DOCKER_LIST } })).status, 201);
  const get = await http('GET', '/v2/docker/img/manifests/multi', { headers: { Accept: `${DOCKER_LIST}, ${DOCKER_MANIFEST}` } });
  assert.equal(get.headers['content-type'], DOCKER_LIST);
  assert.deepEqual(get.body, list);
  // A client that knows no lists gets the linux/amd64 manifest for the tag.
  const old = await http('GET', '/v2/docker/img/manifests/multi', { headers: { Accept: DOCKER_MANIFEST } });
  assert.equal(old.headers['content-type'], DOCKER_MANIFEST);
  assert.equal(old.headers['docker-content-digest'], sha256(manifest));
  // A mismatched Content-Type is refused.
  const wrongType = await http('PUT', '/v2/docker/img/manifests/bad', { body: list, headers: { 'Content-Type': OCI_INDEX } });
  assert.equal(wrongType.code(), 'MANIFEST_INVALID');
});

test('a manifest over 4 MiB is refused with 413', async () => {
  const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
  const r = await http('PUT', '/v2/big/manifests/v1', { body: huge, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(r.status, 413);
  assert.equal(r.code(), 'MANIFEST_INVALID');
});

test('tags list with n, last and Link; catalog likewise', async () => {
  const img = await pushImage('tags/repo', 'a');
  for (const tag of ['c', 'b', 'd', 'B']) {
    assert.equal((await http('PUT', `/v2/tags/repo/manifests/${tag}`, { body: img.bytes, headers: { 'Content-Type': OCI_MANIFEST } })).status, 201);
  }
  assert.deepEqual((await http('GET', '/v2/tags/repo/tags/list')).json(), { name: 'tags/repo', tags: ['B', 'a', 'b', 'c', 'd'] });
  const page1 = await http('GET', '/v2/tags/repo/tags/list?n=2');
  assert.deepEqual(page1.json<{ tags: string[] }>().tags, ['B', 'a']);
  assert.equal(page1.headers['link'], '</v2/tags/repo/tags/list?last=a&n=2>; rel="next"');
  const next = /<([^>]+)>/.exec(String(page1.headers['link']))![1]!;
  const page2 = await http('GET', next);
  assert.deepEqual(page2.json<{ tags: string[] }>().tags, ['b', 'c']);
  const page3 = await http('GET', '/v2/tags/repo/tags/list?n=2&last=c');
  assert.deepEqual(page3.json<{ tags: string[] }>().tags, ['d']);
  assert.equal(page3.headers['link'], undefined);
  const none = await http('GET', '/v2/tags/repo/tags/list?n=0');
  assert.deepEqual(none.json<{ tags: string[] }>().tags, []);
  assert.equal(none.headers['link'], undefined);
  assert.equal((await http('GET', '/v2/tags/nope/tags/list')).code(), 'NAME_UNKNOWN');

  await pushImage('tags/zz', 'x');
  const all = (await http('GET', '/v2/_catalog')).json<{ repositories: string[] }>().repositories;
  assert.ok(all.includes('tags/repo') && all.includes('tags/zz'));
  assert.deepEqual([...all].sort(), all);
  const first = await http('GET', '/v2/_catalog?n=1');
  assert.equal(first.json<{ repositories: string[] }>().repositories.length, 1);
  assert.match(String(first.headers['link']), /^<\/v2\/_catalog\?last=[^&]+&n=1>; rel="next"$/);
  const after = await http('GET', '/v2/_catalog?last=tags%2Frepo');
  assert.ok(after.json<{ repositories: string[] }>().repositories.every((r) => r > 'tags/repo'));
});

test('a manifest pushed by digest may carry ?tag= values', async () => {
  const img = await pushImage('tagq/repo', 'first');
  const put = await http('PUT', `/v2/tagq/repo/manifests/${img.digest}?tag=1.0&tag=latest`, { body: img.bytes, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(put.status, 201);
  assert.equal(put.headers['oci-tag'], '1.0, latest');
  assert.deepEqual((await http('GET', '/v2/tagq/repo/tags/list')).json<{ tags: string[] }>().tags, ['1.0', 'first', 'latest']);
  const byTag = await http('PUT', '/v2/tagq/repo/manifests/x?tag=y', { body: img.bytes, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(byTag.code(), 'TAG_INVALID');
});

test('DELETE of a tag, a manifest and a blob', async () => {
  const img = await pushImage('del/repo', 'keep');
  await http('PUT', '/v2/del/repo/manifests/drop', { body: img.bytes, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal((await http('DELETE', '/v2/del/repo/manifests/drop')).status, 202);
  assert.equal((await http('GET', '/v2/del/repo/manifests/drop')).code(), 'MANIFEST_UNKNOWN');
  assert.equal((await http('GET', '/v2/del/repo/manifests/keep')).status, 200);
  assert.equal((await http('DELETE', `/v2/del/repo/manifests/${img.digest}`)).status, 202);
  for (const ref of ['keep', img.digest]) assert.equal((await http('GET', `/v2/del/repo/manifests/${ref}`)).code(), 'MANIFEST_UNKNOWN');
  assert.deepEqual((await http('GET', '/v2/del/repo/tags/list')).json<{ tags: string[] }>().tags, []);
  assert.equal((await http('DELETE', `/v2/del/repo/manifests/${img.digest}`)).status, 404);
  assert.equal((await http('DELETE', `/v2/del/repo/blobs/${img.layer}`)).status, 202);
  assert.equal((await http('HEAD', `/v2/del/repo/blobs/${img.layer}`)).status, 404);
  const again = await http('DELETE', `/v2/del/repo/blobs/${img.layer}`);
  assert.equal(again.status, 404);
  assert.equal(again.code(), 'BLOB_UNKNOWN');
});

test('cross-repository mount: 201 when the source holds the blob, else an upload', async () => {
  const { digest } = await pushBlob('mount/src', Buffer.from('mount me'));
  const mounted = await http('POST', `/v2/mount/dst/blobs/uploads/?mount=${digest}&from=mount/src`);
  assert.equal(mounted.status, 201);
  assert.equal(mounted.headers['location'], `/v2/mount/dst/blobs/${digest}`);
  assert.equal(mounted.headers['docker-content-digest'], digest);
  assert.deepEqual((await http('GET', `/v2/mount/dst/blobs/${digest}`)).body, Buffer.from('mount me'));
  const notThere = await http('POST', `/v2/mount/dst2/blobs/uploads/?mount=${digest}&from=mount/elsewhere`);
  assert.equal(notThere.status, 202);
  assert.match(String(notThere.headers['location']), /\/v2\/mount\/dst2\/blobs\/uploads\//);
  assert.equal((await http('HEAD', `/v2/mount/dst2/blobs/${digest}`)).status, 404);
  // One file for the blob, and a link in each repository holding it.
  assert.equal((await fs.readdir(path.join(reg.root, 'blobs', 'sha256', digest.slice(7, 9)))).filter((n) => n === digest.slice(7)).length, 1);
  for (const repo of ['mount/src', 'mount/dst']) await fs.access(path.join(reg.root, 'repositories', repo, '_layers', 'sha256', digest.slice(7)));
});

test('referrers: OCI-Subject on push, an index of referrers, artifactType filter', async () => {
  const subject = await pushImage('ref/repo', 'subject');
  const subjectDesc = { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.bytes.length };
  const emptyConfig = await pushBlob('ref/repo', Buffer.from('{}'));
  const sigLayer = await pushBlob('ref/repo', Buffer.from('signature bytes'));
  const sig = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.signature',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...emptyConfig },
      layers: [{ mediaType: 'application/octet-stream', ...sigLayer }],
      subject: subjectDesc,
      annotations: { 'org.example.kind': 'sig' },
    }),
  );
  const put = await http('PUT', `/v2/ref/repo/manifests/${sha256(sig)}`, { body: sig, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(put.status, 201);
  assert.equal(put.headers['oci-subject'], subject.digest);
  const sbom = await pushImage('ref/repo', 'sbom', { subject: subjectDesc });

  const list = await http('GET', `/v2/ref/repo/referrers/${subject.digest}`);
  assert.equal(list.status, 200);
  assert.equal(list.headers['content-type'], OCI_INDEX);
  const index = list.json<{ schemaVersion: number; mediaType: string; manifests: Array<Record<string, unknown>> }>();
  assert.equal(index.mediaType, OCI_INDEX);
  assert.equal(index.manifests.length, 2);
  assert.deepEqual(
    index.manifests.find((m) => m['digest'] === sha256(sig)),
    { mediaType: OCI_MANIFEST, digest: sha256(sig), size: sig.length, artifactType: 'application/vnd.example.signature', annotations: { 'org.example.kind': 'sig' } },
  );
  assert.equal(index.manifests.find((m) => m['digest'] === sbom.digest)?.['artifactType'], 'application/vnd.oci.image.config.v1+json');

  const filtered = await http('GET', `/v2/ref/repo/referrers/${subject.digest}?artifactType=application/vnd.example.signature`);
  assert.equal(filtered.headers['oci-filters-applied'], 'artifactType');
  assert.deepEqual(filtered.json<{ manifests: Array<{ digest: string }> }>().manifests.map((m) => m.digest), [sha256(sig)]);

  const none = await http('GET', `/v2/ref/repo/referrers/${sha256('nothing refers to this')}`);
  assert.equal(none.status, 200);
  assert.deepEqual(none.json<{ manifests: unknown[] }>().manifests, []);
  assert.equal((await http('GET', '/v2/ref/repo/referrers/sha256:bad')).status, 400);

  // Deleting a referrer takes it out of the list.
  await http('DELETE', `/v2/ref/repo/manifests/${sha256(sig)}`);
  assert.deepEqual((await http('GET', `/v2/ref/repo/referrers/${subject.digest}`)).json<{ manifests: Array<{ digest: string }> }>().manifests.map((m) => m.digest), [sbom.digest]);
});

test('a subject that does not exist yet is accepted', async () => {
  const img = await pushImage('ref/early', 'x', { subject: { mediaType: OCI_MANIFEST, digest: sha256('pushed later'), size: 12 } });
  assert.equal((await http('GET', `/v2/ref/early/referrers/${sha256('pushed later')}`)).json<{ manifests: Array<{ digest: string }> }>().manifests[0]?.digest, img.digest);
});

test('bad names and unknown things get the spec codes', async () => {
  const cases: Array<[string, string, number, string]> = [
    ['GET', '/v2/UPPER/tags/list', 400, 'NAME_INVALID'],
    ['GET', '/v2/a//b/tags/list', 400, 'NAME_INVALID'],
    ['GET', `/v2/a%2F..%2Fb/blobs/${sha256('x')}`, 400, 'NAME_INVALID'],
    ['GET', '/v2/never/pushed/manifests/latest', 404, 'NAME_UNKNOWN'],
    ['GET', `/v2/mono/blob/manifests/${sha256('nope')}`, 404, 'MANIFEST_UNKNOWN'],
    ['GET', '/v2/mono/blob/blobs/sha256:zz', 400, 'DIGEST_INVALID'],
    ['GET', '/v2/mono/blob/blobs/uploads/not-a-uuid', 404, 'BLOB_UPLOAD_UNKNOWN'],
    ['PUT', '/v2/mono/blob/blobs/uploads/0f8fad5b-d9cb-469f-a165-70867728950e?digest=' + sha256('x'), 404, 'BLOB_UPLOAD_UNKNOWN'],
    ['POST', '/v2/mono/blob/manifests/latest', 405, 'UNSUPPORTED'],
    ['GET', '/v2/mono/blob/manifests/-bad-tag', 400, 'TAG_INVALID'],
  ];
  for (const [method, p, status, code] of cases) {
    const r = await http(method, p);
    assert.equal(r.status, status, `${method} ${p}: ${r.body.toString()}`);
    assert.equal(r.code(), code, `${method} ${p}`);
    assert.ok(r.json<{ errors: Array<{ message: string }> }>().errors[0]!.message.length > 0);
  }
});

test('read-only mode serves reads and refuses writes with 405 UNSUPPORTED', async (t) => {
  const img = await pushImage('ro/repo', 'v1');
  const ro = await startRegistry(t, { root: reg.root, args: ['--read-only'] });
  const get = await call(ro.url, 'GET', '/v2/ro/repo/manifests/v1');
  assert.equal(get.status, 200);
  assert.deepEqual(get.body, img.bytes);
  const writes: Array<[string, string]> = [
    ['POST', '/v2/ro/repo/blobs/uploads/'],
    ['PUT', '/v2/ro/repo/manifests/v2'],
    ['DELETE', `/v2/ro/repo/manifests/${img.digest}`],
    ['DELETE', `/v2/ro/repo/blobs/${img.layer}`],
  ];
  for (const [method, p] of writes) {
    const r = await call(ro.url, method, p, { body: method === 'PUT' ? img.bytes : undefined, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(r.status, 405, `${method} ${p}`);
    assert.equal(r.code(), 'UNSUPPORTED');
  }
  assert.equal((await call(ro.url, 'GET', '/v2/ro/repo/manifests/v1')).status, 200, 'nothing was deleted');
});

test('without auth it refuses a non-loopback address unless --allow-remote', async (t) => {
  const root = path.join(tempDir(t), 'root');
  const refused = await runBerth(['registry', 'serve', '--addr', '0.0.0.0:0', '--root', root]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /refusing to serve the registry on 0\.0\.0\.0:0 without authentication/);
  const open = await startRegistry(t, { root, args: ['--addr', '0.0.0.0:0', '--allow-remote'] });
  assert.equal((await call(open.url.replace('0.0.0.0', '127.0.0.1'), 'GET', '/v2/')).status, 200);
});
