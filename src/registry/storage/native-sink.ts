/**
 * The fast path for a large upload chunk: berth-blob-sink (a small C
 * program, src/registry/native/) reads the body straight from the client's
 * socket into the upload file, hashing it with OpenSSL, with one reused
 * buffer. Node keeps the protocol; the sink only moves bytes.
 *
 * Why: through node's HTTP stack every 64 KiB of body is a new buffer for
 * the garbage collector plus stream and thread-pool hops; for a registry on
 * a small machine that doubled the CPU an upload costs (bench/RESULTS.md,
 * "Registries"). The sink takes about a third.
 *
 * The handler offers the socket as a DirectBody; the upload store decides
 * whether to take it (a known length, large enough, sink installed). Taking
 * it stops node reading the socket for good: the connection is closed after
 * the response, since node's HTTP parser never saw the body's end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A request body whose socket the store may read directly (see upload-handlers.ts). */
export interface DirectBody {
  /**
   * Stops node reading the socket and returns its fd and the body bytes node
   * had already read. After this, the request's own stream must not be used
   * and the connection is closed after the response.
   */
  takeOver(): { fd: number; prefix: Buffer[] };
  /** How long the client may send nothing before the upload fails (ms). */
  idleMs: number;
}

/** Below this a chunk goes through node: a process start costs more than it saves. */
export const NATIVE_MIN_BYTES = 4 * 1024 * 1024;

export class SinkError extends Error {
  constructor(
    message: string,
    /** True when the client went away or stalled (nothing to answer). */
    readonly clientGone: boolean,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}

let sinkPath: string | undefined | null = null;

/** Sinks running now, so closing the store can stop them (each holds a client connection open). */
const running = new Set<ChildProcess>();

/** Stops every running sink; their uploads fail and are truncated back as a cut-off client's. */
export function stopAllSinks(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** The installed berth-blob-sink, or undefined (built by scripts/build-monitor.sh). */
export function nativeSinkPath(): string | undefined {
  if (sinkPath === null) {
    const p = fileURLToPath(new URL('../../../bin/berth-blob-sink', import.meta.url));
    sinkPath = process.env.BERTH_NO_NATIVE_SINK === '1' || !existsSync(p) ? undefined : p;
  }
  return sinkPath;
}

/**
 * Moves `length` body bytes (prefix included) from the socket to fileFd
 * (opened for appending) and returns their digest (hex) under algorithm.
 * `whileRunning` is called every interval ms as long as the sink runs (the
 * store starts background flushes from it).
 */
export function sinkBody(
  bin: string,
  direct: { fd: number; prefix: Buffer[] },
  fileFd: number,
  length: number,
  algorithm: string,
  idleMs: number,
  whileRunning?: () => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [String(length), algorithm, String(idleMs)], { stdio: ['pipe', 'pipe', 'pipe', direct.fd, fileFd] });
    const { stdin, stdout, stderr } = child as typeof child & { stdin: NodeJS.WritableStream; stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream };
    let out = '';
    let err = '';
    stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    running.add(child);
    const ticker = whileRunning ? setInterval(whileRunning, 100) : undefined;
    stdin.on('error', () => undefined); // an early exit is reported by the exit status
    for (const b of direct.prefix) stdin.write(b);
    stdin.end();
    child.on('error', (e) => {
      running.delete(child);
      if (ticker) clearInterval(ticker);
      reject(e);
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      if (ticker) clearInterval(ticker);
      const m = /^([0-9a-f]+) (\d+)\n$/.exec(out);
      if (code === 0 && m && Number(m[2]) === length) return resolve(m[1]!);
      if (code === 3) return reject(new SinkError(`client closed the connection before the end of the body`, true));
      if (code === 4) return reject(new SinkError(err.trim() || 'client stalled', true));
      if (signal === 'SIGKILL') return reject(new SinkError('the registry is shutting down', true));
      reject(new SinkError(err.trim() || `berth-blob-sink exited with ${code}`, false));
    });
  });
}

/**
 * Sends `length` bytes of fileFd from `offset` to the socket with sendfile(2)
 * (the sink's --send mode). The response head must already be in the
 * socket; the caller closes the connection after.
 */
export function sendFileNative(bin: string, socketFd: number, fileFd: number, offset: number, length: number, idleMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--send', String(offset), String(length), String(idleMs)], { stdio: ['ignore', 'pipe', 'pipe', socketFd, fileFd] });
    running.add(child);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => {
      running.delete(child);
      reject(e);
    });
    child.on('close', (code) => {
      running.delete(child);
      if (code === 0 && out.trim() === String(length)) return resolve();
      if (code === 3 || code === 4) return reject(new SinkError(err.trim() || 'client closed the connection', true));
      reject(new SinkError(err.trim() || `berth-blob-sink --send exited with ${code}`, false));
    });
  });
}
