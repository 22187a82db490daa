import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { EngineClient } from '../client.js';
import { encodeFrame, STDERR, STDOUT } from '../stream/stdcopy.js';
import { streamHijacked } from '../stream/hijack.js';
import { DaemonError, DaemonUnreachableError } from './daemon-error.js';
import { encodeQuery, pickApiVersion } from './transport.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
type UpgradeHandler = (req: http.IncomingMessage, socket: Socket) => void;

/** A real HTTP server on a temporary unix socket, closed and removed after the test. */
async function serve(t: TestContext, handler: Handler, onUpgrade?: UpgradeHandler): Promise<{ host: string; seen: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const socketPath = join(dir, 'api.sock');
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  if (onUpgrade) {
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
      seen.push(`UPGRADE ${req.method} ${req.url}`);
      onUpgrade(req, socket);
    });
  }
  const open = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.after(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  return { host: `unix://${socketPath}`, seen };
}

const pingAnswering = (version: string | undefined, rest: Handler): Handler => (req, res) => {
  if (req.url === '/_ping') {
    if (version !== undefined) res.setHeader('Api-Version', version);
    res.end('OK');
    return;
  }
  rest(req, res);
};

function client(t: TestContext, host: string, apiVersion?: string): EngineClient {
  const c = new EngineClient(host, apiVersion !== undefined ? { apiVersion } : {});
  t.after(() => c.close());
  return c;
}

describe('Engine API transport', () => {
  it('negotiates the API version with one ping and prefixes every path', async (t) => {
    const { host, seen } = await serve(t, pingAnswering('1.43', (_req, res) => res.end('[]')));
    const c = client(t, host);
    await c.containers.list({ all: true });
    await c.images.list();
    assert.deepEqual(seen, ['GET /_ping', 'GET /v1.43/containers/json?all=1', 'GET /v1.43/images/json']);
  });

  it('caps a newer daemon at the client maximum and defaults an unversioned one to 1.41', () => {
    assert.equal(pickApiVersion('1.47'), '1.45');
    assert.equal(pickApiVersion('1.44'), '1.44');
    assert.equal(pickApiVersion(undefined), '1.41');
  });

  it('skips the ping when a version is forced (DOCKER_API_VERSION)', async (t) => {
    const { host, seen } = await serve(t, (_req, res) => res.end('[]'));
    await client(t, host, '1.42').containers.list();
    assert.deepEqual(seen, ['GET /v1.42/containers/json']);
  });

  it('encodes queries like docker: booleans as 1/0, arrays repeated, undefined dropped', () => {
    assert.equal(encodeQuery({ a: true, b: false, c: undefined, names: ['x', 'y:1'], t: 5 }), '?a=1&b=0&names=x&names=y%3A1&t=5');
    assert.equal(encodeQuery({}), '');
  });

  it('turns an error answer into a DaemonError of the right kind, message verbatim', async (t) => {
    const { host } = await serve(t, pingAnswering('1.45', (req, res) => {
      if (req.url?.includes('/containers/nope/json')) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'No such container: nope' }));
      } else {
        res.writeHead(500);
        res.end('plain failure\n');
      }
    }));
    const c = client(t, host);
    await assert.rejects(c.containers.inspect('nope'), (err: unknown) => {
      assert.ok(err instanceof DaemonError);
      assert.equal(err.kind, 'not_found');
      assert.equal(err.statusCode, 404);
      assert.equal(err.message, 'No such container: nope');
      return true;
    });
    await assert.rejects(c.containers.start('x'), { message: 'plain failure', kind: 'internal' });
  });

  it('reports a socket nobody listens on as unreachable', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const c = client(t, `unix://${dir}/missing.sock`);
    await assert.rejects(c.containers.list(), (err: unknown) => {
      assert.ok(err instanceof DaemonUnreachableError);
      assert.equal(err.message, `Cannot connect to the Berth daemon at unix://${dir}/missing.sock. Is the berth daemon running?`);
      return true;
    });
  });

  it('resolves a wait as accepted when the headers arrive, before the exit status', async (t) => {
    let finish!: () => void;
    const { host } = await serve(t, pingAnswering('1.45', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      finish = () => res.end('{"StatusCode":3,"Error":null}\n');
    }));
    const wait = client(t, host).containers.wait('c1', 'next-exit');
    await wait.accepted;
    let settled = false;
    void wait.result.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false, 'the status is not known before the container exits');
    finish();
    assert.deepEqual(await wait.result, { StatusCode: 3, Error: null });
  });

  it('hijacks attach: demultiplexes output and half-closes after stdin ends', async (t) => {
    let received = '';
    const { host, seen } = await serve(t, pingAnswering('1.45', (_req, res) => res.end()), (req, socket) => {
      assert.equal(req.headers['upgrade'], 'tcp');
      socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      // The first frame goes out with the headers: it reaches the client as the upgrade "head".
      socket.write(encodeFrame(STDOUT, 'ready\n'));
      socket.on('data', (d: Buffer) => (received += d.toString()));
      // Output keeps flowing after the client's FIN, as a container's does after stdin EOF.
      socket.on('end', () => {
        socket.write(encodeFrame(STDOUT, `got ${received.length} bytes\n`));
        socket.end(encodeFrame(STDERR, 'bye\n'));
      });
    });
    const c = client(t, host);
    const connection = await c.containers.attach('c1', { stdin: true, stdout: true, stderr: true });
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const session = streamHijacked({ connection, tty: false, stdin, stdout, stderr });
    stdin.end('hello');
    assert.equal(await session.done, 'ended');
    assert.equal(received, 'hello');
    assert.equal(out, 'ready\ngot 5 bytes\n');
    assert.equal(err, 'bye\n');
    assert.deepEqual(seen.slice(-1), ['UPGRADE POST /v1.45/containers/c1/attach?stream=1&stdin=1&stdout=1&stderr=1']);
  });

  it('rejects a hijack the daemon refuses, with its message', async (t) => {
    const { host } = await serve(t, pingAnswering('1.45', (_req, res) => res.end()), (_req, socket) => {
      const body = JSON.stringify({ message: 'You cannot attach to a paused container, unpause it first' });
      socket.end(`HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    await assert.rejects(client(t, host).containers.attach('c1', { stdin: false, stdout: true, stderr: true }), {
      kind: 'conflict',
      message: 'You cannot attach to a paused container, unpause it first',
    });
  });
});
