import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialsFromAuthConfig, decodeRegistryAuth } from './client-registry-auth-header.js';

/** The header as a client that leaves out padding writes it (the CLI's own encoder: src/cli/config/auth-config.ts). */
const encodeRegistryAuth = (cfg: object): string => Buffer.from(JSON.stringify(cfg)).toString('base64url');

test('round-trips an auth config through base64url without padding', () => {
  const cfg = { username: 'alice', password: 'p?>~w', serveraddress: '127.0.0.1:5000' };
  const header = encodeRegistryAuth(cfg);
  assert.doesNotMatch(header, /[=+/]/);
  assert.deepEqual(decodeRegistryAuth(header), cfg);
});

test('accepts padded standard base64, empty headers and {}', () => {
  const std = Buffer.from(JSON.stringify({ username: 'bob', password: 'x>?' })).toString('base64');
  assert.deepEqual(decodeRegistryAuth(std), { username: 'bob', password: 'x>?' });
  assert.deepEqual(decodeRegistryAuth(undefined), {});
  assert.deepEqual(decodeRegistryAuth(''), {});
  assert.deepEqual(decodeRegistryAuth(Buffer.from('{}').toString('base64url')), {});
  assert.deepEqual(decodeRegistryAuth(['e30=']), {});
});

test('refuses headers that are not base64 JSON objects', () => {
  assert.throws(() => decodeRegistryAuth('not base64!'), /invalid X-Registry-Auth header: not base64/);
  assert.throws(() => decodeRegistryAuth(Buffer.from('nope').toString('base64url')), /not JSON/);
  assert.throws(() => decodeRegistryAuth(Buffer.from('[1]').toString('base64url')), /not a JSON object/);
});

test('turns an auth config into credentials, reading the auth field', () => {
  assert.deepEqual(credentialsFromAuthConfig({ auth: Buffer.from('carol:pa:ss').toString('base64') }), { username: 'carol', password: 'pa:ss' });
  assert.deepEqual(credentialsFromAuthConfig({ identitytoken: 'rt', registrytoken: 'bt' }), { identityToken: 'rt', registryToken: 'bt' });
  assert.equal(credentialsFromAuthConfig({}), undefined);
});
