/**
 * Health probes run by a container's own monitor (probe.c), over its attach
 * socket (docs/runtime-monitor.md, "PROBE"):
 *
 *   → PROBE <timeout ms> <plan bytes>\n<plan>     (the plan: exec-plan.ts)
 *   ← RESULT <exit code> <timed out 0|1> <truncated 0|1> <n>\n<n bytes of output>
 *   ← ERROR <n>\n<n bytes: why the command could not be started>
 *
 * After an answer the connection takes the next PROBE, so a ProbeChannel
 * keeps one per container run: a check costs berthd one write and one read.
 * The monitor kills the command at the timeout (counted from its start) and
 * keeps the first 4096 bytes of its stdout+stderr. Here a probe is given up
 * (and its connection closed, which makes the monitor kill the command) when
 * the caller aborts, or when no answer came `answerGraceMs` after the
 * timeout (a wedged start).
 *
 * Lifecycle: new ProbeChannel(socket) → run(request) any number of times,
 * one at a time → close(). A broken connection is made again at the next
 * run(). The request bytes are built once (ProbeChannel.request), since a
 * container's check does not change while it runs.
 */
import * as net from 'node:net';
import { BerthError, UnavailableError } from '../../errors.js';

export type ProbeAnswer =
  | { kind: 'exited'; exitCode: number; timedOut: boolean; truncated: boolean; output: Buffer }
  | { kind: 'failed'; message: string };

export interface ProbeOptions {
  /** The command's time limit (ms, at least 1). */
  timeoutMs: number;
  /** How long past the timeout an answer may take before the probe is given up (default 30 s, moby's start limit). */
  answerGraceMs?: number;
  signal?: AbortSignal;
}

/** Longest answer the monitor sends: a head line and at most 4096 bytes (+ slack). */
const MAX_ANSWER = 16 * 1024;

export class ProbeStartTimeout extends BerthError {}

interface Pending {
  chunks: Buffer[];
  size: number;
  finish(err: Error | undefined, answer?: ProbeAnswer): void;
}

export class ProbeChannel {
  readonly #socketPath: string;
  #sock: net.Socket | undefined;
  #pending: Pending | undefined;
  #closed = false;

  constructor(attachSocket: string) {
    this.#socketPath = attachSocket;
  }

  /** The bytes of one request, for run(): build it once and send it for every check. */
  static request(plan: Buffer, timeoutMs: number): Buffer {
    return Buffer.concat([Buffer.from(`PROBE ${Math.max(1, Math.ceil(timeoutMs))} ${plan.length}\n`), plan]);
  }

  /** Sends `request` (see request()) and resolves with the answer. One at a time. */
  run(request: Buffer, opts: ProbeOptions): Promise<ProbeAnswer> {
    if (this.#closed) return Promise.reject(new BerthError('probe channel closed'));
    if (this.#pending) return Promise.reject(new BerthError('a probe is already running on this channel'));
    const sock = this.#sock ?? this.#connect();
    return new Promise<ProbeAnswer>((resolve, reject) => {
      const onAbort = () => pending.finish(new BerthError('health check cancelled'));
      const timer = setTimeout(
        () => pending.finish(new ProbeStartTimeout('timed out waiting for the health check to start')),
        Math.max(1, Math.ceil(opts.timeoutMs)) + (opts.answerGraceMs ?? 30_000),
      );
      const pending: Pending = {
        chunks: [],
        size: 0,
        finish: (err, answer) => {
          if (this.#pending !== pending) return;
          this.#pending = undefined;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          if (err) {
            this.#drop(sock);
            reject(err);
          } else {
            resolve(answer!);
          }
        },
      };
      this.#pending = pending;
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      sock.write(request);
    });
  }

  /** Closes the connection; a probe under way is killed by the monitor. */
  close(): void {
    this.#closed = true;
    if (this.#sock) this.#drop(this.#sock);
  }

  #connect(): net.Socket {
    const sock = net.createConnection(this.#socketPath);
    sock.on('data', (chunk: Buffer) => {
      const p = this.#pending;
      if (!p || this.#sock !== sock) return;
      p.chunks.push(chunk);
      p.size += chunk.length;
      if (p.size > MAX_ANSWER) return p.finish(new BerthError('the monitor sent an oversized health check answer'));
      let answer: ProbeAnswer | undefined;
      try {
        answer = parseAnswer(p.chunks.length === 1 ? chunk : Buffer.concat(p.chunks));
      } catch (err) {
        return p.finish(err as Error);
      }
      if (answer) p.finish(undefined, answer);
    });
    sock.on('error', (err) => {
      if (this.#sock === sock) this.#pending?.finish(new UnavailableError(`monitor socket ${this.#socketPath} is not accepting connections`, { cause: err }));
    });
    // Between checks a close just means "connect again next time".
    sock.on('close', () => {
      if (this.#sock !== sock) return;
      this.#sock = undefined;
      this.#pending?.finish(new UnavailableError('the container monitor closed the connection without an answer (the container stopped?)'));
    });
    this.#sock = sock;
    return sock;
  }

  #drop(sock: net.Socket): void {
    if (this.#sock === sock) this.#sock = undefined;
    sock.destroy();
  }
}

/** One probe on a connection of its own. */
export async function runMonitorProbe(attachSocket: string, plan: Buffer, opts: ProbeOptions): Promise<ProbeAnswer> {
  const channel = new ProbeChannel(attachSocket);
  try {
    return await channel.run(ProbeChannel.request(plan, opts.timeoutMs), opts);
  } finally {
    channel.close();
  }
}

/** The answer once it is complete, undefined while more is to come; throws on a malformed one. */
export function parseAnswer(buf: Buffer): ProbeAnswer | undefined {
  const nl = buf.indexOf(0x0a);
  if (nl < 0) {
    if (buf.length > 256) throw new BerthError('the monitor sent a malformed health check answer');
    return undefined;
  }
  const head = buf.subarray(0, nl).toString('latin1').split(' ');
  const body = buf.subarray(nl + 1);
  const need = Number(head.at(-1));
  if (!Number.isInteger(need) || need < 0) throw new BerthError(`the monitor sent a malformed health check answer: ${head.join(' ')}`);
  if (body.length < need) return undefined;
  const data = body.subarray(0, need);
  if (head[0] === 'ERROR' && head.length === 2) return { kind: 'failed', message: data.toString('utf8') };
  if (head[0] === 'RESULT' && head.length === 5) {
    return { kind: 'exited', exitCode: Number(head[1]), timedOut: head[2] === '1', truncated: head[3] === '1', output: Buffer.from(data) };
  }
  throw new BerthError(`the monitor sent a malformed health check answer: ${head.join(' ')}`);
}
