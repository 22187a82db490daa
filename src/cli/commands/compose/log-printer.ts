/**
 * Prints several containers' logs interleaved, each line behind its
 * container's prefix (`web-1  | …`, padded to the widest, coloured per
 * service on a terminal), as `compose logs` and attached `compose up` do.
 *
 * Lifecycle: new LogPrinter(out, names) → follow(container, request) for
 * each container, which reads its log stream (stdcopy frames, or raw for a
 * tty container) and writes whole lines → the promise settles when the
 * stream ends (for -f: when the container stops) → flush() writes any
 * last line that had no newline.
 */
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import { FrameDecoder, SYSTEMERR } from '../../stream/stdcopy.js';

/** Compose's rotation of bright colours, by order of first appearance of a service. */
const COLORS = [36, 33, 32, 35, 34, 31, 96, 93, 92, 95, 94, 91];

export interface LogPrinterOptions {
  color: boolean;
  prefix: boolean;
}

export class LogPrinter {
  readonly #out: Writable;
  readonly #width: number;
  readonly #options: LogPrinterOptions;
  readonly #colorOf = new Map<string, number>();
  readonly #partial = new Map<string, string>();

  /** `names` are the prefixes to be printed (for width). */
  constructor(out: Writable, names: readonly string[], options: LogPrinterOptions) {
    this.#out = out;
    this.#width = Math.max(0, ...names.map((n) => n.length));
    this.#options = options;
  }

  #prefix(name: string, service: string): string {
    if (!this.#options.prefix) return '';
    const text = `${name.padEnd(this.#width)}  | `;
    if (!this.#options.color) return text;
    let color = this.#colorOf.get(service);
    if (color === undefined) {
      color = COLORS[this.#colorOf.size % COLORS.length]!;
      this.#colorOf.set(service, color);
    }
    return `\u001b[${color}m${text}\u001b[0m`;
  }

  /** Writes the whole lines of `text`; keeps an unfinished last line for later. */
  write(name: string, service: string, text: string): void {
    const pending = (this.#partial.get(name) ?? '') + text;
    const lines = pending.split('\n');
    this.#partial.set(name, lines.pop()!);
    if (lines.length === 0) return;
    const prefix = this.#prefix(name, service);
    this.#out.write(lines.map((l) => `${prefix}${l.replace(/\r$/, '')}\n`).join(''));
  }

  /** A line of our own about a container ("web-1 exited with code 0"). */
  notice(name: string, service: string, text: string): void {
    this.flush(name, service);
    this.#out.write(`${this.#prefix(name, service)}${text}\n`);
  }

  /** Writes an unfinished last line, ended with a newline. */
  flush(name: string, service: string): void {
    if ((this.#partial.get(name) ?? '') !== '') this.write(name, service, '\n');
  }

  /** Copies one container's log stream until it ends. */
  async follow(name: string, service: string, tty: boolean, stream: IncomingMessage): Promise<void> {
    const decoder = tty ? undefined : new FrameDecoder();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (decoder === undefined) {
        this.write(name, service, chunk.toString('utf8'));
        continue;
      }
      for (const frame of decoder.push(chunk)) {
        if (frame.stream === SYSTEMERR) throw new Error(frame.payload.toString('utf8'));
        this.write(name, service, frame.payload.toString('utf8'));
      }
    }
    this.flush(name, service);
  }
}

/** The prefix compose shows for a container: its name without the `<project>-` in front. */
export function displayName(project: string, containerName: string): string {
  return containerName.startsWith(`${project}-`) ? containerName.slice(project.length + 1) : containerName;
}
