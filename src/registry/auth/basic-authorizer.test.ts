import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import bcrypt from 'bcryptjs';
import { serveAuthorizer, type TestServer } from './auth-test-server.js';
import { authConfigFromFlags, openAuthorizer } from './open-authorizer.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function setup(t: TestContext, flags: { acl?: string; anonymousPull?: boolean } = {}): Promise<{ server: TestServer; dir: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-basic-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.writeFile(path.join(dir, 'htpasswd'), `alice:${bcrypt.hashSync('wonderland', 4)}\nbob:${bcrypt.hashSync('builder', 4)}\n`);
  let acl: string | undefined;
  if (flags.acl !== undefined) {
    acl = path.join(dir, 'acl');
    await fs.writeFile(acl, flags.acl);
  }
  const cfg = authConfigFromFlags({ auth: 'htpasswd', htpasswd: path.join(dir, 'htpasswd'), acl, anonymousPull: flags.anonymousPull }, dir);
  const server = await serveAuthorizer(await openAuthorizer(cfg));
  t.after(() => server.close());
  return { server, dir };
}

test('lets a known user with the right password through', async (t) => {
  const { server } = await setup(t);
  const res = await fetch(`${server.url}/v2/library/busybox/manifests/latest`, { headers: { Authorization: basic('alice', 'wonderland') } });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { ok: boolean }).ok, true);
});

test('answers 401 with a Basic challenge and UNAUTHORIZED when credentials are missing', async (t) => {
  const { server } = await setup(t);
  const res = await fetch(`${server.url}/v2/`);
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Berth Registry"');
  const body = (await res.json()) as { errors: Array<{ code: string; message: string }> };
  assert.equal(body.errors[0]!.code, 'UNAUTHORIZED');
  assert.equal(body.errors[0]!.message, 'authentication required');
});

test('answers 401 for a wrong password and for an unknown user', async (t) => {
  const { server } = await setup(t);
  for (const auth of [basic('alice', 'nope'), basic('mallory', 'wonderland'), 'Basic !!!', 'Bearer abc']) {
    const res = await fetch(`${server.url}/v2/a/blobs/sha256:00`, { headers: { Authorization: auth } });
    assert.equal(res.status, 401, auth);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    const body = (await res.json()) as { errors: Array<{ code: string; detail: unknown }> };
    assert.equal(body.errors[0]!.code, 'UNAUTHORIZED');
    assert.deepEqual(body.errors[0]!.detail, [{ Type: 'repository', Class: '', Name: 'a', Action: 'pull' }]);
  }
});

test('answers 403 DENIED when the ACL does not grant the action', async (t) => {
  const { server } = await setup(t, { acl: 'alice * *\nbob team/* pull\n' });
  const bob = { Authorization: basic('bob', 'builder') };
  assert.equal((await fetch(`${server.url}/v2/team/app/manifests/1`, { headers: bob })).status, 200);
  const push = await fetch(`${server.url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: bob });
  assert.equal(push.status, 403);
  const body = (await push.json()) as { errors: Array<{ code: string; message: string }> };
  assert.equal(body.errors[0]!.code, 'DENIED');
  assert.equal(body.errors[0]!.message, 'requested access to the resource is denied');
  assert.equal((await fetch(`${server.url}/v2/_catalog`, { headers: bob })).status, 403);
  assert.equal((await fetch(`${server.url}/v2/_catalog`, { headers: { Authorization: basic('alice', 'wonderland') } })).status, 200);
  // The base check needs a valid user only.
  assert.equal((await fetch(`${server.url}/v2/`, { headers: bob })).status, 200);
});

test('with anonymous pull, pulls pass without credentials but pushes and /v2/ still challenge', async (t) => {
  const { server } = await setup(t, { anonymousPull: true });
  assert.equal((await fetch(`${server.url}/v2/a/manifests/latest`)).status, 200);
  assert.equal((await fetch(`${server.url}/v2/a/blobs/uploads/`, { method: 'POST' })).status, 401);
  assert.equal((await fetch(`${server.url}/v2/`)).status, 401);
});

test('picks up a changed htpasswd file without a restart', async (t) => {
  const { server, dir } = await setup(t);
  const url = `${server.url}/v2/a/manifests/latest`;
  assert.equal((await fetch(url, { headers: { Authorization: basic('carol', 'c') } })).status, 401);
  await fs.appendFile(path.join(dir, 'htpasswd'), `carol:${bcrypt.hashSync('c', 4)}\n`);
  assert.equal((await fetch(url, { headers: { Authorization: basic('carol', 'c') } })).status, 200);
});
