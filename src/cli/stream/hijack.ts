/**
 * Streams a hijacked attach/exec connection to the local stdio
 * (docker/cli's hijackedIOStreamer).
 *
 * Lifecycle: the daemon answered 101 and handed over the socket →
 * streamHijacked() puts the terminal in raw mode when needed, copies output
 * (raw for a tty, stdcopy-demultiplexed otherwise) and input (through the
 * detach-key proxy for a tty) → when local input ends the socket is
 * half-closed (FIN) so the container sees EOF on stdin while its output keeps
 * flowing; without input the half-close happens at once, as docker does →
 * `done` settles when output ends ('ended') or the user typed the detach keys
 * ('detached') → close() drops the socket.
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import type { HijackedConnection } from '../client/transport.js';
import { EscapeProxy, DEFAULT_DETACH_KEYS } from './escape-proxy.js';
import { copyStream, demuxStream } from './stdcopy.js';
import { setRawTerminal } from './tty.js';

export interface HijackStreamOptions {
  connection: HijackedConnection;
  /** The container/exec has a tty: output is raw, not multiplexed. */
  tty: boolean;
  /** Local input to forward; undefined → half-close immediately. */
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Detach sequence (tty only); default ctrl-p ctrl-q. */
  detachKeys?: Buffer;
}

export type HijackOutcome = 'ended' | 'detached';

export interface HijackSession {
  readonly done: Promise<HijackOutcome>;
  close(): void;
}

async function* withHead(head: Buffer, socket: Duplex): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for await (const chunk of socket) yield chunk as Buffer;
}

/** True for the socket errors that only mean "the other side already hung up". */
function isHangup(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

export function streamHijacked(opts: HijackStreamOptions): HijackSession {
  const { socket, head } = opts.connection;
  const stdin = opts.stdin;
  const restoreTerminal =
    opts.tty && stdin !== undefined && (stdin as NodeJS.ReadStream).isTTY === true
      ? setRawTerminal(stdin as NodeJS.ReadStream)
      : () => undefined;
  // Input errors (EPIPE after the container exited) must not crash the CLI.
  socket.on('error', () => undefined);

  let resolveDetached!: (v: HijackOutcome) => void;
  const detached = new Promise<HijackOutcome>((r) => (resolveDetached = r));
  const inputDone = pumpInput(socket, stdin, opts.tty ? new EscapeProxy(opts.detachKeys ?? DEFAULT_DETACH_KEYS) : undefined, () =>
    resolveDetached('detached'),
  );
  void inputDone.then(restoreTerminal);

  const hasOutput = opts.stdout !== undefined || opts.stderr !== undefined;
  const outputDone: Promise<HijackOutcome> = hasOutput
    ? (async () => {
        const source = withHead(head, socket);
        try {
          if (opts.tty) await copyStream(source, opts.stdout);
          else await demuxStream(source, opts.stdout, opts.stderr ?? opts.stdout);
        } catch (err) {
          if (!isHangup(err)) throw err;
        } finally {
          restoreTerminal();
        }
        return 'ended' as const;
      })()
    : inputDone.then(() => 'ended' as const);

  const done = Promise.race([outputDone, detached]).finally(() => {
    restoreTerminal();
    if (stdin !== undefined) {
      stdin.removeAllListeners('data');
      stdin.pause();
    }
  });
  return { done, close: () => socket.destroy() };
}

/** Copies stdin to the socket, then half-closes it. Resolves when input is over. */
function pumpInput(socket: Duplex, stdin: Readable | undefined, proxy: EscapeProxy | undefined, onDetach: () => void): Promise<void> {
  if (stdin === undefined) {
    socket.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onEnd);
      resolve();
    };
    const onEnd = (): void => {
      if (!socket.destroyed) socket.end();
      finish();
    };
    const onData = (chunk: Buffer | string): void => {
      let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (proxy !== undefined) {
        const r = proxy.push(data);
        data = r.forward;
        if (r.detached) {
          if (data.length > 0 && !socket.destroyed) socket.write(data);
          finish();
          onDetach();
          return;
        }
      }
      if (data.length === 0 || socket.destroyed) return;
      if (!socket.write(data)) {
        stdin.pause();
        socket.once('drain', () => stdin.resume());
      }
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onEnd);
    socket.once('close', finish);
    stdin.resume();
  });
}
