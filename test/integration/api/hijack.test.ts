/**
 * Hijacked streams over a raw socket, sent the way slow or unusual clients
 * send them: the exec start body in a packet of its own, after the head.
 * (Regression: reading that body paused the socket, and stdin was never read.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

/** Reads from the socket until `until` matches what arrived, or the socket ends. */
function readUntil(sock: Socket, until: (all: Buffer) => boolean, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let all = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`timed out; got ${JSON.stringify(all.toString('latin1'))}`)), timeoutMs);
    const onData = (d: Buffer) => {
      all = Buffer.concat([all, d]);
      if (until(all)) finish();
    };
    const onEnd = () => finish();
    const finish = (err?: Error) => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('end', onEnd);
      if (err) reject(err);
      else resolve(all);
    };
    sock.on('data', onData);
    sock.on('end', onEnd);
  });
}

/** The payloads of stdcopy frames (8-byte header: stream, 0, 0, 0, size). */
function unframe(buf: Buffer): string {
  let out = '';
  for (let i = 0; i + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + size).toString('utf8');
    i += 8 + size;
  }
  return out;
}

describe('hijacked streams', () => {
  let d: TestDaemon;
  let container = '';
  before(async () => {
    d = await startDaemonWithBusybox();
    const r = d.docker(['run', '-d', 'busybox', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
    container = r.stdout.trim();
  });
  after(async () => {
    await d?.cleanup();
  });

  it('reads stdin after an exec start body that came in a packet of its own', async () => {
    const created = await d.api('POST', `/containers/${container}/exec`, { AttachStdin: true, AttachStdout: true, AttachStderr: true, Cmd: ['cat'] });
    assert.equal(created.status, 201, created.text);
    const execId = (created.body as { Id: string }).Id;
    const body = JSON.stringify({ Detach: false, Tty: false });
    const sock = connect(d.socket);
    await new Promise<void>((resolve) => sock.once('connect', resolve));
    sock.setNoDelay(true);
    sock.write(
      `POST /v1.45/exec/${execId}/start HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`,
    );
    await sleep(100); // the head reaches berthd alone; the body follows later
    sock.write(body);
    const head = await readUntil(sock, (all) => all.includes('\r\n\r\n'));
    assert.match(head.toString('latin1'), /^HTTP\/1\.1 101 /);
    const afterHead = head.subarray(head.indexOf('\r\n\r\n') + 4);
    sock.end('through stdin\n'); // stdin, then half-close: cat sees EOF and exits
    const rest = await readUntil(sock, () => false);
    assert.equal(unframe(Buffer.concat([afterHead, rest])), 'through stdin\n');
    const inspect = await d.api('GET', `/exec/${execId}/json`);
    assert.equal((inspect.body as { ExitCode: number }).ExitCode, 0);
  });
});
