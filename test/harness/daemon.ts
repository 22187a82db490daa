/**
 * Starts a real berthd on a temp socket, data root and exec root for a test
 * file, and tears down everything it made — containers, monitors, mounts,
 * cgroups, temp dirs — even when a test fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/test/harness → repo root */
export const REPO_ROOT = path.resolve(here, '..', '..', '..');
/** The launcher (bin/berthd) sets the daemon's V8 flags; tests start berthd the way users do. */
export const BERTHD = path.join(REPO_ROOT, 'bin', 'berthd');
export const BERTH = path.join(REPO_ROOT, 'dist', 'src', 'cmd', 'berth.js');
export const DOCKER = '/usr/local/bin/docker';
export const hasDocker = existsSync(DOCKER);
/** Suites that drive a CLI run once with berth and once with the real docker CLI when it is installed. */
export const cliUnderTest: Array<'berth' | 'docker'> = hasDocker ? ['berth', 'docker'] : ['berth'];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class TestDaemon {
  readonly dir: string;
  readonly socket: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  /** Host-wide network names of this daemon (bridge <prefix>0, chains <PREFIX>-…), unique per test daemon. */
  readonly networkPrefix: string;
  /** The default bridge's subnet and the pool of user networks: a private 10.x range of this daemon's own. */
  readonly bip: string;
  readonly addressPool: string;
  #proc?: ChildProcess;
  #stderr = '';

  constructor() {
    // Short paths: unix sockets under the exec root are limited to 108 bytes.
    this.dir = mkdtempSync('/tmp/bt-');
    this.socket = path.join(this.dir, 'berth.sock');
    this.dataRoot = path.join(this.dir, 'data');
    this.execRoot = path.join(this.dir, 'run');
    const tag = randomBytes(2).toString('hex');
    this.networkPrefix = `bt${tag}`;
    // 10.200–10.249: subnets no test daemon shares with another or with the host (192.0.2.0/24 here).
    const second = 200 + (parseInt(tag, 16) % 50);
    this.bip = `10.${second}.0.1/24`;
    this.addressPool = `base=10.${second}.0.0/16,size=24`;
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  get log(): string {
    return this.#stderr;
  }

  async start(): Promise<void> {
    // --dns 127.0.0.1: names the embedded DNS does not own are forwarded to nothing (a quick
    // SERVFAIL), so no test ever looks up an outside name.
    const network = ['--network-prefix', this.networkPrefix, '--bip', this.bip, '--default-address-pool', this.addressPool, '--dns', '127.0.0.1'];
    // Pulls reach loopback registries only: a test that runs a missing image makes no outside lookup.
    network.push('--local-registries-only');
    const proc = spawn(BERTHD, ['--host', this.host, '--data-root', this.dataRoot, '--exec-root', this.execRoot, ...network], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#proc = proc;
    proc.stderr!.on('data', (d: Buffer) => (this.#stderr += d.toString()));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`berthd exited with ${proc.exitCode}: ${this.#stderr}`);
      if (await this.ping()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`berthd did not answer on ${this.socket}: ${this.#stderr}`);
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request({ socketPath: this.socket, path: '/_ping' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
  }

  /** Stops berthd: SIGTERM (clean) or SIGKILL (crash); containers keep running either way. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.#proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }

  /**
   * Calls the API directly. A Buffer body is sent as is (a tar: load, archive, build), anything
   * else as JSON; the answer's body is parsed as JSON when it is JSON.
   */
  api(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: unknown; text: string }> {
    return new Promise((resolve, reject) => {
      const raw = Buffer.isBuffer(body);
      const payload = body === undefined ? undefined : raw ? (body as Buffer) : typeof body === 'string' ? body : JSON.stringify(body);
      const type = raw ? 'application/x-tar' : 'application/json';
      const req = request(
        { socketPath: this.socket, path: urlPath, method, headers: payload ? { 'Content-Type': type, 'Content-Length': Buffer.byteLength(payload) } : {} },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, text });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  async bootstrapBusybox(): Promise<void> {
    const r = await this.api('POST', '/berth/images/bootstrap?name=busybox');
    if (r.status !== 200) throw new Error(`bootstrap failed: ${r.status} ${r.text}`);
  }

  /** Runs the berth CLI against this daemon. */
  berth(args: string[], opts: { input?: string; timeoutMs?: number } = {}): RunResult {
    return run(process.execPath, [BERTH, '-H', this.host, ...args], opts);
  }

  /** Runs the real docker CLI against this daemon. */
  docker(args: string[], opts: { input?: string; timeoutMs?: number } = {}): RunResult {
    // DOCKER_BUILDKIT=0: `docker build` posts to /build (the legacy builder), which is what berthd serves.
    return run(DOCKER, args, { ...opts, env: { DOCKER_HOST: this.host, DOCKER_CONFIG: path.join(this.dir, 'docker-config'), DOCKER_BUILDKIT: '0' } });
  }

  /** Everything the daemon made goes: containers, monitors, mounts, cgroups, files. */
  async cleanup(): Promise<void> {
    const proc = this.#proc;
    if (proc && (proc.exitCode !== null || (proc.signalCode !== null && proc.signalCode !== 'SIGKILL'))) {
      // The daemon died under the test: its stderr is the evidence.
      process.stderr.write(`berthd exited unexpectedly (${proc.exitCode ?? proc.signalCode}):\n${this.#stderr}\n`);
    }
    await this.stop('SIGKILL');
    const runcRoot = path.join(this.execRoot, 'runc');
    if (existsSync(runcRoot)) {
      const list = spawnSync('runc', ['--root', runcRoot, 'list', '-q'], { encoding: 'utf8' });
      for (const id of list.stdout.split('\n').filter(Boolean)) {
        spawnSync('runc', ['--root', runcRoot, 'kill', id, 'KILL']);
        spawnSync('runc', ['--root', runcRoot, 'delete', '-f', id]);
        removeCgroup(`berth/${id}`);
      }
    }
    killMonitorsUnder(this.dir);
    for (const m of mountsUnder(this.dir).reverse()) spawnSync('umount', ['-l', m]);
    for (const id of containerIds(this.dataRoot)) removeCgroup(`berth/${id}`);
    // Network objects are host-wide: the daemon's own --cleanup removes its bridges and iptables chains.
    const cleaned = spawnSync(BERTHD, ['--cleanup', '--data-root', this.dataRoot, '--exec-root', this.execRoot, '--network-prefix', this.networkPrefix], { encoding: 'utf8' });
    if (cleaned.status !== 0) process.stderr.write(`berthd --cleanup failed: ${cleaned.stderr}\n`);
    for (const m of mountsUnder(this.dir).reverse()) spawnSync('umount', ['-l', m]);
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

function run(file: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: Record<string, string> }): RunResult {
  const r = spawnSync(file, args, {
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    env: { ...process.env, ...opts.env },
  });
  return { code: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(dir + '/'));
}

function containerIds(dataRoot: string): string[] {
  try {
    return readdirSync(path.join(dataRoot, 'containers'));
  } catch {
    return [];
  }
}

function killMonitorsUnder(dir: string): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('berth-monitor') && cmd.includes(dir)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone
    }
  }
}

function removeCgroup(rel: string): void {
  for (const ctrl of readdirSync('/sys/fs/cgroup')) {
    const p = path.join('/sys/fs/cgroup', ctrl, rel);
    if (existsSync(p)) spawnSync('rmdir', [p]);
  }
}

/** For a test file: one daemon with the busybox image, cleaned up after the file. */
export async function startDaemonWithBusybox(): Promise<TestDaemon> {
  const d = new TestDaemon();
  try {
    await d.start();
    await d.bootstrapBusybox();
  } catch (err) {
    await d.cleanup();
    throw err;
  }
  return d;
}

/** Polls `logs NAME` through the given CLI until `text` shows up: the container has got that far. */
export async function waitForLog(cli: (args: string[]) => RunResult, name: string, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cli(['logs', name]).stdout.includes(text)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} never logged ${text}`);
}
