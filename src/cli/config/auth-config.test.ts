import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authConfigKey, convertToHostname, decodeAuthField, encodeAuthConfig, loginServerAddress, searchIndexName } from './auth-config.js';

describe('X-Registry-Auth encoding', () => {
  it('is byte for byte the header docker 28.2.2 sent for the same credentials', () => {
    assert.equal(encodeAuthConfig({}), 'e30=');
    assert.equal(
      encodeAuthConfig({ serveraddress: 'https://index.docker.io/v1/', password: 'pw', username: 'hub' }),
      'eyJ1c2VybmFtZSI6Imh1YiIsInBhc3N3b3JkIjoicHciLCJzZXJ2ZXJhZGRyZXNzIjoiaHR0cHM6Ly9pbmRleC5kb2NrZXIuaW8vdjEvIn0=',
    );
    assert.equal(
      encodeAuthConfig({ username: 'u', password: '', serveraddress: 'tok.example', identitytoken: 'IDT' }),
      'eyJ1c2VybmFtZSI6InUiLCJzZXJ2ZXJhZGRyZXNzIjoidG9rLmV4YW1wbGUiLCJpZGVudGl0eXRva2VuIjoiSURUIn0=',
    );
  });

  it('uses the URL-safe alphabet with padding, and Go\'s escaping of <, >, &', () => {
    const encoded = encodeAuthConfig({ username: 'u', password: 'a&b>?~~~' });
    assert.doesNotMatch(encoded, /[+/]/);
    assert.equal(encoded.length % 4, 0);
    assert.equal(Buffer.from(encoded, 'base64url').toString(), '{"username":"u","password":"a\\u0026b\\u003e?~~~"}');
  });
});

describe('credential keys', () => {
  it('maps Docker Hub\'s domains to its index URL and keeps other hosts', () => {
    assert.equal(authConfigKey('docker.io'), 'https://index.docker.io/v1/');
    assert.equal(authConfigKey('index.docker.io'), 'https://index.docker.io/v1/');
    assert.equal(authConfigKey('127.0.0.1:5000'), '127.0.0.1:5000');
  });

  it('reduces an address to its host as docker\'s ConvertToHostname', () => {
    assert.equal(convertToHostname('https://h:5000/v2/'), 'h:5000');
    assert.equal(convertToHostname('HTTP://h'), 'h');
    assert.equal(convertToHostname('h:1/x'), 'h:1');
    assert.equal(convertToHostname('ftp://h/x'), 'ftp:');
  });

  it('picks the login server as docker 28.2.2 stored it', () => {
    assert.equal(loginServerAddress(undefined), 'https://index.docker.io/v1/');
    assert.equal(loginServerAddress('docker.io'), 'https://index.docker.io/v1/');
    assert.equal(loginServerAddress('https://index.docker.io/v1/'), 'https://index.docker.io/v1/');
    assert.equal(loginServerAddress('index.docker.io'), 'index.docker.io');
    assert.equal(loginServerAddress('http://127.0.0.1:5000/'), '127.0.0.1:5000');
    assert.equal(loginServerAddress('HTTPS://Foo:1/v2'), 'Foo:1');
  });

  it('sends a search to Docker Hub unless its first part names a host', () => {
    assert.equal(searchIndexName('busybox'), 'docker.io');
    assert.equal(searchIndexName('user/app'), 'docker.io');
    assert.equal(searchIndexName('tok.example'), 'docker.io');
    assert.equal(searchIndexName('127.0.0.1:5000/busy'), '127.0.0.1:5000');
    assert.equal(searchIndexName('localhost/x'), 'localhost');
    assert.equal(searchIndexName('index.docker.io/x'), 'docker.io');
  });

  it('reads the config file\'s auth field, refusing one without a user', () => {
    assert.deepEqual(decodeAuthField(Buffer.from('bob:pa:ss').toString('base64')), { username: 'bob', password: 'pa:ss' });
    assert.throws(() => decodeAuthField(Buffer.from(':x').toString('base64')), /invalid auth configuration file/);
    assert.throws(() => decodeAuthField('!!'), /illegal base64/);
  });
});
