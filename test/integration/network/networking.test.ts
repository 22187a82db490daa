/**
 * Container networking as a user sees it: an address on the default
 * bridge, user-defined networks where containers find each other by name
 * and alias (embedded DNS) and no one else, published ports reachable
 * from the host, live connect/disconnect, none/host/container modes, and
 * ports and names that survive a daemon restart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, request } from 'node:http';
import * as path from 'node:path';
import { cliUnderTest, mountsUnder, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

/** GET http://host:port/path from the test process (never blocking the event loop). */
function httpGet(host: string, port: number, urlPath = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: urlPath, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function eventually<T>(fn: () => Promise<T>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The IPv4 address of eth<n> inside a running container. */
function addressIn(ok: (a: string[]) => string, name: string, ifname = 'eth0'): string {
  const m = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(ok(['exec', name, 'ip', '-4', 'addr', 'show', ifname]));
  assert.ok(m, `no IPv4 address on ${ifname} in ${name}`);
  return m[1]!;
}

for (const which of cliUnderTest) describe(`networking (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string }) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('a container on the default bridge has an address, a route and its name in /etc/hosts', () => {
    ok(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '300']);
    const ip = addressIn(ok, 'plain');
    const inspect = JSON.parse(ok(['inspect', 'plain']))[0];
    assert.equal(inspect.NetworkSettings.IPAddress, ip);
    assert.equal(inspect.NetworkSettings.Networks.bridge.IPAddress, ip);
    assert.match(inspect.NetworkSettings.Networks.bridge.MacAddress, /^02:42:/);
    assert.match(ok(['exec', 'plain', 'ip', 'route']), new RegExp(`default via ${inspect.NetworkSettings.Gateway.replace(/\./g, '\\.')}`));
    assert.match(ok(['exec', 'plain', 'cat', '/etc/hosts']), new RegExp(`${ip.replace(/\./g, '\\.')}\\s+${inspect.Config.Hostname}`));
    // Reachable from the host and from another container on the same bridge — by address only:
    // the default bridge has no embedded DNS, as in Docker.
    ok(['run', '--rm', 'busybox', 'ping', '-c', '1', '-W', '2', ip]);
    assert.notEqual(cli(['run', '--rm', 'busybox', 'ping', '-c', '1', '-W', '1', 'plain']).code, 0);
    ok(['rm', '-f', 'plain']);
  });

  it('on a user-defined network containers find each other by name and alias, and others do not', () => {
    ok(['network', 'create', 'appnet']);
    ok(['network', 'create', 'othernet']);
    ok(['run', '-d', '--name', 'db', '--network', 'appnet', '--network-alias', 'database', 'busybox', 'sleep', '300']);
    const dbIp = addressIn(ok, 'db');
    for (const name of ['db', 'database', 'DB', 'db.appnet']) {
      const out = ok(['run', '--rm', '--network', 'appnet', 'busybox', 'nslookup', name]);
      assert.match(out, new RegExp(`Address:\\s+${dbIp.replace(/\./g, '\\.')}`), `${name}: ${out}`);
    }
    ok(['run', '--rm', '--network', 'appnet', 'busybox', 'ping', '-c', '1', '-W', '2', 'db']);
    // A fetches from B by name.
    ok(['exec', 'db', 'sh', '-c', 'mkdir -p /w && echo from-db > /w/index.html && httpd -p 80 -h /w']);
    assert.equal(ok(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://database/index.html']), 'from-db\n');
    assert.match(ok(['run', '--rm', '--network', 'appnet', 'busybox', 'cat', '/etc/resolv.conf']), /nameserver \d+\.\d+\.\d+\.1\b/);
    // Another network: the name is unknown there and the address unreachable (isolation).
    const r = cli(['run', '--rm', '--network', 'othernet', 'busybox', 'nslookup', 'db']);
    assert.notEqual(r.code, 0, r.stdout);
    assert.notEqual(cli(['run', '--rm', '--network', 'othernet', 'busybox', 'ping', '-c', '1', '-W', '1', dbIp]).code, 0);
    const net = JSON.parse(ok(['network', 'inspect', 'appnet']))[0];
    const dbId = ok(['inspect', '-f', '{{.Id}}', 'db']).trim();
    assert.equal(net.Containers[dbId].Name, 'db');
    assert.equal(net.Containers[dbId].IPv4Address.split('/')[0], dbIp);
  });

  it('a network in use cannot be removed; once its containers are gone it can', () => {
    const r = cli(['network', 'rm', 'appnet']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has active endpoints/);
    ok(['rm', '-f', 'db']);
    ok(['network', 'rm', 'appnet', 'othernet']);
    assert.doesNotMatch(ok(['network', 'ls']), /appnet|othernet/);
  });

  it('connect and disconnect work on a running container', () => {
    ok(['network', 'create', 'front']);
    ok(['network', 'create', 'back']);
    ok(['run', '-d', '--name', 'api', '--network', 'front', 'busybox', 'sleep', '300']);
    ok(['run', '-d', '--name', 'store', '--network', 'back', 'busybox', 'sleep', '300']);
    assert.notEqual(cli(['exec', 'api', 'nslookup', 'store']).code, 0);
    ok(['network', 'connect', '--alias', 'gw', 'back', 'api']);
    const eth1 = addressIn(ok, 'api', 'eth1');
    assert.match(ok(['exec', 'api', 'nslookup', 'store']), /Address:\s+\d/);
    assert.match(ok(['exec', 'store', 'nslookup', 'gw']), new RegExp(eth1.replace(/\./g, '\\.')));
    ok(['network', 'disconnect', 'back', 'api']);
    assert.notEqual(cli(['exec', 'api', 'ip', 'addr', 'show', 'eth1']).code, 0);
    const again = cli(['network', 'disconnect', 'back', 'api']);
    assert.notEqual(again.code, 0);
    ok(['rm', '-f', 'api', 'store']);
    ok(['network', 'rm', 'front', 'back']);
  });

  it('publishes ports on the host: a fixed one on 127.0.0.1, a random one, -P, and `port` lists them', async () => {
    const port = 20000 + Math.floor(Math.random() * 10000);
    ok(['run', '-d', '--name', 'web', '-p', `127.0.0.1:${port}:80`, '-p', '81', '--expose', '82', '-P', 'busybox', 'sh', '-c',
      'mkdir /www && echo hello-from-web > /www/index.html && httpd -p 80 -h /www && httpd -p 81 -h /www && httpd -f -p 82 -h /www']);
    const res = await eventually(() => httpGet('127.0.0.1', port, '/index.html'));
    assert.equal(res.status, 200);
    assert.equal(res.body, 'hello-from-web\n');
    const ports = ok(['port', 'web']);
    assert.match(ports, new RegExp(`80/tcp -> 127\\.0\\.0\\.1:${port}`));
    const random = /81\/tcp -> 0\.0\.0\.0:(\d+)/.exec(ports);
    assert.ok(random, ports);
    assert.ok(Number(random[1]) >= 32768 && Number(random[1]) <= 60999);
    assert.equal((await eventually(() => httpGet('127.0.0.1', Number(random[1]), '/index.html'))).body, 'hello-from-web\n');
    const exposed = /82\/tcp -> 0\.0\.0\.0:(\d+)/.exec(ports);
    assert.ok(exposed, `-P publishes the exposed port: ${ports}`);
    assert.equal((await eventually(() => httpGet('127.0.0.1', Number(exposed[1]), '/index.html'))).body, 'hello-from-web\n');
    assert.match(ok(['ps', '--format', '{{.Ports}}', '-f', 'name=web']), new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp`));

    // The same host port again is a clear error when the container starts.
    const clash = cli(['run', '-d', '--name', 'web2', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '30']);
    assert.equal(clash.code, 125);
    assert.match(clash.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*(already allocated|in use)`));
    ok(['rm', '-f', 'web2']);

    // Stopped: the port no longer answers.
    ok(['rm', '-f', 'web']);
    await assert.rejects(httpGet('127.0.0.1', port, '/index.html'));
  });

  it('--network none, host and container:NAME', () => {
    assert.equal(ok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net']).trim().split(/\s+/).join(' '), 'lo');
    const hostIfs = ok(['run', '--rm', '--network', 'host', 'busybox', 'ls', '/sys/class/net']);
    assert.match(hostIfs, /eth0/);
    assert.match(hostIfs, /\blo\b/);
    ok(['run', '-d', '--name', 'owner', 'busybox', 'sleep', '300']);
    const ip = addressIn(ok, 'owner');
    assert.match(ok(['run', '--rm', '--network', 'container:owner', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']), new RegExp(ip.replace(/\./g, '\\.')));
    ok(['rm', '-f', 'owner']);
  });

  it('an internal network reaches no one outside it', () => {
    ok(['network', 'create', '--internal', 'sealed']);
    const inspect = JSON.parse(ok(['network', 'inspect', 'sealed']))[0];
    assert.equal(inspect.Internal, true);
    ok(['run', '-d', '--name', 'inside', '--network', 'sealed', 'busybox', 'sleep', '300']);
    assert.doesNotMatch(ok(['exec', 'inside', 'ip', 'route']), /default/);
    ok(['run', '--rm', '--network', 'sealed', 'busybox', 'ping', '-c', '1', '-W', '2', 'inside']);
    ok(['rm', '-f', 'inside']);
    ok(['network', 'rm', 'sealed']);
  });

  it('bad input: unknown network, alias on the default bridge, an address outside the subnet', async () => {
    const unknown = cli(['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /network nosuchnet not found/);
    const alias = cli(['run', '--rm', '--network-alias', 'x', 'busybox', 'true']);
    assert.equal(alias.code, 125);
    // The docker CLI refuses it itself (so does berth's); the daemon's words for API clients differ.
    assert.match(alias.stderr, /network-scoped aliases are only supported for user-defined networks/);
    const viaApi = await d.api('POST', '/containers/create', { Image: 'busybox', NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: ['x'] } } } });
    assert.equal(viaApi.status, 400);
    assert.match(viaApi.text, /network-scoped alias is supported only for containers in user defined networks/);
    ok(['network', 'create', '--subnet', '10.231.7.0/24', 'fixed']);
    assert.match(ok(['run', '--rm', '--network', 'fixed', '--ip', '10.231.7.77', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']), /10\.231\.7\.77\/24/);
    const outside = cli(['run', '--rm', '--network', 'fixed', '--ip', '10.9.9.9', 'busybox', 'true']);
    assert.equal(outside.code, 125);
    assert.match(outside.stderr, /no configured subnet or ip-range contain the IP address 10\.9\.9\.9/);
    const dup = cli(['network', 'create', 'fixed']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /already exists/);
    const overlap = cli(['network', 'create', '--subnet', '10.231.7.128/25', 'overlapping']);
    assert.notEqual(overlap.code, 0);
    assert.match(overlap.stderr, /overlaps/);
    ok(['network', 'rm', 'fixed']);
    const badPort = await d.api('POST', '/containers/create', { Image: 'busybox', ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '99999' }] } } });
    assert.equal(badPort.status, 400);
    assert.match(badPort.text, /invalid host port/);
  });
});

describe('networking leaves nothing behind', () => {
  it('veths, bridges, iptables rules, netns mounts and held ports go with their container, network and daemon', async () => {
    const d = await startDaemonWithBusybox();
    const chains = d.networkPrefix.toUpperCase();
    const iptables = () => execFileSync('iptables-save', { encoding: 'utf8' });
    const links = () => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    try {
      const ok = (args: string[]) => {
        const r = d.berth(args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        return r.stdout;
      };
      const netId = ok(['network', 'create', 'tidy']).trim();
      const bridge = `br-${netId.slice(0, 12)}`;
      const port = 40000 + Math.floor(Math.random() * 5000);
      ok(['run', '-d', '--name', 'c1', '--network', 'tidy', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '300']);
      ok(['run', '-d', '--name', 'c2', '-p', '80', 'busybox', 'sleep', '300']);
      const ip1 = JSON.parse(ok(['inspect', 'c1']))[0].NetworkSettings.Networks.tidy.IPAddress as string;
      assert.match(iptables(), new RegExp(`--to-destination ${ip1.replace(/\./g, '\\.')}:80`));
      assert.equal(readdirSync(`/sys/class/net/${bridge}/brif`).length, 1);
      assert.equal(mountsUnder(path.join(d.execRoot, 'netns')).filter((m) => !m.endsWith('/netns')).length, 2);

      ok(['rm', '-f', 'c1', 'c2']);
      await eventually(async () => {
        assert.equal(readdirSync(`/sys/class/net/${bridge}/brif`).length, 0, 'the veth went with the container');
        assert.equal(readdirSync(`/sys/class/net/${d.networkPrefix}0/brif`).length, 0);
      });
      assert.doesNotMatch(iptables(), new RegExp(`--to-destination ${ip1.replace(/\./g, '\\.')}:80`), 'the DNAT rule went with it');
      assert.equal(mountsUnder(path.join(d.execRoot, 'netns')).filter((m) => !m.endsWith('/netns')).length, 0, 'netns files unmounted');
      // The host port is free again: another program can take it.
      await new Promise<void>((resolve, reject) => {
        const srv = createServer().once('error', reject).listen(port, '127.0.0.1', () => srv.close(() => resolve()));
      });

      ok(['network', 'rm', 'tidy']);
      assert.doesNotMatch(links(), new RegExp(`\\b${bridge}\\b`), 'the bridge went with its network');
      assert.doesNotMatch(iptables(), new RegExp(bridge), 'and its rules');
    } finally {
      await d.cleanup();
    }
    assert.doesNotMatch(links(), new RegExp(`\\b${d.networkPrefix}0\\b`), 'berthd --cleanup removes the default bridge');
    assert.doesNotMatch(iptables(), new RegExp(`\\b${chains}-`), 'and every chain of its prefix');
  });
});

describe('networking across a daemon restart', () => {
  let d: TestDaemon;
  const ok = (args: string[]) => {
    const r = d.berth(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    d = await startDaemonWithBusybox();
  });
  after(async () => {
    await d?.cleanup();
  });

  it('published ports keep answering while berthd is down, and names, ports and addresses come back after kill -9', async () => {
    const port = 30000 + Math.floor(Math.random() * 2000);
    ok(['network', 'create', 'keep']);
    ok(['run', '-d', '--name', 'svc', '--network', 'keep', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sh', '-c', 'mkdir /w && echo up > /w/i && httpd -f -p 80 -h /w']);
    ok(['run', '-d', '--name', 'peer', '--network', 'keep', 'busybox', 'sleep', '300']);
    assert.equal((await eventually(() => httpGet('127.0.0.1', port, '/i'))).body, 'up\n');
    const before = JSON.parse(ok(['inspect', 'svc']))[0].NetworkSettings.Networks.keep.IPAddress;

    await d.stop('SIGKILL');
    assert.equal((await httpGet('127.0.0.1', port, '/i')).body, 'up\n', 'the kernel keeps forwarding while the daemon is down');
    await d.start();

    assert.equal(JSON.parse(ok(['inspect', 'svc']))[0].NetworkSettings.Networks.keep.IPAddress, before);
    assert.match(ok(['exec', 'peer', 'nslookup', 'svc']), new RegExp(before.replace(/\./g, '\\.')));
    assert.equal((await httpGet('127.0.0.1', port, '/i')).body, 'up\n');
    // The port is still held: another container cannot take it.
    const clash = d.berth(['run', '-d', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '5']);
    assert.equal(clash.code, 125);
    // A new container never gets the address in use.
    ok(['run', '-d', '--name', 'third', '--network', 'keep', 'busybox', 'sleep', '300']);
    assert.notEqual(JSON.parse(ok(['inspect', 'third']))[0].NetworkSettings.Networks.keep.IPAddress, before);
    ok(['rm', '-f', 'svc', 'peer', 'third']);
    ok(['network', 'rm', 'keep']);
  });
});
