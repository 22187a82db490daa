import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import { IptablesTool } from '../../host/iptables-tool.js';
import { chainNames, ownChains } from './chains.js';
import { Firewall, type PortMapping } from './firewall.js';
import { NetnsLab } from './netns-lab.js';
import { acceptRule, dnatRule, networkRules } from './rules.js';

// Addresses: bridge 1 10.214.1.0/24, bridge 2 10.214.2.0/24, the host's
// "public" link to a remote machine 10.214.200.0/24 (host .1, remote .2).
const HOST_ADDR = '10.214.200.1';
const REMOTE_ADDR = '10.214.200.2';

/** The rule lines of both tables, without the comments and counters that change between saves. */
async function ruleLines(netnsFile: string): Promise<string[]> {
  const ipt = new IptablesTool({ netnsFile });
  const text = (await ipt.save('nat')) + (await ipt.save('filter'));
  return text.split('\n').filter((l) => l.startsWith('-') || (l.startsWith(':') && !/^:(PREROUTING|INPUT|OUTPUT|POSTROUTING|FORWARD) /.test(l)));
}

async function oneBridge(t: Parameters<typeof NetnsLab.create>[0]) {
  const lab = await NetnsLab.create(t);
  const br = `bt${lab.id}1`;
  await lab.addBridge(br, '10.214.1.1/24');
  const c1 = await lab.addContainer('c1', br, '10.214.1.2/24', '10.214.1.1');
  const remote = await lab.addRemote('r', `${HOST_ADDR}/24`, `${REMOTE_ADDR}/24`);
  await lab.startEcho(c1, 'c1');
  const fw = new Firewall({ prefix: lab.prefix, netnsFile: lab.host });
  return { lab, br, c1, remote, fw };
}

test('a published tcp port reaches the container from host processes (127.0.0.1 and a host address) and from another machine, until unpublished', async (t) => {
  const { lab, br, remote, fw } = await oneBridge(t);
  await fw.init();
  await fw.addNetwork({ bridge: br, subnet: '10.214.1.0/24', internal: false });
  const before = await ruleLines(lab.host);
  assert.equal(await lab.talk(lab.host, '127.0.0.1', 8080), undefined, 'nothing answers before publishing');
  assert.equal(await lab.talk(remote, '10.214.1.2', 80, 'tcp', 'direct', 800), undefined, 'another machine cannot reach an unpublished container port');

  const m: PortMapping = { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '10.214.1.2', containerPort: 80, bridge: br };
  await fw.publish(m);
  assert.match((await lab.talk(lab.host, '127.0.0.1', 8080, 'tcp', 'local'))!, /^c1:local\|/);
  assert.match((await lab.talk(lab.host, HOST_ADDR, 8080, 'tcp', 'hostaddr'))!, /^c1:hostaddr\|/);
  assert.match((await lab.talk(lab.host, '10.214.1.1', 8080, 'tcp', 'gw'))!, /^c1:gw\|/);
  // From another machine: DNAT in PREROUTING, forwarded; the container sees the real client.
  assert.equal(await lab.talk(remote, HOST_ADDR, 8080, 'tcp', 'remote'), `c1:remote|${REMOTE_ADDR}`);
  // Routed straight to the container address, the published container port answers (as Docker's accept allows).
  assert.equal(await lab.talk(remote, '10.214.1.2', 80, 'tcp', 'direct'), `c1:direct|${REMOTE_ADDR}`);

  await fw.unpublish(m);
  assert.equal(await lab.talk(lab.host, '127.0.0.1', 8080), undefined);
  assert.equal(await lab.talk(remote, HOST_ADDR, 8080, 'tcp', 'ping', 800), undefined);
  assert.equal(await lab.talk(remote, '10.214.1.2', 80, 'tcp', 'direct', 800), undefined);
  assert.deepEqual(await ruleLines(lab.host), before, 'unpublish removes exactly what publish added');
  await fw.unpublish(m); // idempotent
});

test('a udp port published on 127.0.0.1 answers there and not on the host\'s other addresses', async (t) => {
  const { lab, br, remote, fw } = await oneBridge(t);
  await fw.init();
  await fw.addNetwork({ bridge: br, subnet: '10.214.1.0/24', internal: false });
  const m: PortMapping = { proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, containerIp: '10.214.1.2', containerPort: 80, bridge: br };
  await fw.publish(m);
  assert.match((await lab.talk(lab.host, '127.0.0.1', 5353, 'udp', 'dgram'))!, /^c1:dgram\|/);
  assert.equal(await lab.talk(lab.host, HOST_ADDR, 5353, 'udp', 'dgram', 800), undefined);
  assert.equal(await lab.talk(remote, HOST_ADDR, 5353, 'udp', 'dgram', 800), undefined);
  assert.equal(await lab.talk(lab.host, '127.0.0.1', 5353, 'tcp', 'ping', 800), undefined, 'udp only');
  await fw.unpublish(m);
  const after = await ruleLines(lab.host);
  assert.ok(!after.some((l) => l.includes('10.214.1.2')), after.join('\n'));
});

test('every rule is written exactly as iptables-save prints it, so it can be found and deleted', async (t) => {
  const lab = await NetnsLab.create(t);
  await lab.addBridge(`bt${lab.id}1`, '10.214.1.1/24');
  await lab.addBridge(`bt${lab.id}2`, '10.214.2.1/24');
  await lab.addBridge(`bt${lab.id}3`, '10.214.3.1/24');
  const fw = new Firewall({ prefix: lab.prefix, netnsFile: lab.host });
  await fw.init();
  const nets = [
    { bridge: `bt${lab.id}1`, subnet: '10.214.1.7/24', internal: false },
    { bridge: `bt${lab.id}2`, subnet: '10.214.2.0/24', internal: true },
    { bridge: `bt${lab.id}3`, subnet: '10.214.3.0/24', internal: false, icc: false },
  ];
  const maps: PortMapping[] = [
    { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 80, containerIp: '10.214.1.2', containerPort: 8080, bridge: nets[0]!.bridge },
    { proto: 'udp', hostIp: '127.0.0.1', hostPort: 53, containerIp: '10.214.3.9', containerPort: 53, bridge: nets[2]!.bridge },
  ];
  for (const n of nets) await fw.addNetwork(n);
  for (const m of maps) await fw.publish(m);
  const tables = await fw.read();
  const built = [...nets.flatMap((n) => networkRules(fw.chains, n)), ...maps.flatMap((m) => [dnatRule(fw.chains, m), acceptRule(fw.chains, m)])];
  for (const r of built) assert.equal(tables[r.table].count(r.chain, r.spec), 1, `${r.table} -A ${r.chain} ${r.spec}\n${tables[r.table].rules(r.chain).join('\n')}`);
});

test('init and addNetwork again (a daemon restart) keep the rules of running containers and add no duplicates', async (t) => {
  const { lab, br, fw } = await oneBridge(t);
  const net = { bridge: br, subnet: '10.214.1.0/24', internal: false };
  const m: PortMapping = { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '10.214.1.2', containerPort: 80, bridge: br };
  await fw.init();
  await fw.addNetwork(net);
  await fw.publish(m);
  const first = await ruleLines(lab.host);

  const restarted = new Firewall({ prefix: lab.prefix, netnsFile: lab.host });
  await restarted.init();
  await restarted.init();
  await restarted.addNetwork(net);
  await restarted.publish(m);
  assert.deepEqual(await ruleLines(lab.host), first);
  assert.match((await lab.talk(lab.host, '127.0.0.1', 8080))!, /^c1:ping\|/);

  // A changed flag replaces the network's rules rather than adding to them.
  await restarted.addNetwork({ ...net, icc: false });
  const lines = await ruleLines(lab.host);
  assert.equal(lines.filter((l) => l.startsWith(`-A ${lab.prefix}-FORWARD -i ${br} -o ${br} `)).length, 1);
  assert.ok(lines.includes(`-A ${lab.prefix}-FORWARD -i ${br} -o ${br} -j DROP`));
  assert.equal(lines.length, first.length);
});

test('teardown removes every chain and rule of the prefix and nothing else', async (t) => {
  const { lab, br, fw } = await oneBridge(t);
  const ipt = new IptablesTool({ netnsFile: lab.host });
  const original = await ruleLines(lab.host);
  // Someone else's rules, one in a chain whose name starts with our prefix.
  const foreign = `${lab.prefix}X`;
  await ipt.restore(`*filter\n:${foreign} - [0:0]\n-A ${foreign} -j RETURN\n-A FORWARD -s 10.9.9.9/32 -j ${foreign}\nCOMMIT\n`);
  const withForeign = await ruleLines(lab.host);
  await fw.init();
  await fw.addNetwork({ bridge: br, subnet: '10.214.1.0/24', internal: false });
  await fw.publish({ proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '10.214.1.2', containerPort: 80, bridge: br });
  const own = ownChains(fw.chains);
  assert.ok((await ruleLines(lab.host)).length > withForeign.length + 10);

  await fw.teardown();
  assert.deepEqual(await ruleLines(lab.host), withForeign);
  const saved = (await ipt.save('nat')) + (await ipt.save('filter'));
  for (const chain of [...own.nat, ...own.filter]) assert.ok(!new RegExp(`[: ]${chain}( |$)`, 'm').test(saved), `${chain} left behind:\n${saved}`);
  await fw.teardown(); // nothing left to remove is fine
  assert.notDeepEqual(withForeign, original);
});

test('an internal network gets no masquerade and reaches nothing outside its subnet; a normal one goes out masqueraded', async (t) => {
  const lab = await NetnsLab.create(t);
  const pub = `bt${lab.id}1`;
  const internal = `bt${lab.id}2`;
  await lab.addBridge(pub, '10.214.1.1/24');
  await lab.addBridge(internal, '10.214.2.1/24');
  const c1 = await lab.addContainer('c1', pub, '10.214.1.2/24', '10.214.1.1');
  const c2 = await lab.addContainer('c2', internal, '10.214.2.2/24', '10.214.2.1');
  const c3 = await lab.addContainer('c3', internal, '10.214.2.3/24', '10.214.2.1');
  const remote = await lab.addRemote('r', `${HOST_ADDR}/24`, `${REMOTE_ADDR}/24`);
  await lab.startEcho(remote, 'remote');
  await lab.startEcho(c3, 'c3');
  const fw = new Firewall({ prefix: lab.prefix, netnsFile: lab.host });
  await fw.init();
  await fw.addNetwork({ bridge: pub, subnet: '10.214.1.0/24', internal: false });
  assert.equal(await lab.talk(c2, REMOTE_ADDR, 80), `remote:ping|10.214.2.2`, 'before --internal the container reaches out (unmasqueraded)');
  await fw.addNetwork({ bridge: internal, subnet: '10.214.2.0/24', internal: true });

  assert.equal(await lab.talk(c1, REMOTE_ADDR, 80), `remote:ping|${HOST_ADDR}`, 'outbound traffic takes the host address');
  assert.equal(await lab.talk(c2, REMOTE_ADDR, 80, 'tcp', 'ping', 800), undefined);
  assert.equal(await lab.talk(c2, '10.214.2.3', 80), 'c3:ping|10.214.2.2', 'within the internal network');
  assert.equal(await lab.talk(lab.host, '10.214.2.3', 80), 'c3:ping|10.214.2.1', 'the host reaches it');
  const nat = (await fw.read()).nat.rules(fw.chains.postrouting);
  assert.ok(!nat.some((spec) => spec.includes(internal) || spec.includes('10.214.2.0/24')), nat.join('\n'));
  assert.ok(nat.some((spec) => spec === `-s 10.214.1.0/24 ! -o ${pub} -j MASQUERADE`));
});

test('traffic between two bridges is dropped, a published port is reachable from the other bridge and from its own (hairpin)', async (t) => {
  const lab = await NetnsLab.create(t);
  const br1 = `bt${lab.id}1`;
  const br2 = `bt${lab.id}2`;
  await lab.addBridge(br1, '10.214.1.1/24');
  await lab.addBridge(br2, '10.214.2.1/24');
  const c1 = await lab.addContainer('c1', br1, '10.214.1.2/24', '10.214.1.1');
  const c2 = await lab.addContainer('c2', br2, '10.214.2.2/24', '10.214.2.1');
  const c3 = await lab.addContainer('c3', br2, '10.214.2.3/24', '10.214.2.1');
  await lab.startEcho(c1, 'c1');
  await lab.startEcho(c2, 'c2');
  const fw = new Firewall({ prefix: lab.prefix, netnsFile: lab.host });
  await fw.init();
  assert.equal(await lab.talk(c1, '10.214.2.2', 80), 'c2:ping|10.214.1.2', 'routed between bridges before the isolation rules');

  await fw.addNetwork({ bridge: br1, subnet: '10.214.1.0/24', internal: false });
  await fw.addNetwork({ bridge: br2, subnet: '10.214.2.0/24', internal: false });
  assert.equal(await lab.talk(c1, '10.214.2.2', 80, 'tcp', 'ping', 800), undefined);
  assert.equal(await lab.talk(c2, '10.214.1.2', 80, 'tcp', 'ping', 800), undefined);
  assert.equal(await lab.talk(c3, '10.214.2.2', 80), 'c2:ping|10.214.2.3', 'same bridge still talks');

  await fw.publish({ proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '10.214.2.2', containerPort: 80, bridge: br2 });
  assert.match((await lab.talk(c1, '10.214.1.1', 8080, 'tcp', 'via-host'))!, /^c2:via-host\|/, 'other bridge through the published port');
  assert.equal(await lab.talk(c2, '10.214.2.1', 8080, 'tcp', 'self'), 'c2:self|10.214.2.1', 'hairpin to itself');
  assert.equal(await lab.talk(c3, '10.214.2.1', 8080, 'tcp', 'peer'), 'c2:peer|10.214.2.1', 'hairpin from a peer on its bridge');
  assert.equal(await lab.talk(c1, '10.214.2.2', 80, 'tcp', 'ping', 800), undefined, 'still no direct path');
});

test('two host ports mapped to one container port share its accept until the last is unpublished', async (t) => {
  const { lab, br, fw } = await oneBridge(t);
  await fw.init();
  await fw.addNetwork({ bridge: br, subnet: '10.214.1.0/24', internal: false });
  const a: PortMapping = { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '10.214.1.2', containerPort: 80, bridge: br };
  const b: PortMapping = { ...a, hostPort: 8081 };
  await fw.publish(a);
  await fw.publish(b);
  assert.equal((await fw.read()).filter.rules(fw.chains.main).length, 1);
  await fw.unpublish(a);
  assert.equal(await lab.talk(lab.host, '127.0.0.1', 8080), undefined);
  assert.match((await lab.talk(lab.host, '127.0.0.1', 8081))!, /^c1:ping\|/);
  assert.equal((await fw.read()).filter.rules(fw.chains.main).length, 1);
  await fw.unpublish(b);
  const after = await fw.read();
  assert.deepEqual([after.filter.rules(fw.chains.main), after.nat.rules(fw.chains.main)], [[], []]);
});

test('removeNetwork removes every rule naming the bridge and the DNATs into its subnet', async (t) => {
  const { lab, br, fw } = await oneBridge(t);
  await fw.init();
  const bare = await ruleLines(lab.host);
  await fw.addNetwork({ bridge: br, subnet: '10.214.1.0/24', internal: false });
  await fw.publish({ proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '10.214.1.2', containerPort: 80, bridge: br });
  await fw.publish({ proto: 'udp', hostIp: '127.0.0.1', hostPort: 8080, containerIp: '10.214.1.2', containerPort: 80, bridge: br });
  await fw.removeNetwork(br);
  assert.deepEqual(await ruleLines(lab.host), bare);
  await fw.removeNetwork(br);
});

test('refuses a chain prefix or a mapping that could not make a rule, before touching anything', async () => {
  assert.throws(() => new Firewall({ prefix: 'BERTH-TOO-LONG-PREFIX' }), InvalidArgumentError);
  assert.throws(() => chainNames('bad prefix'), InvalidArgumentError);
  const fw = new Firewall({ prefix: 'BTzzzz', netnsFile: '/nonexistent' });
  const m: PortMapping = { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 80, containerIp: '10.0.0.2', containerPort: 80, bridge: 'br0' };
  for (const bad of [{ bridge: 'br0\n-A FORWARD -j ACCEPT' }, { hostIp: '::' }, { containerIp: '10.0.0.256' }, { hostPort: 0 }, { containerPort: 70000 }, { proto: 'sctp' }]) {
    await assert.rejects(async () => fw.publish({ ...m, ...bad } as PortMapping), InvalidArgumentError, JSON.stringify(bad));
  }
  await assert.rejects(async () => fw.addNetwork({ bridge: 'br0', subnet: '10.0.0.0/33', internal: false }), InvalidArgumentError);
  await assert.rejects(async () => fw.removeNetwork('br 0'), InvalidArgumentError);
});
