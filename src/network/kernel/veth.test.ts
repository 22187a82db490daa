import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { ConflictError, NotFoundError } from '../../errors.js';
import { ip, ipJson } from '../../host/ip-tool.js';
import { AddressPool } from '../ipam/address-pool.js';
import { macFor } from '../ipam/mac.js';
import { ensureBridge } from './bridge.js';
import { createNetns, removeNetns, runInNetns } from './netns.js';
import { kernelFixture, waitGone, type KernelFixture } from './test-fixture.js';
import { attachVeth, detachVeth, hostIfnameFor } from './veth.js';

interface LinkJson {
  ifname: string;
  flags: string[];
  address: string;
  master?: string;
  operstate: string;
  addr_info: Array<{ family: string; local: string; prefixlen: number }>;
}

/** A bridge on the fixture's subnet and one container (namespace + veth) per name. */
async function network(fx: KernelFixture, names: string[]) {
  const pool = new AddressPool(fx.subnet);
  const bridge = fx.bridge();
  await ensureBridge({ name: bridge, gatewayCidr: pool.cidrOf(pool.gateway) });
  const containers = [];
  for (const name of names) {
    const id = randomBytes(32).toString('hex');
    const netnsFile = fx.netns(name);
    const hostIfname = fx.link(hostIfnameFor(id, 0));
    const addr = pool.allocate();
    await createNetns(netnsFile);
    await attachVeth({ bridge, hostIfname, netnsFile, ifname: 'eth0', addressCidr: pool.cidrOf(addr), mac: macFor(addr), gateway: pool.gateway });
    containers.push({ name, id, netnsFile, hostIfname, addr });
  }
  return { pool, bridge, containers };
}

function ping(netnsFile: string, to: string): Promise<string> {
  return runInNetns(netnsFile, ['/bin/busybox', 'ping', '-c1', '-W1', to], { timeoutMs: 5000 });
}

test('two containers on a bridge reach each other and the gateway', async (t) => {
  const fx = await kernelFixture(t);
  const { pool, bridge, containers } = await network(fx, ['a', 'b']);
  const [a, b] = containers as [(typeof containers)[0], (typeof containers)[0]];

  for (const c of [a, b]) {
    const links = await ipJson<LinkJson[]>(['addr', 'show'], { netnsFile: c.netnsFile });
    assert.deepEqual(links.map((l) => l.ifname).sort(), ['eth0', 'lo']);
    const eth0 = links.find((l) => l.ifname === 'eth0')!;
    assert.equal(eth0.address, macFor(c.addr));
    assert.equal(eth0.operstate, 'UP');
    assert.deepEqual(eth0.addr_info.map((x) => `${x.family} ${x.local}/${x.prefixlen}`), [`inet ${c.addr}/24`], 'no ipv6 link-local');
    const routes = await ipJson<Array<{ dst: string; gateway?: string; dev: string }>>(['-4', 'route', 'show'], { netnsFile: c.netnsFile });
    assert.deepEqual(
      routes.map((r) => `${r.dst} ${r.gateway ?? '-'} ${r.dev}`),
      [`default ${pool.gateway} eth0`, `${fx.subnet} - eth0`],
    );
    const [host] = await ipJson<LinkJson[]>(['link', 'show', 'dev', c.hostIfname]);
    assert.equal(host!.master, bridge);
    assert.ok(host!.flags.includes('UP'));
  }
  assert.match(await ping(a.netnsFile, b.addr), /1 packets received/);
  assert.match(await ping(b.netnsFile, a.addr), /1 packets received/);
  assert.match(await ping(a.netnsFile, pool.gateway), /1 packets received/);
  assert.match(await runInNetns(a.netnsFile, ['/bin/busybox', 'ip', 'neigh']), new RegExp(`${pool.gateway} .*${macFor(pool.gateway)}`));
  // The host reaches a container through the bridge's connected route.
  assert.match(await ping(`/proc/${process.pid}/ns/net`, b.addr), /1 packets received/);
});

test('detach removes both ends and leaves the rest of the network working', async (t) => {
  const fx = await kernelFixture(t);
  const { containers } = await network(fx, ['a', 'b', 'c']);
  const [a, b, c] = containers as [(typeof containers)[0], (typeof containers)[0], (typeof containers)[0]];
  await detachVeth(a.hostIfname);
  await assert.rejects(fs.access(`/sys/class/net/${a.hostIfname}`), { code: 'ENOENT' });
  const inside = await ipJson<LinkJson[]>(['link', 'show'], { netnsFile: a.netnsFile });
  assert.deepEqual(inside.map((l) => l.ifname), ['lo']);
  await detachVeth(a.hostIfname); // idempotent
  assert.match(await ping(b.netnsFile, c.addr), /1 packets received/);
  await assert.rejects(ping(b.netnsFile, a.addr));
});

test('removing the namespace alone takes its veth pair with it', async (t) => {
  const fx = await kernelFixture(t);
  const { containers } = await network(fx, ['a']);
  const a = containers[0]!;
  await removeNetns(a.netnsFile);
  assert.equal(await waitGone(a.hostIfname), true, 'the kernel deletes the pair when the namespace dies');
});

test('a second network becomes eth1 without a default route, with the mtu asked for', async (t) => {
  const fx = await kernelFixture(t);
  const { containers } = await network(fx, ['a']);
  const a = containers[0]!;
  const other = fx.bridge('1');
  const net2 = fx.net2;
  await ensureBridge({ name: other, gatewayCidr: `${net2}1/24` });
  const hostIfname = fx.link(hostIfnameFor(a.id, 1));
  await attachVeth({ bridge: other, hostIfname, netnsFile: a.netnsFile, ifname: 'eth1', addressCidr: `${net2}9/24`, mac: macFor(`${net2}9`), mtu: 1400 });
  const [eth1] = await ipJson<Array<{ mtu: number }>>(['link', 'show', 'dev', 'eth1'], { netnsFile: a.netnsFile });
  const [host] = await ipJson<Array<{ mtu: number }>>(['link', 'show', 'dev', hostIfname]);
  assert.deepEqual([eth1!.mtu, host!.mtu], [1400, 1400]);
  const routes = await ipJson<Array<{ dst: string; dev: string }>>(['-4', 'route', 'show'], { netnsFile: a.netnsFile });
  assert.deepEqual(routes.map((r) => `${r.dst} ${r.dev}`).sort(), [`${fx.subnet} eth0`, `${net2}0/24 eth1`, 'default eth0'].sort());
  assert.match(await ping(a.netnsFile, `${net2}1`), /1 packets received/);
});

test('a leftover host veth of the same container is replaced; a taken name inside is a conflict', async (t) => {
  const fx = await kernelFixture(t);
  const { pool, bridge, containers } = await network(fx, ['a']);
  const a = containers[0]!;
  // Same host name again (a restart after a crash): the old pair is deleted first.
  const fresh = fx.netns('a2');
  await createNetns(fresh);
  const addr = pool.allocate();
  await attachVeth({ bridge, hostIfname: a.hostIfname, netnsFile: fresh, ifname: 'eth0', addressCidr: pool.cidrOf(addr), mac: macFor(addr) });
  assert.deepEqual((await ipJson<LinkJson[]>(['link', 'show'], { netnsFile: a.netnsFile })).map((l) => l.ifname), ['lo']);
  // eth0 already exists in the fresh namespace: refused, and no host end left behind.
  const other = fx.link(hostIfnameFor(a.id, 5));
  await assert.rejects(
    attachVeth({ bridge, hostIfname: other, netnsFile: fresh, ifname: 'eth0', addressCidr: pool.cidrOf(pool.allocate()), mac: macFor(addr) }),
    ConflictError,
  );
  await assert.rejects(fs.access(`/sys/class/net/${other}`), { code: 'ENOENT' });
});

test('failures leave no half-made link behind', async (t) => {
  const fx = await kernelFixture(t);
  const { bridge, containers } = await network(fx, []);
  const file = fx.netns('x');
  await createNetns(file);
  const hostIfname = fx.link(hostIfnameFor(randomBytes(8).toString('hex'), 0));
  const base = { bridge, hostIfname, netnsFile: file, ifname: 'eth0', addressCidr: `${fx.net}5/24`, mac: macFor(`${fx.net}5`) };
  await assert.rejects(attachVeth({ ...base, bridge: `${fx.prefix}zz` }), NotFoundError);
  await assert.rejects(attachVeth({ ...base, netnsFile: `${fx.netnsDir}/nothing` }), NotFoundError);
  // The route's gateway is off-link: the in-namespace step fails after the pair exists; it is rolled back.
  await assert.rejects(attachVeth({ ...base, gateway: '10.99.0.1' }), /Nexthop has invalid gateway|Network is unreachable/);
  await assert.rejects(fs.access(`/sys/class/net/${hostIfname}`), { code: 'ENOENT' });
  assert.deepEqual((await ipJson<LinkJson[]>(['link', 'show'], { netnsFile: file })).map((l) => l.ifname), ['lo']);
  assert.equal(containers.length, 0);
  await assert.rejects(attachVeth({ ...base, mac: 'nope' }), /invalid mac/);
  await assert.rejects(ip(['link', 'show', hostIfname]));
});

test('host veth names are deterministic, short and distinct per endpoint', () => {
  const id = 'f'.repeat(64);
  assert.equal(hostIfnameFor(id, 0), hostIfnameFor(id, 0));
  assert.notEqual(hostIfnameFor(id, 0), hostIfnameFor(id, 1));
  assert.match(hostIfnameFor(id, 0), /^veth[0-9a-f]{7}$/);
});
