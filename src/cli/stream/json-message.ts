/**
 * Displays a JSON message stream (pull, load, import, bootstrap), the way
 * docker's jsonstream.Display does for a non-terminal: one line per
 * message. `stream` text is written as is ("Loaded image: busybox:latest\n"),
 * `status` lines are prefixed with their layer id, and an `error` /
 * `errorDetail` line ends the display with that message as a DaemonError
 * (the HTTP status was already 200 when the failure happened).
 */
import type { Readable, Writable } from 'node:stream';
import { DaemonError } from '../client/daemon-error.js';
import type { JsonMessage } from '../client/types.js';

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
}

/** Writes every message to `out` (when given) and throws on an error message. */
export async function displayJsonMessages(
  source: Readable | AsyncIterable<Buffer>,
  out: Writable | undefined,
  options: DisplayOptions = {},
): Promise<void> {
  for await (const m of readJsonMessages(source)) {
    checkJsonMessage(m);
    options.onMessage?.(m);
    const line = formatJsonMessage(m);
    if (line !== undefined && out !== undefined) out.write(line);
  }
}
