/**
 * Test support for the CLI verbs' protocol tests: a scripted Engine API
 * server on a real unix socket that records every request (method, path,
 * query, headers, body), `berth` run in-process against it with chosen
 * streams (a pipe, or a fake terminal of some width), and the real docker
 * CLI run against the same server, so the two can be compared request for
 * request and byte for byte.
 *
 * Lifecycle: scriptedDaemon(t, script, options) listens on a temp socket and
 * registers its own cleanup (t.after: open connections destroyed, server
 * closed, directory removed). Each request not to /_ping is recorded in
 * `seen`, then answered by `script`, else by `options.defaults`, else with
 * docker's 404 "page not found". configDir(t) makes a temp DOCKER_CONFIG
 * path, also removed after the test. berth() and docker() each run one
 * command line to its end and return what it printed and its exit status.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { BerthCli } from '../cli-context.js';
import { buildProgram } from '../commands/index.js';
import { decideExit } from '../exit-code.js';

export const DOCKER = '/usr/local/bin/docker';
export const hasDocker = existsSync(DOCKER);

/** One request as the daemon received it, with the /v1.NN prefix taken off the path. */
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

/** Answers a request, or returns undefined to leave it to the next in line. */
export type Script = (req: Seen) => Reply | undefined;

export interface ScriptedDaemonOptions {
  /** The Api-Version that /_ping announces, which clients negotiate down to (default 1.45). */
  apiVersion?: string;
  /** Answers what the test's script leaves (a test file's usual replies), before the 404. */
  defaults?: Script;
}

export interface Daemon {
  /** unix://… for -H, DOCKER_HOST or BerthCli. */
  host: string;
  /** Every request but /_ping, in order of arrival; tests may empty it between runs. */
  seen: Seen[];
}

const pageNotFound = (r: Seen): Reply => ({ status: 404, body: { message: `page not found: ${r.path}` } });

export async function scriptedDaemon(t: TestContext, script: Script = () => undefined, o: ScriptedDaemonOptions = {}): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-scripted-'));
  const seen: Seen[] = [];
  const answer = (r: Seen): Reply => script(r) ?? o.defaults?.(r) ?? pageNotFound(r);
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/_ping') {
        res.writeHead(200, { 'Api-Version': o.apiVersion ?? '1.45', OSType: 'linux', 'Content-Type': 'text/plain' });
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
      const reply = answer(r);
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      // The daemon's streams end each message with CRLF; scripts write plain lines.
      if (reply.stream !== undefined) res.end(reply.stream.replace(/\n/g, '\r\n'));
      else res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  // server.close() waits for keep-alive connections: track them to end them at cleanup.
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

/** How berth() runs: every field optional; by default stdin is empty and stdout/stderr are pipes. */
export interface BerthRun {
  /** DOCKER_CONFIG for this run (unset: the process's own, for verbs that never read it). */
  config?: string;
  /** What stdin delivers (then end of input). */
  input?: string;
  /** stdin is a terminal (with setRawMode, whose calls are recorded in rawModes). */
  stdinTty?: boolean;
  rawModes?: boolean[];
  /** stdout (and stderr) are terminals this many columns wide. */
  ttyColumns?: number;
  /** Set in process.env for the run only (berth reads its environment there), then restored. */
  env?: Record<string, string>;
}

/** Runs `berth ARGS` in-process against `host`, as src/cmd/berth.ts would. */
export async function berth(host: string, args: string[], o: BerthRun = {}): Promise<Ran> {
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
  const env = { ...(o.config === undefined ? {} : { DOCKER_CONFIG: o.config }), ...o.env };
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

/**
 * Runs the real docker CLI against `host` (asynchronously: the server lives
 * in this process) with its own config directory as DOCKER_CONFIG and HOME,
 * a bare environment plus `env`, and stdin `input`, else nothing.
 */
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
