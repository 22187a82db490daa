import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { ConflictError, InvalidArgumentError } from '../../errors.js';
import { ip, ipJson } from '../../host/ip-tool.js';
import { macFor } from '../ipam/mac.js';
import { ensureBridge, listBridgePorts, listBridges, removeBridge } from './bridge.js';
import { listAddresses } from './host-addresses.js';
import { kernelFixture } from './test-fixture.js';

interface LinkJson {
  ifname: string;
  flags: string[];
  mtu: number;
  address: string;
  addr_info: Array<{ family: string; local: string; prefixlen: number }>;
}

async function show(name: string): Promise<LinkJson> {
  const [link] = await ipJson<LinkJson[]>(['addr', 'show', 'dev', name]);
  return link!;
}

function v4(link: LinkJson): string[] {
  return link.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
}

test('creates a bridge with its gateway address, a fixed mac, up, and forwarding on', async (t) => {
  const fx = await kernelFixture(t);
  const br = fx.bridge();
  await ensureBridge({ name: br, gatewayCidr: `${fx.net}1/24`, mtu: 1400 });
  const link = await show(br);
  assert.deepEqual(v4(link), [`${fx.net}1/24`]);
  assert.equal(link.address, macFor(`${fx.net}1`));
  assert.equal(link.mtu, 1400);
  assert.ok(link.flags.includes('UP'));
  await fs.access(`/sys/class/net/${br}/bridge`);
  assert.equal((await fs.readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim(), '1');
  assert.equal((await fs.readFile(`/proc/sys/net/ipv4/conf/${br}/route_localnet`, 'utf8')).trim(), '1');
  const routes = await ipJson<Array<{ dst: string; dev: string }>>(['-4', 'route', 'show', 'dev', br]);
  assert.deepEqual(routes.map((r) => r.dst), [fx.subnet]);
});

test('ensuring again changes nothing, and repairs address, mtu and up state that drifted', async (t) => {
  const fx = await kernelFixture(t);
  const br = fx.bridge();
  const o = { name: br, gatewayCidr: `${fx.net}1/24` };
  await ensureBridge(o);
  const before = await show(br);
  await ensureBridge(o);
  assert.deepEqual(await show(br), before);

  await ip(['addr', 'add', `${fx.net}77/24`, 'dev', br]);
  await ip(['link', 'set', br, 'down', 'mtu', '1280']);
  await ensureBridge({ ...o, mtu: 1500 });
  const after = await show(br);
  assert.deepEqual(v4(after), [`${fx.net}1/24`]);
  assert.equal(after.mtu, 1500);
  assert.ok(after.flags.includes('UP'));

  await ensureBridge({ name: br, gatewayCidr: `${fx.net}254/25` });
  assert.deepEqual(v4(await show(br)), [`${fx.net}254/25`], 'a new gateway replaces the old one');
});

test('lists only bridges with the prefix, and removes them idempotently', async (t) => {
  const fx = await kernelFixture(t);
  const a = fx.bridge('a');
  const b = fx.bridge('b');
  await ensureBridge({ name: a, gatewayCidr: `${fx.net}1/25` });
  await ensureBridge({ name: b, gatewayCidr: `${fx.net}129/25` });
  const veth = fx.link(`${fx.prefix}v`);
  await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', `${fx.prefix}p`]);
  assert.deepEqual(await listBridges(fx.prefix), [a, b], 'the veth with the prefix is not a bridge');
  await removeBridge(a);
  assert.deepEqual(await listBridges(fx.prefix), [b]);
  await removeBridge(a);
  await removeBridge(b);
  assert.deepEqual(await listBridges(fx.prefix), []);
});

test('host addresses include the bridge subnet and the host routes, never a default route', async (t) => {
  const fx = await kernelFixture(t);
  const br = fx.bridge();
  await ensureBridge({ name: br, gatewayCidr: `${fx.net}1/24` });
  const all = await listAddresses();
  assert.ok(all.some((a) => a.cidr === fx.subnet && a.dev === br && a.source === 'route'), JSON.stringify(all));
  assert.ok(all.some((a) => a.cidr === fx.subnet && a.dev === br && a.source === 'address'));
  assert.ok(all.some((a) => a.cidr === '127.0.0.0/8' && a.source === 'address'));
  assert.ok(!all.some((a) => a.cidr.endsWith('/0')));
});

test('lists the ports of a bridge', async (t) => {
  const fx = await kernelFixture(t);
  const br = fx.bridge();
  await ensureBridge({ name: br, gatewayCidr: `${fx.net}1/24` });
  assert.deepEqual(await listBridgePorts(br), []);
  const port = fx.link(`${fx.prefix}v`);
  await ip(['link', 'add', port, 'master', br, 'type', 'veth', 'peer', 'name', `${fx.prefix}p`]);
  assert.deepEqual(await listBridgePorts(br), [port]);
  assert.deepEqual(await listBridgePorts(`${fx.prefix}none`), []);
});

test('refuses to take over or delete a device that is not a bridge', async (t) => {
  const fx = await kernelFixture(t);
  const name = fx.link(`${fx.prefix}x`);
  await ip(['link', 'add', name, 'type', 'veth', 'peer', 'name', `${fx.prefix}y`]);
  await assert.rejects(ensureBridge({ name, gatewayCidr: `${fx.net}1/24` }), ConflictError);
  await assert.rejects(removeBridge(name), ConflictError);
  assert.deepEqual(v4(await show(name)), [], 'left untouched');
});

test('rejects bad names and addresses before touching the kernel', async (t) => {
  const fx = await kernelFixture(t);
  await assert.rejects(ensureBridge({ name: `${fx.prefix}-much-too-long`, gatewayCidr: '10.213.0.1/24' }), InvalidArgumentError);
  await assert.rejects(ensureBridge({ name: `${fx.prefix}0`, gatewayCidr: '10.213.0.0/24' }), /network address/);
  await assert.rejects(ensureBridge({ name: `${fx.prefix}0`, gatewayCidr: '10.213.0.1' }), /prefix length/);
  await assert.rejects(ensureBridge({ name: `${fx.prefix}0`, gatewayCidr: 'fd00::1/64' }), /ipv6/);
  assert.deepEqual(await listBridges(fx.prefix), []);
});
