/**
 * For the registry server's integration tests: a real `berth registry serve`
 * process on a random loopback port and a temp root, stopped and removed
 * after the test (or suite); and raw HTTP against it, so the tests see the
 * wire exactly as a client does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, promises as fs } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/test/integration/registry → repo root */
export const REPO_ROOT = path.resolve(here, '..', '..', '..', '..');
export const BERTH = path.join(REPO_ROOT, 'dist', 'src', 'cmd', 'berth.js');

export interface Cleanup {
  after(fn: () => unknown): void;
}

export interface RegistryProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT */
  hostPort: string;
  root: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function tempDir(t: Cleanup, prefix = 'berth-registry-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `berth registry serve --addr 127.0.0.1:0 --root ROOT ARGS…` and waits for its "listening on" line. */
export async function startRegistry(t: Cleanup, opts: { root?: string; args?: string[] } = {}): Promise<RegistryProcess> {
  const root = opts.root ?? path.join(tempDir(t), 'root');
  const args = [BERTH, 'registry', 'serve', '--addr', '127.0.0.1:0', '--root', root, ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  t.after(stop);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start: ${out}`)), 15000);
    const check = (): void => {
      const m = /listening on (\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`registry exited with ${code}: ${out}`));
    });
  });
  return { url, hostPort: new URL(url).host, root, proc, output: () => out, stop };
}

/** Runs `berth ARGS…` to completion. */
export function runBerth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BERTH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.once('error', reject);
    proc.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T = unknown>(): T;
  /** The first error code of a spec error body. */
  code(): string | undefined;
}

export interface RequestOptions {
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Accept self-signed certificates (https). */
  insecure?: boolean;
}

/** One raw HTTP(S) request to base + path. */
export function call(base: string, method: string, pathAndQuery: string, opts: RequestOptions = {}): Promise<Reply> {
  const url = new URL(pathAndQuery, base);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
  if (body !== undefined && headers['Content-Length'] === undefined && headers['Transfer-Encoding'] === undefined) headers['Content-Length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, agent: false, rejectUnauthorized: opts.insecure !== true }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buf = Buffer.concat(parts);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: buf,
          json: <T>() => JSON.parse(buf.toString()) as T,
          code: () => {
            try {
              return (JSON.parse(buf.toString()) as { errors?: Array<{ code: string }> }).errors?.[0]?.code;
            } catch {
              return undefined;
            }
          },
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
