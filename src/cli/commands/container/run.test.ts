/**
 * The `run` flow's protocol, checked against a scripted Engine API server on
 * a real unix socket: the order of requests (create → pull → create →
 * attach → wait → start), what reaches stdout/stderr, and how failures turn
 * into exit statuses. Containers themselves are proven by
 * test/integration/cli/cli-smoke.test.ts against berthd.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { BerthCli } from '../../cli-context.js';
import { StatusError } from '../../cli-errors.js';
import { decideExit } from '../../exit-code.js';
import { encodeFrame, STDERR, STDOUT } from '../../stream/stdcopy.js';
import { runRun, type RunFlags } from './run.js';

const ID = 'c0ffee'.padEnd(64, '0');

interface Script {
  /** Answer the first create with 404 No such image (then accept the pull). */
  missingImage?: boolean;
  /** Message for a failing start. */
  startError?: string;
  exitCode?: number;
}

async function scriptedDaemon(t: TestContext, script: Script): Promise<{ host: string; log: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-run-'));
  const log: string[] = [];
  let creates = 0;
  let attached: Socket | undefined;
  let finishWait: (() => void) | undefined;
  const path = (url = ''): string => url.replace(/^\/v1\.\d+/, '').replace(/\?.*$/, '');
  const server = http.createServer((req, res) => {
    const p = path(req.url);
    if (p !== '/_ping') log.push(`${req.method} ${p}`);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (p === '/_ping') {
      res.setHeader('Api-Version', '1.45');
      res.end('OK');
    } else if (p === '/containers/create') {
      creates++;
      if (script.missingImage && creates === 1) json(404, { message: 'No such image: busybox:latest' });
      else json(201, { Id: ID, Warnings: ['memory limit ignored'] });
    } else if (p === '/images/create') {
      log.push(`  pull ${new URL(req.url!, 'http://x').search}`);
      res.end('{"status":"Pulling from library/busybox","id":"latest"}\n{"status":"Downloaded newer image for busybox:latest"}\n');
    } else if (p === `/containers/${ID}/wait`) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      finishWait = () => res.end(JSON.stringify({ StatusCode: script.exitCode ?? 0, Error: null }));
    } else if (p === `/containers/${ID}/start`) {
      if (script.startError !== undefined) {
        json(400, { message: script.startError });
        attached?.end();
        finishWait?.();
        return;
      }
      res.writeHead(204);
      res.end();
      // The container runs: output, then exit.
      attached?.write(encodeFrame(STDOUT, 'hello\n'));
      attached?.end(encodeFrame(STDERR, 'warn\n'));
      setTimeout(() => finishWait?.(), 10);
    } else {
      json(404, { message: `page not found: ${p}` });
    }
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
    log.push(`UPGRADE ${path(req.url)}`);
    socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    socket.on('error', () => undefined);
    attached = socket;
  });
  const open = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(join(dir, 'api.sock'), resolve));
  t.after(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  return { host: `unix://${join(dir, 'api.sock')}`, log };
}

function cliFor(t: TestContext, host: string): { cli: BerthCli; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const cli = new BerthCli({ in: stdin, out: stdout, err: stderr }, host);
  t.after(() => cli.close());
  return { cli, out: () => out, err: () => err };
}

const flags = (f: Partial<RunFlags> = {}): RunFlags => ({ restart: 'no', pull: 'missing', ...f });

describe('run flow', () => {
  it('pulls a missing image, attaches before start, and exits with the container status', async (t) => {
    const { host, log } = await scriptedDaemon(t, { missingImage: true, exitCode: 3 });
    const { cli, out, err } = cliFor(t, host);
    await assert.rejects(runRun(cli, { flags: flags(), image: 'busybox', args: ['echo', 'hello'] }), (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.status, 3);
      return true;
    });
    assert.deepEqual(log, [
      'POST /containers/create',
      'POST /images/create',
      '  pull ?fromImage=busybox&tag=latest',
      'POST /containers/create',
      `UPGRADE /containers/${ID}/attach`,
      `POST /containers/${ID}/wait`,
      `POST /containers/${ID}/start`,
    ]);
    assert.equal(out(), 'hello\n');
    assert.equal(
      err(),
      "Unable to find image 'busybox:latest' locally\n" +
        'latest: Pulling from library/busybox\nDownloaded newer image for busybox:latest\n' +
        'WARNING: memory limit ignored\nwarn\n',
    );
  });

  it('returns normally for a zero exit status', async (t) => {
    const { host } = await scriptedDaemon(t, { exitCode: 0 });
    const { cli, out } = cliFor(t, host);
    await runRun(cli, { flags: flags(), image: 'busybox', args: ['true'] });
    assert.equal(out(), 'hello\n');
  });

  it('prints the full id and neither attaches nor waits with -d', async (t) => {
    const { host, log } = await scriptedDaemon(t, {});
    const { cli, out } = cliFor(t, host);
    await runRun(cli, { flags: flags({ detach: true }), image: 'busybox', args: ['sleep', '9'] });
    assert.equal(out(), `${ID}\n`);
    assert.deepEqual(log, ['POST /containers/create', `POST /containers/${ID}/start`]);
  });

  it('maps a start failure for a missing command to exit 127 with docker wording', async (t) => {
    const message = 'failed to create task for container: exec: "nope": executable file not found in $PATH';
    const { host } = await scriptedDaemon(t, { startError: message });
    const { cli } = cliFor(t, host);
    const err = await runRun(cli, { flags: flags(), image: 'busybox', args: ['nope'] }).then(() => undefined, (e: unknown) => e);
    assert.deepEqual(decideExit(err), {
      status: 127,
      message: `berth: Error response from daemon: ${message}\n\nRun 'berth run --help' for more information`,
    });
  });

  it('refuses -t with a stdin that is not a terminal, before creating anything', async (t) => {
    const { host, log } = await scriptedDaemon(t, {});
    const { cli } = cliFor(t, host);
    await assert.rejects(runRun(cli, { flags: flags({ interactive: true, tty: true }), image: 'busybox', args: [] }), {
      message: 'the input device is not a TTY',
    });
    assert.deepEqual(log, []);
  });
});
