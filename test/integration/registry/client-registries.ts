/**
 * Registries for the client tests, each a real process on a loopback port
 * with its storage in a temp dir: Debian's CNCF distribution registry
 * (`docker-registry serve CONFIG`) and Berth's own (`berth registry serve`).
 * Both can require Basic auth from an htpasswd file (bcrypt, made with
 * apache2-utils' htpasswd). `stop()` kills the process by its pid and
 * removes the dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import * as path from 'node:path';
import { BERTH } from '../../harness/daemon.js';

export const DISTRIBUTION = '/usr/bin/docker-registry';
export const hasDistribution = existsSync(DISTRIBUTION);

export interface RegistryProcess {
  readonly kind: 'distribution' | 'berth';
  /** "127.0.0.1:PORT": the registry part of image references. */
  readonly host: string;
  readonly dir: string;
  /** Where a blob's bytes are stored (to corrupt it). */
  blobFile(digest: string): string;
  stop(): Promise<void>;
}

export interface RegistryAuthOptions {
  user: string;
  password: string;
  /** Basic auth on every request (default), or Docker's token flow (Berth's registry only: it serves the realm itself). */
  mode?: 'htpasswd' | 'token';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function answers(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: host.split(':')[0], port: Number(host.split(':')[1]), path: '/v2/' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

function writeHtpasswd(file: string, auth: RegistryAuthOptions): void {
  const r = spawnSync('htpasswd', ['-Bbn', auth.user, auth.password], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
  writeFileSync(file, r.stdout);
}

class Running implements RegistryProcess {
  #log = '';
  constructor(
    readonly kind: 'distribution' | 'berth',
    readonly host: string,
    readonly dir: string,
    private readonly proc: ChildProcess,
    private readonly blobs: (digest: string) => string,
  ) {
    proc.stdout?.on('data', (d: Buffer) => (this.#log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.#log += d.toString()));
  }

  get log(): string {
    return this.#log;
  }

  blobFile(digest: string): string {
    return this.blobs(digest);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

async function waitUntilUp(r: Running, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${r.kind} registry exited with ${proc.exitCode}: ${r.log}`);
    if (await answers(r.host)) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  await r.stop();
  throw new Error(`${r.kind} registry did not answer on ${r.host}: ${r.log}`);
}

/** Debian's docker-registry (distribution 2.8) on a free loopback port. */
export async function startDistribution(auth?: RegistryAuthOptions): Promise<RegistryProcess> {
  if (auth?.mode === 'token') throw new Error('the distribution registry is started with htpasswd auth only here');
  const dir = mkdtempSync('/tmp/bt-dist-');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let authYaml = '';
  if (auth) {
    writeHtpasswd(path.join(dir, 'htpasswd'), auth);
    authYaml = `auth:\n  htpasswd:\n    realm: basic-realm\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }
  const config = path.join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'root')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n  secret: berth-test\n${authYaml}`,
  );
  const proc = spawn(DISTRIBUTION, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const r = new Running('distribution', host, dir, proc, (d) => path.join(dir, 'root', 'docker', 'registry', 'v2', 'blobs', 'sha256', d.slice(7, 9), d.slice(7), 'data'));
  await waitUntilUp(r, proc);
  return r;
}

/** True when this build has `berth registry serve` (written by another engineer; absent before it lands). */
export function hasBerthRegistry(): boolean {
  const r = spawnSync(process.execPath, [BERTH, 'registry', 'serve', '--help'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('registry serve');
}

/** `berth registry serve --addr 127.0.0.1:PORT --root DIR` (with `--auth htpasswd` when auth is given). */
export async function startBerthRegistry(auth?: RegistryAuthOptions): Promise<RegistryProcess> {
  const dir = mkdtempSync('/tmp/bt-breg-');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const args = [BERTH, 'registry', 'serve', '--addr', host, '--root', path.join(dir, 'root')];
  if (auth) {
    writeHtpasswd(path.join(dir, 'htpasswd'), auth);
    args.push('--auth', auth.mode ?? 'htpasswd', '--htpasswd', path.join(dir, 'htpasswd'));
  }
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const r = new Running('berth', host, dir, proc, (d) => path.join(dir, 'root', 'blobs', 'sha256', d.slice(7, 9), d.slice(7)));
  await waitUntilUp(r, proc);
  return r;
}

/**
 * Pushes a blob straight to a registry (POST, then one PUT with the bytes), as
 * any other client would: for images Berth cannot make itself (gzip and zstd
 * layers, indexes of several platforms).
 */
export async function putBlob(host: string, repo: string, bytes: Buffer, digest: string): Promise<void> {
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`POST upload: ${start.status} ${await start.text()}`);
  const url = new URL(start.headers.get('location')!, `http://${host}`);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`PUT blob: ${put.status} ${await put.text()}`);
}

/** PUT /v2/<repo>/manifests/<ref> with the given media type. */
export async function putManifest(host: string, repo: string, ref: string, mediaType: string, bytes: Buffer): Promise<void> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, { method: 'PUT', body: bytes, headers: { 'Content-Type': mediaType } });
  if (res.status !== 201) throw new Error(`PUT manifest: ${res.status} ${await res.text()}`);
}
