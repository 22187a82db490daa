/**
 * Test-only: a small network built from real network namespaces, so the
 * firewall's rules are exercised by the real kernel without touching the
 * host's own tables.
 *
 *   host netns  (the Firewall runs here via netnsFile; bridges, ip_forward=1)
 *     ├─ bridge ── veth ── container netns (eth0, default route via the bridge)
 *     └─ veth ── remote netns (another machine: reaches the host's address)
 *
 * Every namespace is named bt<4 hex><role> under /run/netns; everything else
 * (bridges, veths, rules) lives inside them, so deleting the namespaces in
 * t.after removes it all, even when the test failed half-way.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

const ECHO_SERVER = `
const net = require('net'), dgram = require('dgram');
const tag = process.argv[1];
net.createServer((s) => s.on('data', (d) => s.end(tag + ':' + d + '|' + s.remoteAddress))).listen(80, '0.0.0.0', () => {
  const u = dgram.createSocket('udp4');
  u.on('message', (m, r) => u.send(tag + ':' + m + '|' + r.address, r.port, r.address));
  u.bind(80, '0.0.0.0', () => console.log('ready'));
});`;

const CLIENT = `
const [host, port, proto, msg] = process.argv.slice(1);
if (proto === 'tcp') {
  const s = require('net').connect(+port, host, () => s.write(msg));
  let b = '';
  s.on('data', (d) => (b += d));
  s.on('end', () => { process.stdout.write(b); process.exit(0); });
  s.on('error', (e) => { process.stderr.write(String(e.code || e)); process.exit(1); });
} else {
  const u = require('dgram').createSocket('udp4');
  u.on('message', (m) => { process.stdout.write(String(m)); process.exit(0); });
  u.send(msg, +port, host);
}`;

export class NetnsLab {
  readonly id = randomBytes(2).toString('hex');
  /** A firewall chain prefix unique to this lab. */
  readonly prefix = `BT${this.id}`;
  readonly #netns: string[] = [];
  readonly #procs: ChildProcess[] = [];
  #vethCount = 0;
  /** The "host" namespace's file. */
  host = '';

  /** Makes the host namespace and registers the cleanup of everything the lab makes. */
  static async create(t: TestContext): Promise<NetnsLab> {
    const lab = new NetnsLab();
    t.after(() => lab.destroy());
    lab.host = await lab.addNetns('h');
    await lab.exec(lab.host, ['ip', 'link', 'set', 'lo', 'up']);
    await lab.exec(lab.host, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    return lab;
  }

  async addNetns(role: string): Promise<string> {
    const name = `bt${this.id}${role}`;
    await run('ip', ['netns', 'add', name]);
    this.#netns.push(name);
    return `/run/netns/${name}`;
  }

  /** Runs argv inside the namespace at `file`; returns stdout. */
  async exec(file: string, argv: string[]): Promise<string> {
    return (await run('nsenter', [`--net=${file}`, '--', ...argv])).stdout;
  }

  /** A bridge in the host namespace, with the gateway address; route_localnet as the kernel module sets it. */
  async addBridge(name: string, gatewayCidr: string): Promise<void> {
    await this.exec(this.host, ['ip', 'link', 'add', name, 'type', 'bridge']);
    await this.exec(this.host, ['ip', 'addr', 'add', gatewayCidr, 'dev', name]);
    await this.exec(this.host, ['ip', 'link', 'set', name, 'up']);
    await this.exec(this.host, ['sysctl', '-qw', `net.ipv4.conf.${name}.route_localnet=1`]);
  }

  /** A "container": its own namespace, eth0 on the bridge with `cidr`, default route via `gateway`. */
  async addContainer(role: string, bridge: string, cidr: string, gateway: string): Promise<string> {
    const ns = await this.addNetns(role);
    const veth = `vb${this.id}${this.#vethCount++}`;
    await this.exec(this.host, ['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.split('/').pop()!]);
    await this.exec(this.host, ['ip', 'link', 'set', veth, 'master', bridge, 'up']);
    // With br_netfilter loaded, a container's packet to its own published
    // port is DNATed on the bridge and sent back out the port it came in by:
    // the port needs hairpin mode (Docker sets it without the userland proxy).
    await this.exec(this.host, ['ip', 'link', 'set', veth, 'type', 'bridge_slave', 'hairpin', 'on']);
    await this.#configure(ns, cidr, gateway);
    return ns;
  }

  /** Another machine: a veth from the host (hostCidr) to a namespace of its own (remoteCidr). */
  async addRemote(role: string, hostCidr: string, remoteCidr: string): Promise<string> {
    const ns = await this.addNetns(role);
    const veth = `vr${this.id}${this.#vethCount++}`;
    await this.exec(this.host, ['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.split('/').pop()!]);
    await this.exec(this.host, ['ip', 'addr', 'add', hostCidr, 'dev', veth]);
    await this.exec(this.host, ['ip', 'link', 'set', veth, 'up']);
    await this.#configure(ns, remoteCidr, hostCidr.split('/')[0]!);
    return ns;
  }

  async #configure(ns: string, cidr: string, gateway: string): Promise<void> {
    await this.exec(ns, ['ip', 'link', 'set', 'lo', 'up']);
    await this.exec(ns, ['ip', 'addr', 'add', cidr, 'dev', 'eth0']);
    await this.exec(ns, ['ip', 'link', 'set', 'eth0', 'up']);
    await this.exec(ns, ['ip', 'route', 'add', 'default', 'via', gateway]);
  }

  /** Starts a TCP and UDP echo server on port 80 in `ns`, answering `tag:DATA|PEER-ADDRESS`. */
  async startEcho(ns: string, tag: string): Promise<void> {
    const child = spawn('nsenter', [`--net=${ns}`, '--', process.execPath, '-e', ECHO_SERVER, tag], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.#procs.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`echo server ${tag} exited with ${code}`)));
      child.stdout!.on('data', (d: Buffer) => {
        if (String(d).includes('ready')) resolve();
      });
    });
  }

  /**
   * From `ns`, sends `msg` to host:port and returns the answer, or undefined
   * when none came (refused, dropped, timed out).
   */
  async talk(ns: string, host: string, port: number, proto: 'tcp' | 'udp' = 'tcp', msg = 'ping', timeoutMs = 1500): Promise<string | undefined> {
    try {
      const { stdout } = await run('nsenter', [`--net=${ns}`, '--', process.execPath, '-e', CLIENT, host, String(port), proto, msg], { timeout: timeoutMs });
      return stdout;
    } catch {
      return undefined;
    }
  }

  async destroy(): Promise<void> {
    for (const p of this.#procs) {
      if (p.exitCode === null && p.signalCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await exited;
      }
    }
    for (const name of this.#netns.reverse()) await run('ip', ['netns', 'del', name]).catch(() => undefined);
  }
}
