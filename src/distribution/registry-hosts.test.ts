import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryHosts } from './registry-hosts.js';

describe('RegistryHosts', () => {
  it('treats loopback addresses and localhost as insecure by default, and nothing else', async () => {
    const h = new RegistryHosts();
    assert.equal(await h.isInsecure('127.0.0.1:5000'), true);
    assert.equal(await h.isInsecure('127.9.9.9'), true);
    assert.equal(await h.isInsecure('[::1]:5000'), true);
    assert.equal(await h.isInsecure('localhost:5000'), true);
    assert.equal(await h.isInsecure('10.0.0.1:5000'), false);
    assert.equal(await h.isInsecure('docker.io'), false);
  });

  it('adds --insecure-registry hosts and CIDRs, dropping an http:// prefix', async () => {
    const h = new RegistryHosts(['10.1.0.0/16', 'http://myreg.example:5000', '192.0.2.7']);
    assert.equal(await h.isInsecure('10.1.200.3:443'), true);
    assert.equal(await h.isInsecure('10.2.0.1'), false);
    assert.equal(await h.isInsecure('myreg.example:5000'), true);
    assert.equal(await h.isInsecure('192.0.2.7'), true);
  });

  it('refuses malformed --insecure-registry values', () => {
    assert.throws(() => new RegistryHosts(['ftp://x']), /should not contain '::\/\/'|should not contain/);
    assert.throws(() => new RegistryHosts(['10.0.0.0/40']), /not valid/);
    assert.throws(() => new RegistryHosts(['bad host']), /not valid/);
  });

  it('tries HTTPS, then plain HTTP for an insecure registry; HTTPS only otherwise; Docker Hub at registry-1', async () => {
    const h = new RegistryHosts(['10.0.0.0/8']);
    assert.deepEqual(
      (await h.endpoints('127.0.0.1:5000')).map((e) => [e.base.href, e.skipVerify]),
      [
        ['https://127.0.0.1:5000/', true],
        ['http://127.0.0.1:5000/', true],
      ],
    );
    assert.deepEqual(
      (await h.endpoints('registry.example.com')).map((e) => [e.base.href, e.skipVerify]),
      [['https://registry.example.com/', false]],
    );
    assert.deepEqual(
      (await h.endpoints('docker.io')).map((e) => e.base.href),
      ['https://registry-1.docker.io/'],
    );
  });
});
