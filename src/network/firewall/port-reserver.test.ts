import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { test } from 'node:test';
import { ConflictError, InvalidArgumentError } from '../../errors.js';
import { PortReserver } from './port-reserver.js';

const LOCAL = '127.0.0.1';

/** Another program's listener on 127.0.0.1 (a port the kernel picks). */
async function otherProgram(t: { after(fn: () => unknown): void }): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOCAL, resolve));
  t.after(() => new Promise((r) => server.close(r)));
  return (server.address() as net.AddressInfo).port;
}

function canListen(port: number, host = LOCAL): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function reserver(t: { after(fn: () => unknown): void }, opts?: ConstructorParameters<typeof PortReserver>[0]): PortReserver {
  const r = new PortReserver(opts);
  t.after(() => r.releaseAll());
  return r;
}

test('a port another program listens on is a conflict naming the address', async (t) => {
  const port = await otherProgram(t);
  const r = reserver(t);
  await assert.rejects(r.reserve(LOCAL, port, 'tcp'), (err: unknown) => {
    assert.ok(err instanceof ConflictError);
    assert.equal(err.message, `failed to bind host port ${LOCAL}:${port}/tcp: address already in use`);
    return true;
  });
  assert.deepEqual(r.list(), [], 'a failed reservation holds nothing');
});

test('a port reserved twice is "port is already allocated", and 0.0.0.0 overlaps a specific address', async (t) => {
  const r = reserver(t);
  const port = await r.reserve(LOCAL, 0, 'tcp');
  await assert.rejects(r.reserve(LOCAL, port, 'tcp'), { name: 'ConflictError', message: `Bind for ${LOCAL}:${port} failed: port is already allocated` });
  await assert.rejects(r.reserve('0.0.0.0', port, 'tcp'), { name: 'ConflictError', message: `Bind for 0.0.0.0:${port} failed: port is already allocated` });
  assert.equal(await canListen(port), false, 'the socket is really held');
  // The same number over udp is a different port.
  assert.equal(await r.reserve(LOCAL, port, 'udp'), port);
});

test('concurrent reservations of one port: exactly one wins', async (t) => {
  const r = reserver(t);
  const port = await r.reserve(LOCAL, 0, 'tcp');
  await r.release(LOCAL, port, 'tcp');
  const results = await Promise.allSettled([r.reserve(LOCAL, port, 'tcp'), r.reserve(LOCAL, port, 'tcp')]);
  assert.deepEqual(results.map((x) => x.status).sort(), ['fulfilled', 'rejected']);
  const lost = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
  assert.match(String(lost.reason.message), /port is already allocated/);
});

test('random ports are distinct, come from the dynamic range, and are held', async (t) => {
  const r = reserver(t);
  const { first, last } = await r.range();
  assert.ok(first >= 1024 && last <= 65535 && first <= last);
  const ports = new Set<number>();
  for (let i = 0; i < 5; i++) ports.add(await r.reserve(LOCAL, 0, 'tcp'));
  assert.equal(ports.size, 5);
  for (const p of ports) {
    assert.ok(p >= first && p <= last, `${p} in ${first}-${last}`);
    assert.equal(await canListen(p), false);
  }
  assert.equal(r.list().length, 5);
});

test('release frees the port for another program, releaseAll frees all', async (t) => {
  const r = reserver(t);
  const a = await r.reserve(LOCAL, 0, 'tcp');
  const b = await r.reserve(LOCAL, 0, 'udp');
  await r.release(LOCAL, a, 'tcp');
  assert.equal(await canListen(a), true);
  await r.release(LOCAL, a, 'tcp'); // twice is fine
  const udpTaken = dgram.createSocket('udp4');
  await assert.rejects(new Promise((resolve, reject) => {
    udpTaken.once('error', reject);
    udpTaken.bind(b, LOCAL, () => resolve(undefined));
  }), { code: 'EADDRINUSE' });
  udpTaken.close();
  await r.releaseAll();
  assert.deepEqual(r.list(), []);
  const udpFree = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => udpFree.bind(b, LOCAL, () => resolve()));
  udpFree.close();
});

test('a full range is "all ports are allocated"; bad input is an invalid argument', async (t) => {
  const taken = await otherProgram(t);
  const r = reserver(t, { range: { first: taken, last: taken } });
  await assert.rejects(r.reserve(LOCAL, 0, 'tcp'), { name: 'ConflictError', message: `Bind for ${LOCAL}:0 failed: all ports are allocated` });
  await assert.rejects(r.reserve('::1', 80, 'tcp'), InvalidArgumentError);
  await assert.rejects(r.reserve(LOCAL, 65536, 'tcp'), InvalidArgumentError);
  await assert.rejects(r.reserve(LOCAL, 80, 'sctp' as 'tcp'), InvalidArgumentError);
  await assert.rejects(r.reserve('192.0.2.1', 8080, 'tcp'), { name: 'InvalidArgumentError', message: 'failed to bind host port 192.0.2.1:8080/tcp: cannot assign requested address' });
});
