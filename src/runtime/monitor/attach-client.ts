/**
 * Clients of a monitor's attach socket. Each connection sends one header
 * line and then has one role (docs/runtime-monitor.md):
 *   ATTACH stdin,stdout,stderr  output streams (framed unless tty) + stdin
 *   WATCH                       one "EXIT {json}" line when the process is gone
 *   CTL                         RESIZE <rows> <cols> / CLOSE-STDIN lines
 * The monitor closes ATTACH and WATCH connections once the process exited
 * and its output was drained.
 */
import { watch as watchDir } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { isErrno, UnavailableError } from '../../errors.js';
import { parseExitStatus, readExitFile, type ExitStatus } from './exit-status.js';

/** How long watchExit waits for the exit file once the socket is gone. */
const EXIT_FILE_GRACE_MS = 2000;

function connect(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(socketPath);
    sock.once('connect', () => {
      sock.off('error', reject);
      resolve(sock);
    });
    sock.once('error', (err) => {
      sock.destroy();
      reject(new UnavailableError(`monitor socket ${socketPath} is not accepting connections`, { cause: err }));
    });
  });
}

function writeAll(sock: net.Socket, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sock.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Opens an ATTACH connection. Output arrives as Docker frames (non-tty) or
 * raw bytes (tty); what is written goes to the process's stdin when stdin
 * was asked for. end() half-closes, which closes stdin with --stdin-once.
 */
export async function openAttach(
  attachSocket: string,
  streams: { stdin: boolean; stdout: boolean; stderr: boolean },
): Promise<net.Socket> {
  const sock = await connect(attachSocket);
  const names = (['stdin', 'stdout', 'stderr'] as const).filter((s) => streams[s]);
  try {
    await writeAll(sock, `ATTACH ${names.join(',')}\n`);
  } catch (err) {
    sock.destroy();
    throw new UnavailableError(`attach to monitor socket ${attachSocket} failed`, { cause: err });
  }
  return sock;
}

/** Sends CTL lines and resolves once the monitor has read them and hung up. */
async function control(attachSocket: string, lines: string[]): Promise<void> {
  const sock = await connect(attachSocket);
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.once('close', () => resolve());
    sock.resume(); // the monitor sends nothing; drain so 'close' fires
    sock.end(`CTL\n${lines.map((l) => `${l}\n`).join('')}`);
  });
}

/** Sets the pty window size (TIOCSWINSZ); ignored by a monitor without a tty. */
export async function resizeTty(attachSocket: string, rows: number, cols: number): Promise<void> {
  const clamp = (n: number) => Math.max(0, Math.min(65535, Math.trunc(n)));
  await control(attachSocket, [`RESIZE ${clamp(rows)} ${clamp(cols)}`]);
}

/** Closes the process's stdin (pipe closed; with a tty, an EOT is written). */
export async function closeStdin(attachSocket: string): Promise<void> {
  await control(attachSocket, ['CLOSE-STDIN']);
}

/** Resolves with the exit file's status once it appears, or undefined after timeoutMs. */
async function waitForExitFile(exitFile: string, timeoutMs: number, signal?: AbortSignal): Promise<ExitStatus | undefined> {
  const dir = path.dirname(exitFile);
  const base = path.basename(exitFile);
  const abort = new AbortController();
  const stop = () => abort.abort();
  signal?.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(stop, timeoutMs);
  try {
    // Watch first, then read, so a rename between the two is not missed.
    const events = watchDir(dir, { signal: abort.signal });
    const changed = new Promise<void>((resolve) => {
      events.on('change', (_type, name) => {
        if (name === base) resolve();
      });
      events.on('close', () => resolve());
      events.on('error', () => resolve());
    });
    const status = await readExitFile(exitFile);
    if (status || abort.signal.aborted) return status;
    await Promise.race([changed, new Promise((r) => abort.signal.addEventListener('abort', r, { once: true }))]);
    return await readExitFile(exitFile);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined; // no directory: no file
    throw err;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
    abort.abort();
  }
}

/**
 * Resolves once with the process's exit status: from a WATCH connection
 * while the monitor runs, else from the exit file (which the monitor writes
 * before it closes its connections). Rejects with UnavailableError when the
 * monitor is gone and left no exit file, and with signal.reason on abort.
 */
export function watchExit(attachSocket: string, exitFile: string, signal?: AbortSignal): Promise<ExitStatus> {
  return new Promise<ExitStatus>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let settled = false;
    let text = '';
    const sock = net.createConnection(attachSocket);
    const onAbort = () => settle(undefined, signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    function settle(status: ExitStatus | undefined, err?: unknown): void {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (status) resolve(status);
      else reject(err);
    }

    let fellBack = false;
    async function fallback(cause?: unknown): Promise<void> {
      if (settled || fellBack) return; // 'error' is followed by 'close'
      fellBack = true;
      try {
        const status = await waitForExitFile(exitFile, EXIT_FILE_GRACE_MS, signal);
        if (signal?.aborted) return settle(undefined, signal.reason);
        if (status) return settle(status);
        settle(undefined, new UnavailableError(`monitor at ${attachSocket} is gone and left no exit file`, { cause }));
      } catch (err) {
        settle(undefined, err);
      }
    }

    sock.setEncoding('utf8');
    sock.once('connect', () => sock.write('WATCH\n'));
    sock.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl < 0) {
        if (text.length > 4096) settle(undefined, new UnavailableError(`monitor at ${attachSocket} sent a malformed reply`));
        return;
      }
      const line = text.slice(0, nl);
      if (!line.startsWith('EXIT ')) {
        settle(undefined, new UnavailableError(`monitor at ${attachSocket} sent a malformed reply: ${line}`));
        return;
      }
      try {
        settle(parseExitStatus(line.slice(5), attachSocket));
      } catch (err) {
        settle(undefined, err);
      }
    });
    // Refused, missing, or closed without an EXIT line: the exit file decides.
    sock.once('error', (err) => void fallback(err));
    sock.once('close', () => void fallback());
  });
}

/** True when a monitor accepts connections on the socket (it is alive). */
export async function monitorAlive(attachSocket: string): Promise<boolean> {
  try {
    (await connect(attachSocket)).destroy();
    return true;
  } catch {
    return false;
  }
}
