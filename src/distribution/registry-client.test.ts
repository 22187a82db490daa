import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { RegistryAuth } from '../registry/auth/client-auth.js';
import { RegistryClient, RegistryTransport } from './registry-client.js';
import { RegistryHosts } from './registry-hosts.js';
import { RegistryError } from './registry-errors.js';

/** A plain-HTTP registry on loopback asking for Basic auth, with a redirect and a spec error. */
describe('RegistryClient against a loopback registry', () => {
  let server: Server;
  let host: string;
  const seen: Array<{ path: string; auth?: string }> = [];
  const transport = new RegistryTransport('test');
  const good = `Basic ${Buffer.from('u:p').toString('base64')}`;

  before(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url!, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      if (req.headers.authorization !== good) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"', 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      } else if (req.url === '/v2/') {
        res.end('{}');
      } else if (req.url === '/v2/r/blobs/moved') {
        res.writeHead(307, { Location: '/storage/blob' });
        res.end();
      } else if (req.url === '/storage/blob') {
        res.end('blob bytes');
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    transport.close();
    server.closeAllConnections();
    server.close();
  });

  it('falls back from HTTPS to plain HTTP for a loopback registry and keeps its challenge', async () => {
    const client = await RegistryClient.connect(new RegistryHosts(), host, transport, undefined);
    assert.equal(client.endpoint.base.protocol, 'http:');
    assert.equal(client.challenge, 'Basic realm="test"');
  });

  it('answers the challenge with the credentials and follows redirects', async () => {
    const auth = new RegistryAuth(() => ({ username: 'u', password: 'p' }));
    const client = await RegistryClient.connect(new RegistryHosts(), host, transport, auth);
    seen.length = 0;
    const res = await client.request({ method: 'GET', url: '/v2/r/blobs/moved', scopes: ['repository:r:pull'] });
    assert.equal(Buffer.concat(await res.toArray()).toString(), 'blob bytes');
    assert.deepEqual(seen, [
      { path: '/v2/r/blobs/moved', auth: good },
      { path: '/storage/blob', auth: good },
    ]);
  });

  it("turns the registry's error document into a RegistryError of the status's kind", async () => {
    const auth = new RegistryAuth(() => ({ username: 'u', password: 'p' }));
    const client = await RegistryClient.connect(new RegistryHosts(), host, transport, auth);
    await assert.rejects(client.request({ method: 'GET', url: '/v2/r/blobs/none', scopes: [] }), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.equal(err.kind, 'not_found');
      assert.equal(err.message, 'blob unknown: blob unknown to registry');
      return true;
    });
  });

  it('stops with UNAUTHORIZED when the credentials are wrong, after one retry', async () => {
    const auth = new RegistryAuth(() => ({ username: 'u', password: 'wrong' }));
    const client = await RegistryClient.connect(new RegistryHosts(), host, transport, auth);
    seen.length = 0;
    await assert.rejects(client.request({ method: 'GET', url: '/v2/r/blobs/moved', scopes: [] }), /unauthorized: authentication required/);
    assert.equal(seen.length, 2);
  });

  it('reports a registry nobody answers for as unavailable, naming the last URL tried', async () => {
    await assert.rejects(RegistryClient.connect(new RegistryHosts(), '127.0.0.1:1', transport, undefined), (err: Error) => {
      assert.match(err.message, /^Get "http:\/\/127\.0\.0\.1:1\/v2\/": .*ECONNREFUSED/);
      return true;
    });
  });
});
