import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import dnsPacket from 'dns-packet';
import { ConflictError } from '../../errors.js';
import { EmbeddedDns } from './embedded-dns.js';
import { aQuery, FakeUpstream, queryTcp, queryUdp, rcodeOf, sendTcp, sendUdp } from './dns-fixtures.js';
import { frame } from './tcp-framing.js';
import type { DnsAnswerSource, EmbeddedDnsOptions } from './types.js';

/** The engine's names as a real network service would hold them: a map, asked per query. */
class MapSource implements DnsAnswerSource {
  names = new Map<string, string[]>([
    ['web', ['172.18.0.2']],
    ['api', ['172.18.0.4', '172.18.0.5', '172.18.0.6', '172.18.0.7']],
    ['nov4', []],
  ]);
  ptr = new Map<string, string>([['172.18.0.2', 'web.mynet']]);
  forward = true;
  lookups: Array<[string, string]> = [];
  lookup(clientIp: string, name: string): string[] | undefined {
    this.lookups.push([clientIp, name]);
    return this.names.get(name);
  }
  reverse(_clientIp: string, ip: string): string | undefined {
    return this.ptr.get(ip);
  }
  mayForward(): boolean {
    return this.forward;
  }
}

async function startUpstream(t: TestContext, mode: FakeUpstream['mode'] = 'answer'): Promise<FakeUpstream> {
  const upstream = new FakeUpstream('127.0.0.2');
  upstream.mode = mode;
  await upstream.start();
  t.after(() => upstream.stop());
  return upstream;
}

async function setup(t: TestContext, opts: Partial<EmbeddedDnsOptions> = {}) {
  const upstream = await startUpstream(t);
  const source = new MapSource();
  const errors: unknown[] = [];
  const dns = new EmbeddedDns({
    source,
    upstreams: () => [upstream.spec],
    forwardTimeoutMs: 300,
    onError: (err) => errors.push(err),
    ...opts,
  });
  t.after(() => dns.closeAll());
  await dns.listen('127.0.0.1', 0);
  const port = dns.port('127.0.0.1')!;
  return { dns, upstream, source, port, errors };
}

/** A port on 127.0.0.2 nobody listens on (bound, read, released): UDP to it is refused. */
async function closedPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.2', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('answers an A query for a container name over UDP with its address and a 600 s TTL', async (t) => {
  const { port, upstream, source } = await setup(t);
  const reply = await queryUdp(port, aQuery('web', 0x4242));
  assert.ok(reply);
  assert.equal(reply.id, 0x4242);
  assert.equal(rcodeOf(reply), 'NOERROR');
  assert.equal(reply.flag_qr, true);
  assert.equal(reply.flag_rd, true);
  assert.equal(reply.flag_ra, true);
  assert.deepEqual(
    reply.answers?.map((a) => [a.type, a.name, 'ttl' in a ? a.ttl : undefined, 'data' in a ? a.data : undefined]),
    [['A', 'web', 600, '172.18.0.2']],
  );
  assert.deepEqual(source.lookups, [['127.0.0.1', 'web']]);
  assert.equal(upstream.seen.length, 0);
});

test('returns every address of a shared alias, in varying order (round robin)', async (t) => {
  const { port } = await setup(t);
  const orders = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const reply = await queryUdp(port, aQuery('api', i));
    const ips = reply!.answers!.map((a) => ('data' in a ? String(a.data) : ''));
    assert.deepEqual([...ips].sort(), ['172.18.0.4', '172.18.0.5', '172.18.0.6', '172.18.0.7']);
    orders.add(ips.join(','));
  }
  // 12 shuffles of 4 addresses all in one order: chance (1/24)^11.
  assert.ok(orders.size > 1, 'addresses come in more than one order');
});

test('matches names case-insensitively and ignores a trailing dot, echoing the question as asked', async (t) => {
  const { port, source } = await setup(t);
  const reply = await queryUdp(port, aQuery('WeB.'));
  assert.equal(rcodeOf(reply!), 'NOERROR');
  assert.equal(reply!.answers!.length, 1);
  assert.equal(reply!.answers![0]!.name, 'WeB');
  assert.equal(reply!.questions![0]!.name, 'WeB');
  assert.deepEqual(source.lookups.at(-1), ['127.0.0.1', 'web']);
});

test('answers AAAA and MX for an owned name with NOERROR and no records, without forwarding', async (t) => {
  const { port, upstream } = await setup(t);
  for (const type of ['AAAA', 'MX'] as const) {
    const reply = await queryUdp(port, aQuery('web', 7, type));
    assert.equal(rcodeOf(reply!), 'NOERROR', type);
    assert.equal(reply!.answers!.length, 0, type);
  }
  const nov4 = await queryUdp(port, aQuery('nov4'));
  assert.equal(rcodeOf(nov4!), 'NOERROR');
  assert.equal(nov4!.answers!.length, 0);
  assert.equal(upstream.seen.length, 0);
});

test('answers over TCP with two-byte length framing', async (t) => {
  const { port, upstream } = await setup(t);
  const reply = await queryTcp(port, aQuery('api', 99));
  assert.equal(reply!.id, 99);
  assert.equal(reply!.answers!.length, 4);
  assert.equal(upstream.seen.length, 0);
});

test('forwards an unknown name over UDP and relays the reply byte for byte under the client id', async (t) => {
  const { port, upstream } = await setup(t);
  const raw = await sendUdp(port, dnsPacket.encode(aQuery('example.org', 0x0abc)));
  assert.ok(raw && upstream.lastReply);
  assert.equal(raw.readUInt16BE(0), 0x0abc);
  assert.deepEqual(raw.subarray(2), upstream.lastReply.subarray(2));
  const reply = dnsPacket.decode(raw);
  assert.deepEqual(reply.answers?.map((a) => ('data' in a ? a.data : undefined)), ['198.51.100.7']);
  assert.deepEqual(upstream.seen.map((q) => [q.transport, q.name, q.type]), [['udp', 'example.org', 'A']]);
});

test('forwards a TCP query over TCP', async (t) => {
  const { port, upstream } = await setup(t);
  const reply = await queryTcp(port, aQuery('example.org', 5));
  assert.equal(reply!.id, 5);
  assert.equal(rcodeOf(reply!), 'NOERROR');
  assert.deepEqual(upstream.seen.map((q) => q.transport), ['tcp']);
});

test('tries the next upstream when one refuses, fails or is silent', async (t) => {
  const failing = await startUpstream(t, 'servfail');
  const silent = new FakeUpstream('127.0.0.3');
  silent.mode = 'silent';
  await silent.start();
  t.after(() => silent.stop());
  const refused = await closedPort();
  const { port, upstream } = await setup(t, {
    upstreams: () => [`127.0.0.2:${refused}`, failing.spec, silent.spec, upstream.spec],
  });
  // Only three upstreams are used (glibc's MAXNS, Docker's maxExtDNS): the fourth is never asked.
  const reply = await queryUdp(port, aQuery('example.org'), { timeoutMs: 3000 });
  assert.equal(rcodeOf(reply!), 'SERVFAIL');
  assert.equal(failing.seen.length, 1);
  assert.equal(silent.seen.length, 1);
  assert.equal(upstream.seen.length, 0);
});

test('relays the answer of a later upstream after a refused and a failing one', async (t) => {
  const failing = await startUpstream(t, 'servfail');
  const refused = await closedPort();
  const { port, upstream } = await setup(t, { upstreams: () => [`127.0.0.2:${refused}`, failing.spec, upstream.spec] });
  const reply = await queryUdp(port, aQuery('example.org'));
  assert.equal(rcodeOf(reply!), 'NOERROR');
  assert.equal(reply!.answers!.length, 1);
  assert.equal(failing.seen.length, 1);
  assert.equal(upstream.seen.length, 1);
});

test('answers SERVFAIL within the timeout when the upstream never answers', async (t) => {
  const { port, upstream } = await setup(t, { forwardTimeoutMs: 300 });
  upstream.mode = 'silent';
  const started = performance.now();
  const reply = await queryUdp(port, aQuery('example.org'), { timeoutMs: 3000 });
  const elapsed = performance.now() - started;
  assert.equal(rcodeOf(reply!), 'SERVFAIL');
  assert.ok(elapsed >= 250 && elapsed < 1500, `answered after ${elapsed.toFixed(0)} ms`);
  assert.equal(upstream.seen.length, 1);
});

test('answers SERVFAIL without forwarding for a client that may not forward (internal network)', async (t) => {
  const { port, upstream, source } = await setup(t);
  source.forward = false;
  const external = await queryUdp(port, aQuery('example.org'));
  assert.equal(rcodeOf(external!), 'SERVFAIL');
  const externalTcp = await queryTcp(port, aQuery('example.org'));
  assert.equal(rcodeOf(externalTcp!), 'SERVFAIL');
  const local = await queryUdp(port, aQuery('web'));
  assert.equal(local!.answers!.length, 1);
  assert.equal(upstream.seen.length, 0);
});

test('answers PTR for an owned address and forwards other addresses', async (t) => {
  const { port, upstream } = await setup(t);
  const owned = await queryUdp(port, aQuery('2.0.18.172.in-addr.arpa', 1, 'PTR'));
  assert.equal(rcodeOf(owned!), 'NOERROR');
  assert.deepEqual(
    owned!.answers!.map((a) => [a.type, a.name, 'data' in a ? a.data : undefined]),
    [['PTR', '2.0.18.172.in-addr.arpa', 'web.mynet']],
  );
  const other = await queryUdp(port, aQuery('9.0.18.172.in-addr.arpa', 2, 'PTR'));
  assert.equal(rcodeOf(other!), 'NOERROR');
  assert.deepEqual(upstream.seen.map((q) => [q.name, q.type]), [['9.0.18.172.in-addr.arpa', 'PTR']]);
});

test('drops malformed packets and responses without crashing, then answers a good query', async (t) => {
  const { port, upstream } = await setup(t);
  const response = dnsPacket.encode({ ...aQuery('web'), type: 'response' });
  const claimsAQuestion = Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  for (const bad of [Buffer.from('not dns'), Buffer.alloc(0), claimsAQuestion, response, Buffer.alloc(600, 0xff)]) {
    assert.equal(await sendUdp(port, bad, { timeoutMs: 150 }), undefined);
  }
  // Over TCP: a garbage frame, then a real query on the same connection.
  const good = dnsPacket.encode(aQuery('web', 77));
  const raw = await sendTcp(port, [frame(Buffer.from('garbage!')), frame(Buffer.alloc(0)), frame(good)]);
  assert.equal(dnsPacket.decode(raw!).id, 77);
  const reply = await queryUdp(port, aQuery('web'));
  assert.equal(reply!.answers!.length, 1);
  assert.equal(upstream.seen.length, 0);
});

test('answers FORMERR to a query without a question', async (t) => {
  const { port } = await setup(t);
  const reply = await queryUdp(port, { type: 'query', id: 3, questions: [] });
  assert.equal(reply!.id, 3);
  assert.equal(rcodeOf(reply!), 'FORMERR');
});

test('truncates a UDP answer that does not fit and sets TC, while TCP carries every record', async (t) => {
  const { port, source } = await setup(t);
  const many = Array.from({ length: 100 }, (_, i) => `10.1.${i >> 8}.${i & 0xff}`);
  source.names.set('crowd', many);
  const udp = await queryUdp(port, aQuery('crowd'));
  assert.equal(udp!.flag_tc, true);
  assert.ok(udp!.answers!.length > 0 && udp!.answers!.length < 100);
  assert.ok(dnsPacket.encode(udp!).length <= 512);
  const tcp = await queryTcp(port, aQuery('crowd'));
  assert.equal(tcp!.flag_tc, false);
  assert.equal(tcp!.answers!.length, 100);
});

test('answers SERVFAIL and reports the error when the answer source throws', async (t) => {
  const { port, source, errors } = await setup(t);
  source.lookup = () => {
    throw new Error('source broke');
  };
  const reply = await queryUdp(port, aQuery('web'));
  assert.equal(rcodeOf(reply!), 'SERVFAIL');
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /source broke/);
});

test('never forwards to its own address (no loop)', async (t) => {
  let self = '';
  const { port } = await setup(t, { upstreams: () => [self] });
  self = `127.0.0.1:${port}`;
  const started = performance.now();
  const reply = await queryUdp(port, aQuery('example.org'));
  assert.equal(rcodeOf(reply!), 'SERVFAIL');
  assert.ok(performance.now() - started < 250);
});

test("one client's flood of forwarded queries does not take another client's forwarding", async (t) => {
  const { port, upstream } = await setup(t, { maxForwardsPerClient: 4, forwardTimeoutMs: 800 });
  upstream.mode = 'silent';
  const started = performance.now();
  const flood = Array.from({ length: 10 }, (_, i) =>
    queryUdp(port, aQuery(`flood${i}.example`, i), { timeoutMs: 3000 }).then((r) => ({ r, ms: performance.now() - started })),
  );
  await new Promise((r) => setTimeout(r, 100));
  const other = queryUdp(port, aQuery('other.example', 500), { from: '127.0.0.3', timeoutMs: 3000 });
  const results = await Promise.all(flood);
  assert.ok(results.every(({ r }) => rcodeOf(r!) === 'SERVFAIL'));
  // Past its four slots the flooder is refused at once instead of queueing.
  assert.equal(results.filter(({ ms }) => ms < 400).length, 6);
  assert.equal(rcodeOf((await other)!), 'SERVFAIL');
  const forwarded = upstream.seen.map((q) => q.name);
  assert.equal(forwarded.filter((n) => n.startsWith('flood')).length, 4);
  assert.ok(forwarded.includes('other.example'), 'the other client was still forwarded');
});

test('listen is idempotent per address and close releases the UDP and TCP port', async (t) => {
  const { dns, port } = await setup(t);
  await dns.listen('127.0.0.1', 0);
  await dns.listen('127.0.0.1', port);
  await assert.rejects(dns.listen('127.0.0.1', port === 65535 ? 65534 : port + 1), ConflictError);
  assert.deepEqual(dns.listening(), ['127.0.0.1']);
  await dns.close('127.0.0.1');
  assert.deepEqual(dns.listening(), []);
  assert.equal(dns.port('127.0.0.1'), undefined);
  await dns.close('127.0.0.1'); // closing twice is harmless

  const udp = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind({ port, address: '127.0.0.1', exclusive: true }, () => resolve());
  });
  const tcp = net.createServer();
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((r) => udp.close(() => r()));
  await new Promise<void>((r) => tcp.close(() => r()));
});

test('listen on an address already in use fails with ConflictError and leaves nothing bound', async (t) => {
  const { port } = await setup(t);
  const second = new EmbeddedDns({ source: new MapSource(), upstreams: () => [] });
  t.after(() => second.closeAll());
  await assert.rejects(second.listen('127.0.0.1', port), ConflictError);
  assert.deepEqual(second.listening(), []);
  await assert.rejects(second.listen('not-an-ip'), /invalid dns listen address/);
});

test('closeAll stops in-flight forwards at once', async (t) => {
  const { dns, port, upstream } = await setup(t, { forwardTimeoutMs: 10_000 });
  upstream.mode = 'silent';
  const pending = queryUdp(port, aQuery('example.org'), { timeoutMs: 500 });
  while (upstream.seen.length === 0) await new Promise((r) => setTimeout(r, 10));
  const started = performance.now();
  await dns.closeAll();
  assert.ok(performance.now() - started < 200);
  assert.equal(await pending, undefined, 'no reply after close');
});
