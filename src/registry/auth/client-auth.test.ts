import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import bcrypt from 'bcryptjs';
import { PermissionDeniedError, UnauthenticatedError } from '../../errors.js';
import { serveAuthorizer, type TestServer } from './auth-test-server.js';
import { RegistryAuth, registryAuthError, type Credentials } from './client-auth.js';
import { authConfigFromFlags, openAuthorizer } from './open-authorizer.js';

/** Berth's own registry front (token or htpasswd mode) on a random loopback port. */
async function berthRegistry(t: TestContext, mode: 'token' | 'htpasswd', anonymousPull = false): Promise<TestServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-client-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.writeFile(path.join(dir, 'htpasswd'), `alice:${bcrypt.hashSync('wonderland', 4)}\n`);
  const server = await serveAuthorizer(await openAuthorizer(authConfigFromFlags({ auth: mode, htpasswd: path.join(dir, 'htpasswd'), anonymousPull }, dir)));
  t.after(() => server.close());
  return server;
}

/** Counts the token requests a RegistryAuth makes (the agent hook sees each one's URL). */
function countingAgent(): { agentFor: (url: URL) => undefined; calls: URL[] } {
  const calls: URL[] = [];
  return {
    calls,
    agentFor: (url) => {
      calls.push(new URL(url));
      return undefined;
    },
  };
}

/** One registry request the way the distribution client is told to make it: cached header, then one retry after a 401. */
async function registryGet(auth: RegistryAuth, server: TestServer, p: string, scopes: string[]): Promise<Response> {
  let header = await auth.authorize(server.host, null, scopes);
  let res = await fetch(`${server.url}${p}`, { headers: header ? { Authorization: header } : {} });
  if (res.status !== 401) return res;
  header = await auth.authorize(server.host, res.headers.get('www-authenticate'), scopes);
  if (header === undefined) return res;
  res = await fetch(`${server.url}${p}`, { headers: { Authorization: header } });
  return res;
}

const alice = (): Credentials => ({ username: 'alice', password: 'wonderland' });

test('fetches a bearer token from Berth\'s own token endpoint and caches it per scope set', async (t) => {
  const server = await berthRegistry(t, 'token');
  const counter = countingAgent();
  const auth = new RegistryAuth((host) => (host === server.host ? alice() : undefined), { agentFor: counter.agentFor });
  const scope = ['repository:library/busybox:pull'];
  assert.equal(await auth.authorize(server.host, null, scope), undefined, 'nothing known before the first challenge');
  const res = await registryGet(auth, server, '/v2/library/busybox/manifests/latest', scope);
  assert.equal(res.status, 200);
  assert.equal(counter.calls.length, 1);
  const url = counter.calls[0]!;
  assert.equal(url.searchParams.get('service'), 'berth-registry');
  assert.deepEqual(url.searchParams.getAll('scope'), scope);
  assert.equal(url.searchParams.get('account'), 'alice');

  // Later requests for the same scope reuse the token without a 401 round trip.
  const again = await auth.authorize(server.host, null, scope);
  assert.equal((await fetch(`${server.url}/v2/library/busybox/blobs/sha256:00`, { headers: { Authorization: again! } })).status, 200);
  assert.equal(counter.calls.length, 1);
  // Another scope set is fetched proactively from the remembered challenge.
  const push = await auth.authorize(server.host, null, ['repository:other:pull,push']);
  assert.equal(counter.calls.length, 2);
  assert.equal((await fetch(`${server.url}/v2/other/blobs/uploads/`, { method: 'POST', headers: { Authorization: push! } })).status, 200);
});

test('a fresh challenge replaces a cached token the registry turned down', async (t) => {
  const server = await berthRegistry(t, 'token');
  const counter = countingAgent();
  const auth = new RegistryAuth(alice, { agentFor: counter.agentFor });
  await registryGet(auth, server, '/v2/a/manifests/latest', ['repository:a:pull']);
  const res = await registryGet(auth, server, '/v2/a/blobs/uploads/', ['repository:a:pull']);
  assert.equal(res.status, 200, 'GET on an uploads path needs pull only');
  const refused = await fetch(`${server.url}/v2/a/blobs/uploads/`, {
    method: 'POST',
    headers: { Authorization: (await auth.authorize(server.host, null, ['repository:a:pull']))! },
  });
  assert.equal(refused.status, 401);
  // The challenge's scope (pull,push) joins the caller's, so the new token covers the push.
  const header = await auth.authorize(server.host, refused.headers.get('www-authenticate'), ['repository:a:pull']);
  assert.equal(counter.calls.length, 2);
  assert.equal((await fetch(`${server.url}/v2/a/blobs/uploads/`, { method: 'POST', headers: { Authorization: header! } })).status, 200);
});

test('wrong credentials fail with the token server\'s message', async (t) => {
  const server = await berthRegistry(t, 'token');
  const auth = new RegistryAuth(() => ({ username: 'alice', password: 'nope' }));
  const res = await fetch(`${server.url}/v2/`);
  await assert.rejects(auth.authorize(server.host, res.headers.get('www-authenticate'), []), (err: unknown) => {
    assert.ok(err instanceof UnauthenticatedError);
    assert.equal(err.message, 'unauthorized: incorrect username or password');
    return true;
  });
});

test('anonymous callers get pull tokens when the registry allows anonymous pull', async (t) => {
  const server = await berthRegistry(t, 'token', true);
  const auth = new RegistryAuth(() => undefined);
  assert.equal((await registryGet(auth, server, '/v2/a/manifests/latest', ['repository:a:pull'])).status, 200);
  const push = await fetch(`${server.url}/v2/a/blobs/uploads/`, { method: 'POST' });
  const header = await auth.authorize(server.host, push.headers.get('www-authenticate'), ['repository:a:pull,push']);
  const retry = await fetch(`${server.url}/v2/a/blobs/uploads/`, { method: 'POST', headers: { Authorization: header! } });
  assert.equal(retry.status, 401);
  assert.equal(registryAuthError(retry.status, await retry.text()).message, 'unauthorized: authentication required');
});

test('login returns an identity token that later works through the OAuth2 refresh grant', async (t) => {
  const server = await berthRegistry(t, 'token');
  const ping = await fetch(`${server.url}/v2/`);
  const login = await new RegistryAuth(() => undefined).login(ping.headers.get('www-authenticate')!, alice());
  assert.equal((await fetch(`${server.url}/v2/`, { headers: { Authorization: login.authorization } })).status, 200);
  assert.equal(typeof login.identityToken, 'string');
  const counter = countingAgent();
  const auth = new RegistryAuth(() => ({ identityToken: login.identityToken! }), { agentFor: counter.agentFor });
  assert.equal((await registryGet(auth, server, '/v2/a/manifests/latest', ['repository:a:pull'])).status, 200);
  assert.equal(counter.calls.length, 1);
  assert.equal(counter.calls[0]!.search, '', 'the refresh grant is a POST form, nothing in the query');
});

test('answers a Basic challenge with the credentials, and nothing without them', async (t) => {
  const server = await berthRegistry(t, 'htpasswd');
  const auth = new RegistryAuth((host) => (host === server.host ? alice() : undefined));
  assert.equal((await registryGet(auth, server, '/v2/a/manifests/latest', ['repository:a:pull'])).status, 200);
  const anonymous = new RegistryAuth(() => undefined);
  const res = await registryGet(anonymous, server, '/v2/a/manifests/latest', []);
  assert.equal(res.status, 401);
  assert.equal(registryAuthError(401, await res.text()).message, 'unauthorized: authentication required');
  const wrong = new RegistryAuth(() => ({ username: 'alice', password: 'x' }));
  assert.equal((await registryGet(wrong, server, '/v2/', [])).status, 401);
});

/** A fake registry + token server pair as other registries answer: `access_token` only, short lifetime. */
async function fakeTokenRegistry(t: TestContext): Promise<{ host: string; url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/auth') {
      requests.push(req);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ access_token: `tok-${requests.length}`, expires_in: 60 }));
      return;
    }
    res.writeHead(401, {
      'WWW-Authenticate': `Bearer realm="http://${req.headers.host}/auth",service="fake \\"svc\\"",scope="repository:x:pull repository:y:pull"`,
    });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, requests };
}

test('sends every challenge scope, accepts access_token, and refetches after expiry', async (t) => {
  const fake = await fakeTokenRegistry(t);
  let now = Date.now();
  const auth = new RegistryAuth(alice, { now: () => now });
  const challenge = (await fetch(`${fake.url}/v2/x/manifests/1`)).headers.get('www-authenticate');
  // Parallel callers share one token request.
  const [a, b] = await Promise.all([
    auth.authorize(fake.host, challenge, ['repository:x:pull']),
    auth.authorize(fake.host, null, ['repository:x:pull', 'repository:y:pull']),
  ]);
  assert.equal(a, 'Bearer tok-1');
  assert.equal(b, 'Bearer tok-1');
  assert.equal(fake.requests.length, 1);
  const url = new URL(fake.requests[0]!.url!, 'http://x');
  assert.equal(url.searchParams.get('service'), 'fake "svc"');
  assert.deepEqual(url.searchParams.getAll('scope'), ['repository:x:pull', 'repository:y:pull']);
  assert.equal(fake.requests[0]!.headers.authorization, `Basic ${Buffer.from('alice:wonderland').toString('base64')}`);

  const both = ['repository:y:pull', 'repository:x:pull'];
  now += 50_000;
  assert.equal(await auth.authorize(fake.host, null, both), 'Bearer tok-1', 'still fresh, whatever the order of scopes');
  now += 10_000;
  assert.equal(await auth.authorize(fake.host, null, both), 'Bearer tok-2', 'refetched near expiry');
  assert.equal(await auth.authorize(fake.host, null, ['repository:x:pull']), 'Bearer tok-3', 'another scope set, another token');
  auth.forget(fake.host);
  assert.equal(await auth.authorize(fake.host, null, ['repository:x:pull']), undefined, 'forget drops the remembered challenge');
});

test('sends a registry token as it is', async (t) => {
  const fake = await fakeTokenRegistry(t);
  const auth = new RegistryAuth(() => ({ registryToken: 'given' }));
  const challenge = (await fetch(`${fake.url}/v2/`)).headers.get('www-authenticate');
  assert.equal(await auth.authorize(fake.host, challenge, []), 'Bearer given');
  assert.equal(fake.requests.length, 0);
});

test('words registry errors as the docker client does', () => {
  const denied = JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] });
  assert.equal(registryAuthError(403, denied).message, 'denied: requested access to the resource is denied');
  assert.ok(registryAuthError(403, denied) instanceof PermissionDeniedError);
  assert.ok(registryAuthError(401, '') instanceof UnauthenticatedError);
  assert.equal(registryAuthError(401, '<html>').message, 'unauthorized: authentication required');
  assert.equal(registryAuthError(401, JSON.stringify({ details: 'incorrect username or password' })).message, 'unauthorized: incorrect username or password');
  assert.equal(registryAuthError(401, JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'x' }] })).message, 'name unknown: x');
});
