/**
 * Test support for the registry verbs (pull, push, login, logout, search):
 * a scripted Engine API server on a real unix socket that records every
 * request with its headers, `berth` run in-process against it with chosen
 * streams (a pipe, or a fake terminal of some width), and the real docker
 * CLI run against the same server, so both can be compared.
 *
 * Lifecycle: scriptedDaemon(t) listens on a temp socket and registers its
 * own cleanup (t.after); configDir(t) makes a temp DOCKER_CONFIG directory,
 * also removed after the test.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { BerthCli } from '../../cli-context.js';
import { decideExit } from '../../exit-code.js';
import { buildProgram } from '../index.js';

export const DOCKER = '/usr/local/bin/docker';
export const hasDocker = existsSync(DOCKER);

export interface Seen {
  method: string;
  path: string;
  /** The raw query string ("fromImage=…&tag=…"), to compare order too. */
  search: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An answer: a JSON body, or a JSON message stream given as its text (one message a line). */
export interface Reply {
  status: number;
  body?: unknown;
  stream?: string;
}

export type Script = (req: Seen) => Reply | undefined;

export interface Daemon {
  host: string;
  seen: Seen[];
}

export async function scriptedDaemon(t: TestContext, script: Script): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-reg-'));
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/_ping') {
        res.writeHead(200, { 'Api-Version': '1.45', OSType: 'linux', 'Content-Type': 'text/plain' });
        res.end(req.method === 'HEAD' ? undefined : 'OK');
        return;
      }
      const r: Seen = {
        method: req.method!,
        path: url.pathname.replace(/^\/v1\.\d+/, ''),
        search: url.search.replace(/^\?/, ''),
        query: url.searchParams,
        headers: req.headers,
        body,
      };
      seen.push(r);
      const reply = script(r) ?? { status: 404, body: { message: `page not found: ${r.path}` } };
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      if (reply.stream !== undefined) res.end(reply.stream.replace(/\n/g, '\r\n'));
      else res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  const open = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  const socketPath = join(dir, 'api.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.after(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  return { host: `unix://${socketPath}`, seen };
}

/** A temporary DOCKER_CONFIG directory (not created inside: commands must create it). */
export function configDir(t: TestContext): string {
  const base = mkdtempSync(join(tmpdir(), 'berth-dcfg-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return join(base, 'docker');
}

export interface Ran {
  stdout: string;
  stderr: string;
  status: number;
}

export interface BerthRun {
  /** DOCKER_CONFIG for this run. */
  config: string;
  /** What stdin delivers (then end of input). */
  input?: string;
  /** stdin is a terminal (with setRawMode, whose calls are recorded in rawModes). */
  stdinTty?: boolean;
  rawModes?: boolean[];
  /** stdout (and stderr) are terminals this many columns wide. */
  ttyColumns?: number;
  env?: Record<string, string>;
}

/** Runs `berth ARGS` in-process against `host`, as src/cmd/berth.ts would. */
export async function berth(host: string, args: string[], o: BerthRun): Promise<Ran> {
  const out = new PassThrough();
  const err = new PassThrough();
  if (o.ttyColumns !== undefined) {
    Object.assign(out, { isTTY: true, columns: o.ttyColumns });
    Object.assign(err, { isTTY: true, columns: o.ttyColumns });
  }
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const input = Readable.from(o.input === undefined || o.input === '' ? [] : [Buffer.from(o.input)]);
  if (o.stdinTty === true) Object.assign(input, { isTTY: true, setRawMode: (raw: boolean) => o.rawModes?.push(raw) });
  const env = { DOCKER_CONFIG: o.config, ...o.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const cli = new BerthCli({ in: input, out, err }, host);
  let status = 0;
  try {
    await buildProgram(cli).parseAsync(args, { from: 'user' });
  } catch (e) {
    const decision = decideExit(e);
    status = decision.status;
    if (decision.message !== '') stderr += decision.message.endsWith('\n') ? decision.message : `${decision.message}\n`;
  } finally {
    cli.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { stdout, stderr, status };
}

/** Runs the real docker CLI against `host` with its own config directory (stdin: `input`, else nothing). */
export function docker(host: string, args: string[], config: string, input = '', env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      DOCKER,
      args,
      { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: config, TZ: 'UTC', DOCKER_HOST: host, DOCKER_CONFIG: config, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ stdout, stderr, status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1 }),
    );
    child.stdin?.end(input);
  });
}

/** The requests as compared between the two CLIs: method, path, query string and X-Registry-Auth. */
export function requestLines(seen: readonly Seen[]): string[] {
  return seen.map((r) => `${r.method} ${r.path}?${r.search} auth=${String(r.headers['x-registry-auth'] ?? '-')}${r.body === '' ? '' : ` ${r.body}`}`);
}
