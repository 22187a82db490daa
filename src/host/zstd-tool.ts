/**
 * zstd decoding through the host's `zstd` (Debian's zstd package): Node 20
 * has no zstd in node:zlib, and OCI layers may be `…tar+zstd`. The input is
 * piped to `zstd -dc`; what it writes comes out of the returned stream,
 * which ends only once zstd has exited with 0 — a failure (bad or truncated
 * data, a missing binary) destroys it with the tool's own message instead,
 * so a consumer never takes a cut-off stream for a whole one. Destroying the
 * returned stream (the consumer gave up) kills the tool.
 */
import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';

export const ZSTD = '/usr/bin/zstd';

export function zstdDecoder(input: Readable): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  const child = spawn(ZSTD, ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let done = false;
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
  });
  const fail = (err: Error) => {
    done = true;
    if (!out.destroyed) out.destroy(err);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  child.on('error', (err) => fail(new Error(`zstd: ${err.message}`)));
  // 'close' comes after the exit and after stdout's last byte went into out.
  child.on('close', (code, signal) => {
    if (done) return;
    if (code === 0) {
      done = true;
      out.end();
    } else {
      fail(new Error(`zstd: ${stderr.trim() || `exit ${code ?? signal}`}`));
    }
  });
  input.on('error', (err) => fail(err));
  // zstd stops reading when it fails: its stdin then errors with EPIPE, which its exit status reports.
  child.stdin.on('error', () => undefined);
  out.on('close', () => {
    if (!done) fail(new Error('zstd: output closed before the end'));
  });
  input.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  return out;
}
