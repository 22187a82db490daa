/**
 * Large bodies through berth-blob-sink (src/registry/storage/native-sink.ts):
 * uploads give the same protocol results as through node, for whole blobs,
 * for a native chunk followed by ordinary ones, for clients that stop
 * half-way and for wrong digests; downloads (sendfile) give the same bytes,
 * ranges included. Bodies are 6 MiB, over the sink's 4 MiB threshold.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { call, REPO_ROOT, sha256, startRegistry, type Cleanup, type RegistryProcess, type Reply } from './server-harness.js';

const cleanups: Array<() => unknown> = [];
const suite: Cleanup = { after: (fn) => cleanups.push(fn) };
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let reg: RegistryProcess;
before(async () => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'bin', 'berth-blob-sink')), 'berth-blob-sink is built (scripts/build-monitor.sh)');
  reg = await startRegistry(suite);
});

const http = (method: string, p: string, opts: Parameters<typeof call>[3] = {}): Promise<Reply> => call(reg.url, method, p, opts);
const BIG = 6 * 1024 * 1024;
const octets = { 'Content-Type': 'application/octet-stream' };

test('a large PATCH goes through the sink: stored, verified, served, and the connection is closed after', async () => {
  const data = randomBytes(BIG);
  const location = String((await http('POST', '/v2/native/a/blobs/uploads/')).headers['location']);
  const patch = await http('PATCH', location, { body: data, headers: octets });
  assert.equal(patch.status, 202, patch.body.toString());
  assert.equal(patch.headers['range'], `0-${BIG - 1}`);
  assert.equal(patch.headers['connection'], 'close', 'the sink read the body: the connection cannot carry another request');
  const put = await http('PUT', `${location}?digest=${sha256(data)}`);
  assert.equal(put.status, 201, put.body.toString());
  assert.equal(put.headers['docker-content-digest'], sha256(data));
  assert.deepEqual((await http('GET', `/v2/native/a/blobs/${sha256(data)}`)).body, data);
});

test('a monolithic POST ?digest= of a large blob', async () => {
  const data = randomBytes(BIG + 12345);
  const r = await http('POST', `/v2/native/b/blobs/uploads/?digest=${sha256(data)}`, { body: data, headers: octets });
  assert.equal(r.status, 201, r.body.toString());
  assert.deepEqual((await http('GET', `/v2/native/b/blobs/${sha256(data)}`)).body, data);
});

test('a large first chunk, then ordinary chunks: the digest covers all of them', async () => {
  const data = randomBytes(BIG + 3000);
  const location = String((await http('POST', '/v2/native/c/blobs/uploads/')).headers['location']);
  const first = await http('PATCH', location, { body: data.subarray(0, BIG), headers: { ...octets, 'Content-Range': `0-${BIG - 1}` } });
  assert.equal(first.status, 202, first.body.toString());
  const second = await http('PATCH', location, { body: data.subarray(BIG, BIG + 1000), headers: { ...octets, 'Content-Range': `${BIG}-${BIG + 999}` } });
  assert.equal(second.headers['range'], `0-${BIG + 999}`);
  const put = await http('PUT', `${location}?digest=${sha256(data)}`, { body: data.subarray(BIG + 1000), headers: { ...octets, 'Content-Range': `${BIG + 1000}-${data.length - 1}` } });
  assert.equal(put.status, 201, put.body.toString());
  assert.deepEqual((await http('GET', `/v2/native/c/blobs/${sha256(data)}`)).body, data);
});

test('a wrong digest after a large chunk is DIGEST_INVALID and nothing is visible', async () => {
  const data = randomBytes(BIG);
  const location = String((await http('POST', '/v2/native/d/blobs/uploads/')).headers['location']);
  assert.equal((await http('PATCH', location, { body: data, headers: octets })).status, 202);
  const wrong = sha256(Buffer.concat([data, Buffer.from('x')]));
  const put = await http('PUT', `${location}?digest=${wrong}`);
  assert.equal(put.status, 400);
  assert.equal(put.code(), 'DIGEST_INVALID');
  for (const d of [wrong, sha256(data)]) assert.equal((await http('HEAD', `/v2/native/d/blobs/${d}`)).status, 404);
});

test('a client that stops half-way through a large body: the upload stays at 0 and can start again', async () => {
  const data = randomBytes(BIG);
  const location = String((await http('POST', '/v2/native/e/blobs/uploads/')).headers['location']);
  await new Promise<void>((resolve) => {
    const req = request(new URL(location, reg.url), { method: 'PATCH', headers: { ...octets, 'Content-Length': BIG } });
    req.on('error', () => resolve());
    req.write(data.subarray(0, 2 * 1024 * 1024), () =>
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200),
    );
  });
  let status: Reply | undefined;
  for (let i = 0; i < 100; i++) {
    status = await http('GET', location);
    if (status.status === 204 && status.headers['range'] === '0-0') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(status?.status, 204);
  assert.equal(status?.headers['range'], '0-0', 'nothing of the cut-off chunk is kept');
  assert.equal((await http('PATCH', location, { body: data, headers: octets })).status, 202);
  assert.equal((await http('PUT', `${location}?digest=${sha256(data)}`)).status, 201);
  assert.deepEqual((await http('GET', `/v2/native/e/blobs/${sha256(data)}`)).body, data);
  assert.match(reg.output(), /listening/, 'the server is still up');
});

test('a large blob is sent by sendfile: whole, and a large range, byte for byte', async () => {
  const data = randomBytes(BIG);
  const digest = sha256(data);
  assert.equal((await http('POST', `/v2/native/f/blobs/uploads/?digest=${digest}`, { body: data, headers: octets })).status, 201);
  const whole = await http('GET', `/v2/native/f/blobs/${digest}`);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers['content-length'], String(BIG));
  assert.equal(whole.headers['connection'], 'close');
  assert.deepEqual(whole.body, data);
  const from = 1000;
  const to = from + 5 * 1024 * 1024 - 1;
  const part = await http('GET', `/v2/native/f/blobs/${digest}`, { headers: { Range: `bytes=${from}-${to}` } });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes ${from}-${to}/${BIG}`);
  assert.deepEqual(part.body, data.subarray(from, to + 1));
  const small = await http('GET', `/v2/native/f/blobs/${digest}`, { headers: { Range: 'bytes=0-99' } });
  assert.deepEqual(small.body, data.subarray(0, 100));
});
