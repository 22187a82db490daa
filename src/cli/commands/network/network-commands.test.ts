/**
 * The `network` verbs' protocol, checked against a scripted Engine API server
 * on a real unix socket: the requests each command line makes (method, path,
 * query, body — compared with what docker 28.2.2 sends for the same flags),
 * and what reaches stdout/stderr with which exit status. Networks themselves
 * are proven by test/integration/network/cli.test.ts against berthd.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { berth, scriptedDaemon, type Daemon, type Reply, type Script, type Seen } from '../../testing/scripted-daemon.js';

const ID = 'e'.repeat(64);
const NET = {
  Name: 'front',
  Id: 'a'.repeat(64),
  Created: '2024-03-01T12:00:00Z',
  Scope: 'local',
  Driver: 'bridge',
  EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
  Internal: false,
  Attachable: false,
  Ingress: false,
  ConfigFrom: { Network: '' },
  ConfigOnly: false,
  Containers: {},
  Options: {},
  Labels: {},
};
const notFound = (name: string): Reply => ({ status: 404, body: { message: `network ${name} not found` } });

/** The replies of a daemon with one network, front, that takes every change; the rest is a 404. */
function defaults(r: Seen): Reply | undefined {
  if (r.method === 'POST' && r.path === '/networks/create') return { status: 201, body: { Id: ID, Warning: '' } };
  if (r.method === 'GET' && r.path === '/networks') return { status: 200, body: [NET] };
  if (r.method === 'POST' && r.path === '/networks/prune') return { status: 200, body: { NetworksDeleted: null } };
  if (r.method === 'DELETE' || r.path.endsWith('/connect') || r.path.endsWith('/disconnect')) return { status: r.method === 'DELETE' ? 204 : 200 };
  if (r.method === 'GET' && r.path === '/networks/front') return { status: 200, body: NET };
  return undefined;
}

/** A daemon answering from `script`, then from defaults, announcing `apiVersion` (1.45 unless given). */
function networkDaemon(t: TestContext, script?: Script, apiVersion?: string): Promise<Daemon> {
  return scriptedDaemon(t, script, { apiVersion, defaults });
}

describe('network create', () => {
  it('sends docker\'s body for a bare name and prints the new ID', async (t) => {
    const d = await networkDaemon(t);
    assert.deepEqual(await berth(d.host, ['network', 'create', 'foo']), { stdout: `${ID}\n`, stderr: '', status: 0 });
    assert.equal(d.seen.length, 1);
    assert.equal(
      d.seen[0]!.body,
      '{"Driver":"bridge","Scope":"","IPAM":{"Driver":"default","Options":{},"Config":[]},"Internal":false,"Attachable":false,"Ingress":false,"ConfigOnly":false,"ConfigFrom":null,"Options":{},"Labels":{},"Name":"foo"}',
    );
  });

  it('maps every flag as docker 28.2.2 does (byte for byte)', async (t) => {
    const d = await networkDaemon(t);
    const r = await berth(d.host, [
      'network', 'create', '-d', 'bridge', '--subnet', '10.1.0.0/16', '--gateway', '10.1.0.1', '--ip-range', '10.1.2.0/24', '--internal', '--attachable',
      '--label', 'a=b', '--label', 'c', '-o', 'com.x=1', '-o', 'y', '--ipv6', '--aux-address', 'host1=10.1.0.5', '--ipam-opt', 'q=r', 'bar',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      d.seen[0]!.body,
      '{"Driver":"bridge","Scope":"","EnableIPv6":true,"IPAM":{"Driver":"default","Options":{"q":"r"},"Config":[{"Subnet":"10.1.0.0/16","IPRange":"10.1.2.0/24","Gateway":"10.1.0.1","AuxiliaryAddresses":{"host1":"10.1.0.5"}}]},"Internal":true,"Attachable":true,"Ingress":false,"ConfigOnly":false,"ConfigFrom":null,"Options":{"com.x":"1","y":""},"Labels":{"a":"b","c":""},"Name":"bar"}',
    );
  });

  it('takes comma lists, --flag=false, scope and config-from like docker', async (t) => {
    const d = await networkDaemon(t);
    await berth(d.host, ['network', 'create', '--subnet', '10.1.0.0/16,10.2.0.0/16', '--gateway', '10.2.0.1', '--ipv6=false', '--internal=false',
      '--scope', 'local', '--config-from', 'x', '--config-only', '--ingress', '--ipam-driver', 'foo', 'q']);
    assert.equal(
      d.seen[0]!.body,
      '{"Driver":"bridge","Scope":"local","EnableIPv6":false,"IPAM":{"Driver":"foo","Options":{},"Config":[{"Subnet":"10.1.0.0/16"},{"Subnet":"10.2.0.0/16","Gateway":"10.2.0.1"}]},"Internal":false,"Attachable":false,"Ingress":true,"ConfigOnly":true,"ConfigFrom":{"Network":"x"},"Options":{},"Labels":{},"Name":"q"}',
    );
  });

  it('asks daemons older than API 1.44 to check for duplicate names', async (t) => {
    const d = await networkDaemon(t, undefined, '1.43');
    await berth(d.host, ['network', 'create', 'foo']);
    assert.equal((JSON.parse(d.seen[0]!.body) as { CheckDuplicate?: boolean }).CheckDuplicate, true);
  });

  it('refuses inconsistent IPAM flags before any request (exit 1) and bad flag values with usage (exit 125)', async (t) => {
    const d = await networkDaemon(t);
    assert.deepEqual(await berth(d.host, ['network', 'create', '--subnet', '10.1.0.0/16', '--gateway', '10.2.0.1', 'x']), {
      stdout: '',
      stderr: 'no matching subnet for gateway 10.2.0.1\n',
      status: 1,
    });
    const label = await berth(d.host, ['network', 'create', '--label', '=v', 'x']);
    assert.equal(label.status, 125);
    assert.equal(
      label.stderr,
      'invalid argument "=v" for "--label" flag: invalid label \'=v\': empty name\n\nUsage:  berth network create [OPTIONS] NETWORK\n\nRun \'berth network create --help\' for more information\n',
    );
    const args = await berth(d.host, ['network', 'create', 'a', 'b']);
    assert.equal(args.status, 1);
    assert.equal(args.stderr, "berth: 'berth network create' requires 1 argument\n\nUsage:  berth network create [OPTIONS] NETWORK\n\nRun 'berth network create --help' for more information\n");
    assert.equal(d.seen.length, 0);
  });

  it('prints the daemon\'s refusal', async (t) => {
    const d = await networkDaemon(t, () => ({ status: 409, body: { message: 'network with name dup already exists' } }));
    assert.deepEqual(await berth(d.host, ['network', 'create', 'dup']), {
      stdout: '',
      stderr: 'Error response from daemon: network with name dup already exists\n',
      status: 1,
    });
  });
});

describe('network ls', () => {
  it('sends filters as docker does and prints the table', async (t) => {
    const d = await networkDaemon(t);
    const r = await berth(d.host, ['network', 'list', '-f', 'name=b', '--filter', 'label=x=y', '-f', 'name=a']);
    assert.equal(r.stdout, 'NETWORK ID     NAME      DRIVER    SCOPE\naaaaaaaaaaaa   front     bridge    local\n');
    assert.equal(d.seen[0]!.path, '/networks');
    assert.equal(d.seen[0]!.query.get('filters'), '{"label":{"x=y":true},"name":{"a":true,"b":true}}');
    assert.equal((await berth(d.host, ['network', 'ls', '-q', '--no-trunc'])).stdout, `${'a'.repeat(64)}\n`);
    assert.equal(d.seen[1]!.query.has('filters'), false);
  });

  it('refuses arguments and malformed filters', async (t) => {
    const d = await networkDaemon(t);
    const extra = await berth(d.host, ['network', 'ls', 'x']);
    assert.equal(extra.status, 1);
    assert.match(extra.stderr, /^berth: 'berth network ls' accepts no arguments\n/);
    const bad = await berth(d.host, ['network', 'ls', '-f', 'nope']);
    assert.equal(bad.status, 125);
    assert.match(bad.stderr, /^invalid argument "nope" for "-f, --filter" flag: bad format of filter \(expected name=value\)\n/);
    assert.equal(d.seen.length, 0);
  });
});

describe('network inspect', () => {
  it('prints the networks found and reports the others (exit 1)', async (t) => {
    const d = await networkDaemon(t, (r) => (r.path === '/networks/nope' ? notFound('nope') : undefined));
    const r = await berth(d.host, ['network', 'inspect', 'front', 'nope', 'front']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'Error response from daemon: network nope not found\n');
    assert.deepEqual(JSON.parse(r.stdout), [NET, NET]);
    assert.match(r.stdout, /^\[\n {4}\{\n {8}"Name": "front",\n/);
    assert.deepEqual(d.seen.map((s) => s.path), ['/networks/front', '/networks/nope', '/networks/front']);
  });

  it('applies -f on the typed view, asks for verbose output with -v, and refuses an empty name', async (t) => {
    const d = await networkDaemon(t);
    const r = await berth(d.host, ['network', 'inspect', '-v', '-f', '{{.ID}} {{.Created}} {{.IPAM.Config}}', 'front']);
    assert.equal(r.stdout, `${NET.Id} 2024-03-01 12:00:00 +0000 UTC [{172.18.0.0/16  172.18.0.1 map[]}]\n`);
    assert.equal(d.seen[0]!.query.get('verbose'), 'true');
    // .Id is no Go field: docker's fallback to the raw JSON finds it.
    assert.equal((await berth(d.host, ['network', 'inspect', '-f', '{{.Id}}', 'front'])).stdout, `${NET.Id}\n`);
    assert.equal(d.seen[1]!.query.has('verbose'), false);
    assert.deepEqual(await berth(d.host, ['network', 'inspect', ' ']), { stdout: '[]\n', stderr: 'invalid network name or ID: value is empty\n', status: 1 });
    assert.equal(d.seen.length, 2);
  });
});

describe('network rm', () => {
  it('prints each network removed and each failure, then exits 1', async (t) => {
    const d = await networkDaemon(t, (r) => {
      if (r.path === '/networks/nope') return notFound('nope');
      if (r.path === '/networks/bridge') return { status: 403, body: { message: 'bridge is a pre-defined network and cannot be removed' } };
      return undefined;
    });
    assert.deepEqual(await berth(d.host, ['network', 'rm', 'front', 'nope', 'bridge', 'back']), {
      stdout: 'front\nback\n',
      stderr: 'Error response from daemon: network nope not found\nError response from daemon: bridge is a pre-defined network and cannot be removed\n',
      status: 1,
    });
    assert.deepEqual(d.seen.map((s) => `${s.method} ${s.path}`), ['DELETE /networks/front', 'DELETE /networks/nope', 'DELETE /networks/bridge', 'DELETE /networks/back']);
  });

  it('skips missing networks quietly with -f, but not other failures', async (t) => {
    const d = await networkDaemon(t, (r) => (r.path === '/networks/nope' ? notFound('nope') : r.path === '/networks/busy' ? { status: 403, body: { message: 'busy' } } : undefined));
    assert.deepEqual(await berth(d.host, ['network', 'remove', '-f', 'nope', 'front']), { stdout: 'front\n', stderr: '', status: 0 });
    assert.deepEqual(await berth(d.host, ['network', 'rm', '-f', 'busy']), { stdout: '', stderr: 'Error response from daemon: busy\n', status: 1 });
  });
});

describe('network prune', () => {
  const WARNING = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ';

  it('asks first, and does nothing when the answer is not y', async (t) => {
    const d = await networkDaemon(t);
    assert.deepEqual(await berth(d.host, ['network', 'prune'], { input: 'n\n' }), { stdout: WARNING, stderr: '', status: 0 });
    assert.deepEqual(await berth(d.host, ['network', 'prune']), { stdout: WARNING, stderr: '', status: 0 });
    assert.equal(d.seen.length, 0);
  });

  it('prints the networks deleted, with docker\'s trailing empty line', async (t) => {
    const d = await networkDaemon(t, (r) => (r.path === '/networks/prune' ? { status: 200, body: { NetworksDeleted: ['n1', 'n2'] } } : undefined));
    assert.deepEqual(await berth(d.host, ['network', 'prune', '--filter', 'label=a', '--filter', 'until=1h'], { input: 'y\n' }), {
      stdout: `${WARNING}Deleted Networks:\nn1\nn2\n\n`,
      stderr: '',
      status: 0,
    });
    assert.equal(d.seen[0]!.query.get('filters'), '{"label":{"a":true},"until":{"1h":true}}');
  });

  it('prints nothing when nothing was deleted', async (t) => {
    const d = await networkDaemon(t);
    assert.deepEqual(await berth(d.host, ['network', 'prune', '-f']), { stdout: '', stderr: '', status: 0 });
    assert.equal(d.seen[0]!.query.has('filters'), false);
  });
});

describe('network connect / disconnect', () => {
  it('sends the endpoint settings docker sends (without its zero-valued fields)', async (t) => {
    const d = await networkDaemon(t);
    assert.deepEqual(await berth(d.host, ['network', 'connect', 'front', 'web']), { stdout: '', stderr: '', status: 0 });
    await berth(d.host, ['network', 'connect', '--alias', 'a1', '--alias', 'a2,a3', '--ip', '172.18.0.9', '--ip6', 'fd00::9', '--link', 'other:o',
      '--link-local-ip', '169.254.1.1', '--driver-opt', ' k = v ', 'front', 'web']);
    assert.deepEqual(d.seen.map((s) => `${s.method} ${s.path}`), ['POST /networks/front/connect', 'POST /networks/front/connect']);
    assert.equal(d.seen[0]!.body, '{"Container":"web","EndpointConfig":{"IPAMConfig":{},"Links":null,"Aliases":[],"DriverOpts":{}}}');
    assert.equal(
      d.seen[1]!.body,
      '{"Container":"web","EndpointConfig":{"IPAMConfig":{"IPv4Address":"172.18.0.9","IPv6Address":"fd00::9","LinkLocalIPs":["169.254.1.1"]},"Links":["other:o"],"Aliases":["a1","a2","a3"],"DriverOpts":{"k":"v"}}}',
    );
  });

  it('refuses bad links and driver options as docker does', async (t) => {
    const d = await networkDaemon(t);
    const link = await berth(d.host, ['network', 'connect', '--link', 'a:b:c', 'front', 'web']);
    assert.equal(link.status, 125);
    assert.match(link.stderr, /^invalid argument "a:b:c" for "--link" flag: bad format for links: a:b:c\n\nUsage: {2}berth network connect \[OPTIONS\] NETWORK CONTAINER\n/);
    assert.deepEqual(await berth(d.host, ['network', 'connect', '--driver-opt', 'novalue', 'front', 'web']), {
      stdout: '',
      stderr: 'invalid key/value pair format in driver options\n',
      status: 1,
    });
    assert.deepEqual(await berth(d.host, ['network', 'connect', 'front', ' ']), { stdout: '', stderr: 'invalid container name or ID: value is empty\n', status: 1 });
    const few = await berth(d.host, ['network', 'connect', 'front']);
    assert.equal(few.status, 1);
    assert.match(few.stderr, /^berth: 'berth network connect' requires 2 arguments\n/);
    assert.equal(d.seen.length, 0);
  });

  it('disconnects, with Force under -f, and reports a missing network', async (t) => {
    const d = await networkDaemon(t, (r) => (r.path === '/networks/nope/disconnect' ? notFound('nope') : undefined));
    await berth(d.host, ['network', 'disconnect', 'front', 'web']);
    await berth(d.host, ['network', 'disconnect', '-f', 'front', 'web']);
    assert.deepEqual(d.seen.map((s) => s.body), ['{"Container":"web","Force":false}', '{"Container":"web","Force":true}']);
    assert.deepEqual(await berth(d.host, ['network', 'disconnect', 'nope', 'web']), {
      stdout: '',
      stderr: 'Error response from daemon: network nope not found\n',
      status: 1,
    });
  });
});
