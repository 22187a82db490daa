/**
 * JSON message streams (pull, push, load, import, bootstrap, build): the
 * line reader, and displayJsonMessages, which shows a stream the way the
 * docker CLI's DisplayJSONMessagesToStream does — per-layer lines updated in
 * place when `out` is a terminal, a compact log otherwise (the rendering is
 * json-display.ts). An `errorDetail` message ends the display with a
 * JsonMessageError carrying its message (the HTTP status was already 200
 * when the failure happened).
 *
 * formatJsonMessage / checkJsonMessage are the older one-line-per-message
 * helpers that `bootstrap` and `build` use.
 */
import type { Readable, Writable } from 'node:stream';
import { DaemonError } from '../client/daemon-error.js';
import type { JsonMessage, JsonStreamMessage } from '../client/types.js';
import { JsonMessageDisplay, type DisplayMode } from './json-display.js';

/** Splits a byte stream into parsed JSON messages (one document per line). */
export async function* readJsonMessages(source: Readable | AsyncIterable<Buffer>): AsyncGenerator<JsonMessage> {
  let pending = '';
  for await (const chunk of source as AsyncIterable<Buffer>) {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line !== '') yield JSON.parse(line) as JsonMessage;
    }
  }
  if (pending.trim() !== '') yield JSON.parse(pending) as JsonMessage;
}

/** Formats one message as a display line, or undefined for nothing to show. */
export function formatJsonMessage(m: JsonMessage): string | undefined {
  if (m.stream !== undefined) return m.stream;
  if (m.status !== undefined) {
    const prefix = m.id !== undefined && m.id !== '' ? `${m.id}: ` : '';
    const progress = m.progress !== undefined && m.progress !== '' ? ` ${m.progress}` : '';
    return `${prefix}${m.status}${progress}\n`;
  }
  return undefined;
}

/** Throws the stream's error message, if this message carries one. */
export function checkJsonMessage(m: JsonMessage): void {
  const message = m.errorDetail?.message ?? m.error;
  if (message !== undefined) throw new DaemonError(m.errorDetail?.code ?? 500, message);
}

export interface DisplayOptions {
  /** Receives each message before display (aux payloads such as image ids). */
  onMessage?: (m: JsonMessage) => void;
  /** Overrides what is read from `out` (isTTY, columns): for tests and fixed-width output. */
  mode?: DisplayMode;
}

/** docker's streams.Out: a terminal when the stream says so, as wide as it says (200 when it cannot tell). */
export function displayModeOf(out: Writable | undefined): DisplayMode {
  const tty = out as (Writable & { isTTY?: boolean; columns?: number }) | undefined;
  return { terminal: tty?.isTTY === true, width: () => tty?.columns };
}

/**
 * Shows every message on `out` (nothing when undefined: quiet) and throws
 * JsonMessageError at the first error message.
 */
export async function displayJsonMessages(
  source: Readable | AsyncIterable<Buffer>,
  out: Writable | undefined,
  options: DisplayOptions = {},
): Promise<void> {
  const display = new JsonMessageDisplay(options.mode ?? displayModeOf(out));
  const write = (text: string): void => {
    if (text !== '' && out !== undefined) out.write(text);
  };
  for await (const m of readJsonMessages(source)) {
    options.onMessage?.(m);
    write(display.render(m as JsonStreamMessage, write));
  }
}
