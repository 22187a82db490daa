import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authConfigFromFlags, openAuthorizer } from './open-authorizer.js';

test('maps serve flags to an auth config with defaults', () => {
  assert.deepEqual(authConfigFromFlags({}), { mode: 'none' });
  const basic = authConfigFromFlags({ auth: 'htpasswd', htpasswd: 'pw' });
  assert.equal(basic.mode, 'htpasswd');
  assert.equal(basic.basicRealm, 'Berth Registry');
  assert.ok(basic.htpasswd?.endsWith('/pw'));
  const token = authConfigFromFlags({ auth: 'token', htpasswd: '/x/pw', tokenTtl: '120' }, '/srv/reg');
  assert.equal(token.tokenRealm, '/token');
  assert.equal(token.tokenService, 'berth-registry');
  assert.equal(token.tokenIssuer, 'berth-token-issuer');
  assert.equal(token.tokenTtlSeconds, 120);
  assert.equal(token.keyDir, '/srv/reg');
});

test('refuses inconsistent auth flags', () => {
  assert.throws(() => authConfigFromFlags({ auth: 'ldap' }), /invalid --auth: ldap/);
  assert.throws(() => authConfigFromFlags({ auth: 'htpasswd' }), /--auth htpasswd needs --htpasswd FILE/);
  assert.throws(() => authConfigFromFlags({ htpasswd: 'x' }), /--htpasswd needs --auth/);
  assert.throws(() => authConfigFromFlags({ auth: 'htpasswd', htpasswd: 'x', tokenRealm: '/t' }), /--token-realm needs --auth token/);
  assert.throws(() => authConfigFromFlags({ auth: 'token', htpasswd: 'x', tokenRealm: 'ftp://a/b' }), /invalid --token-realm/);
  assert.throws(() => authConfigFromFlags({ auth: 'token', htpasswd: 'x', tokenTtl: '10' }), /invalid --token-ttl/);
});

test('mode none allows everything', async () => {
  const authorizer = await openAuthorizer({ mode: 'none' });
  assert.equal(authorizer.mode, 'none');
  assert.equal(await authorizer.check({} as never, [{ type: 'repository', name: 'a', actions: ['push'] }]), undefined);
});

test('refuses to open when the htpasswd file is missing', async () => {
  await assert.rejects(openAuthorizer({ mode: 'htpasswd', htpasswd: '/nonexistent/berth-htpasswd' }), /ENOENT/);
});
