import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import bcrypt from 'bcryptjs';
import { serveAuthorizer, type TestServer } from './auth-test-server.js';
import { parseWwwAuthenticate } from './client-challenge.js';
import { authConfigFromFlags, openAuthorizer } from './open-authorizer.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ALICE = basic('alice', 'wonderland');

interface Setup {
  server: TestServer;
  dir: string;
  token(query: string, auth?: string): Promise<Response>;
}

async function setup(t: TestContext, flags: { acl?: string; anonymousPull?: boolean; tokenService?: string } = {}): Promise<Setup> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-token-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.writeFile(path.join(dir, 'htpasswd'), `alice:${bcrypt.hashSync('wonderland', 4)}\nbob:${bcrypt.hashSync('builder', 4)}\n`);
  let acl: string | undefined;
  if (flags.acl !== undefined) {
    acl = path.join(dir, 'acl');
    await fs.writeFile(acl, flags.acl);
  }
  const cfg = authConfigFromFlags(
    { auth: 'token', htpasswd: path.join(dir, 'htpasswd'), acl, anonymousPull: flags.anonymousPull, tokenService: flags.tokenService },
    dir,
  );
  const server = await serveAuthorizer(await openAuthorizer(cfg));
  t.after(() => server.close());
  const token = (query: string, auth?: string) => fetch(`${server.url}/token?${query}`, { headers: auth ? { Authorization: auth } : {} });
  return { server, dir, token };
}

async function tokenFor(s: Setup, scope: string, auth = ALICE): Promise<string> {
  const res = await s.token(`service=berth-registry&scope=${encodeURIComponent(scope)}`, auth);
  assert.equal(res.status, 200);
  return ((await res.json()) as { token: string }).token;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('challenges with Bearer realm, service and the scope the request needs', async (t) => {
  const s = await setup(t);
  const res = await fetch(`${s.server.url}/v2/library/busybox/blobs/uploads/`, { method: 'POST' });
  assert.equal(res.status, 401);
  assert.equal(
    res.headers.get('www-authenticate'),
    `Bearer realm="${s.server.url}/token",service="berth-registry",scope="repository:library/busybox:pull,push"`,
  );
  assert.equal(((await res.json()) as { errors: Array<{ code: string }> }).errors[0]!.code, 'UNAUTHORIZED');
  const base = await fetch(`${s.server.url}/v2/`);
  assert.equal(base.headers.get('www-authenticate'), `Bearer realm="${s.server.url}/token",service="berth-registry"`);
});

test('issues a scoped token on GET with Basic credentials and the registry accepts it', async (t) => {
  const s = await setup(t);
  const res = await s.token('service=berth-registry&scope=repository:a:pull,push&scope=repository:b:pull&account=alice', ALICE);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
  assert.equal(body.token, body.access_token);
  assert.equal(body.expires_in, 300);
  assert.ok(!Number.isNaN(Date.parse(body.issued_at)));
  const claims = claimsOf(body.token);
  assert.equal(claims.sub, 'alice');
  assert.deepEqual(claims.access, [
    { type: 'repository', name: 'a', actions: ['pull', 'push'] },
    { type: 'repository', name: 'b', actions: ['pull'] },
  ]);
  const bearer = { Authorization: `Bearer ${body.token}` };
  assert.equal((await fetch(`${s.server.url}/v2/a/blobs/uploads/`, { method: 'POST', headers: bearer })).status, 200);
  assert.equal((await fetch(`${s.server.url}/v2/b/manifests/latest`, { headers: bearer })).status, 200);
  assert.equal((await fetch(`${s.server.url}/v2/`, { headers: bearer })).status, 200);
});

test('a token for another repository or action is refused with insufficient_scope', async (t) => {
  const s = await setup(t);
  const pullA = { Authorization: `Bearer ${await tokenFor(s, 'repository:a:pull')}` };
  const pushA = { Authorization: `Bearer ${await tokenFor(s, 'repository:a:pull,push')}` };
  assert.equal((await fetch(`${s.server.url}/v2/a/blobs/uploads/`, { method: 'POST', headers: pushA })).status, 200);
  for (const [method, p, headers] of [
    ['GET', '/v2/other/manifests/latest', pullA],
    ['POST', '/v2/a/blobs/uploads/', pullA],
    ['DELETE', '/v2/a/manifests/sha256:00', pushA],
    ['POST', '/v2/a/blobs/uploads/?mount=sha256:00&from=secret', pushA],
  ] as const) {
    const res = await fetch(`${s.server.url}${p}`, { method, headers });
    assert.equal(res.status, 401, `${method} ${p}`);
    const [ch] = parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '');
    assert.equal(ch?.params.error, 'insufficient_scope');
    assert.ok(ch?.params.scope?.startsWith('repository:'));
  }
});

test('refuses tampered, foreign-audience and garbage tokens with invalid_token', async (t) => {
  const s = await setup(t);
  const other = await setup(t, { tokenService: 'other-registry' });
  const good = await tokenFor(s, 'repository:a:pull');
  const [h, p, sig] = good.split('.') as [string, string, string];
  const claims = claimsOf(good);
  claims.access = [{ type: 'repository', name: 'secret', actions: ['pull'] }];
  const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
  const foreignRes = await other.token('service=other-registry&scope=repository:a:pull', ALICE);
  const foreign = ((await foreignRes.json()) as { token: string }).token;
  for (const token of [tampered, foreign, 'garbage']) {
    const res = await fetch(`${s.server.url}/v2/a/manifests/latest`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  }
});

test('the token endpoint refuses wrong credentials with details the docker CLI shows', async (t) => {
  const s = await setup(t);
  const res = await s.token('service=berth-registry&scope=repository:a:pull', basic('alice', 'wrong'));
  assert.equal(res.status, 401);
  const body = (await res.json()) as { details: string; errors: Array<{ code: string }> };
  assert.equal(body.details, 'incorrect username or password');
  assert.equal(body.errors[0]!.code, 'UNAUTHORIZED');
  assert.equal((await s.token('service=berth-registry&scope=repository:a:pull')).status, 401, 'anonymous without --anonymous-pull');
  assert.equal((await s.token('service=elsewhere', ALICE)).status, 400);
  assert.equal((await s.token('scope=bogus', ALICE)).status, 400);
  assert.equal((await s.token('account=bob', ALICE)).status, 400);
  assert.equal((await fetch(`${s.server.url}/token`, { method: 'PUT' })).status, 405);
});

test('grants only what the ACL allows, and anonymous callers pull only', async (t) => {
  const s = await setup(t, { acl: 'alice * *\nbob team/* pull\nanonymous public/* pull\n', anonymousPull: true });
  const bob = basic('bob', 'builder');
  const bobToken = await tokenFor(s, 'repository:team/x:pull,push', bob);
  assert.deepEqual(claimsOf(bobToken).access, [{ type: 'repository', name: 'team/x', actions: ['pull'] }]);
  const push = await fetch(`${s.server.url}/v2/team/x/blobs/uploads/`, { method: 'POST', headers: { Authorization: `Bearer ${bobToken}` } });
  assert.equal(push.status, 401);
  const anon = await s.token('service=berth-registry&scope=repository:public/y:pull,push&scope=repository:team/x:pull');
  assert.equal(anon.status, 200);
  const anonClaims = claimsOf(((await anon.json()) as { token: string }).token);
  assert.equal(anonClaims.sub, '');
  assert.deepEqual(anonClaims.access, [{ type: 'repository', name: 'public/y', actions: ['pull'] }]);
});

test('speaks OAuth2 POST: password grant with a refresh token, then the refresh grant', async (t) => {
  const s = await setup(t);
  const post = (form: Record<string, string>) =>
    fetch(`${s.server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  const first = await post({ grant_type: 'password', username: 'alice', password: 'wonderland', service: 'berth-registry', client_id: 'docker', access_type: 'offline', scope: '' });
  assert.equal(first.status, 200);
  const body = (await first.json()) as { access_token: string; refresh_token: string };
  assert.equal(typeof body.refresh_token, 'string');
  assert.equal((await fetch(`${s.server.url}/v2/`, { headers: { Authorization: `Bearer ${body.access_token}` } })).status, 200);

  const refreshed = await post({ grant_type: 'refresh_token', refresh_token: body.refresh_token, service: 'berth-registry', scope: 'repository:a:pull repository:b:push' });
  assert.equal(refreshed.status, 200);
  const r = (await refreshed.json()) as { access_token: string; scope: string; refresh_token?: string };
  assert.equal(r.scope, 'repository:a:pull repository:b:push');
  assert.equal(r.refresh_token, undefined);
  assert.equal(claimsOf(r.access_token).sub, 'alice');

  assert.equal((await post({ grant_type: 'password', username: 'alice', password: 'x' })).status, 401);
  assert.equal((await post({ grant_type: 'refresh_token', refresh_token: r.access_token })).status, 401, 'an access token is no refresh token');
  assert.equal((await post({ grant_type: 'client_credentials' })).status, 400);

  // A changed password retires the refresh token.
  await fs.writeFile(path.join(s.dir, 'htpasswd'), `alice:${bcrypt.hashSync('new-password', 4)}\n`);
  assert.equal((await post({ grant_type: 'refresh_token', refresh_token: body.refresh_token })).status, 401);
});

test('GET with offline_token=true returns a refresh token to authenticated callers', async (t) => {
  const s = await setup(t);
  const res = await s.token('service=berth-registry&offline_token=true&client_id=docker', ALICE);
  assert.equal(typeof ((await res.json()) as { refresh_token?: string }).refresh_token, 'string');
});
