/**
 * BerthCli: what every command receives — the streams it talks to and a
 * lazily built Engine API client (docker/cli's command.Cli).
 *
 * Lifecycle: built once in src/cmd/berth.ts → the root command's pre-action
 * hook calls setHost() with -H / $DOCKER_HOST → the first `cli.client` access
 * creates the EngineClient (nothing connects before a command needs the
 * daemon, so `--help` and flag errors never touch the socket) → close().
 */
import type { Readable, Writable } from 'node:stream';
import { defaultHost, EngineClient } from './client.js';

export type InStream = Readable & { isTTY?: boolean };
export type OutStream = Writable & { isTTY?: boolean; rows?: number; columns?: number };

export interface CliStreams {
  in: InStream;
  out: OutStream;
  err: Writable;
}

export class BerthCli {
  readonly out: OutStream;
  readonly err: Writable;
  #in: InStream | undefined;
  #host: string;
  #client: EngineClient | undefined;

  constructor(streams: Partial<CliStreams> = {}, host: string = defaultHost()) {
    this.#in = streams.in;
    this.out = streams.out ?? process.stdout;
    this.err = streams.err ?? process.stderr;
    this.#host = host;
  }

  /** stdin, opened only when a command reads it (process.stdin is created on first access). */
  get in(): InStream {
    this.#in ??= process.stdin;
    return this.#in;
  }

  setHost(host: string): void {
    if (this.#client !== undefined) throw new Error('host changed after the client was created');
    this.#host = host;
  }

  get host(): string {
    return this.#host;
  }

  get client(): EngineClient {
    this.#client ??= new EngineClient(this.#host, {
      apiVersion: process.env['DOCKER_API_VERSION'] || undefined,
    });
    return this.#client;
  }

  /** Writes one line to stdout. */
  println(line = ''): void {
    this.out.write(`${line}\n`);
  }

  /** Writes one line to stderr. */
  eprintln(line = ''): void {
    this.err.write(`${line}\n`);
  }

  close(): void {
    this.#client?.close();
  }
}
