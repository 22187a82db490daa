/**
 * JsonMessageDisplay: renders a daemon's JSON message stream (pull, push,
 * load, import) exactly as the docker CLI's jsonmessage.DisplayJSONMessagesStream.
 *
 * On a terminal, each layer id owns one line that is rewritten in place:
 *
 *   latest: Pulling from library/busybox
 *   a46fbb00284b: Downloading [=========>           ]  1.1MB/2.152MB   ← cursor up 2, erase, rewrite, down 2
 *   9ad63333ebc9: Waiting
 *
 * A message for a new id first prints "\n" to open its line; a message for a
 * known id moves the cursor up to that id's line (ESC[nA), erases it (ESC[2K),
 * writes "\r<id>: <status> <progress>\r", and moves back down (ESC[nB). A
 * message without progress (a "Digest:" line, or the next tag of `pull -a`)
 * forgets the ids, so later lines are never rewritten over it.
 *
 * Not on a terminal it is a compact log: any message whose progress would
 * print something (a bar, byte counts) is dropped, every other message is one
 * "<id>: <status>" line. So each status change of a layer shows once
 * ("Pulling fs layer", "Download complete", "Pull complete"), with no bars.
 *
 * `aux` messages (push's digest, build's image id) are handed to onAux and
 * never shown. An `errorDetail` message ends the display: its message becomes
 * a JsonMessageError, which docker prints as is (no "Error response from
 * daemon:" prefix, exit status 1). Docker quirks kept on purpose: a legacy
 * `progress` string without progressDetail prints without a line ending; a
 * progress message keeps the space before an empty progress ("Pushed ").
 *
 * Lifecycle: one instance per stream; render() each message in order.
 */
import { BerthError } from '../../errors.js';
import type { JsonStreamMessage } from '../client/types.js';
import { formatProgress, rfc3339NanoFixed, UNKNOWN_WIDTH } from './progress-bar.js';

const ESC = '\x1b[';
const up = (n: number): string => (n === 0 ? '' : `${ESC}${n}A`);
const down = (n: number): string => (n === 0 ? '' : `${ESC}${n}B`);
const ERASE_LINE = `${ESC}2K`;

/** An `errorDetail` in the stream: the operation failed after the daemon answered 200. */
export class JsonMessageError extends BerthError {
  /** errorDetail.code (0 when the daemon sent none). */
  readonly statusCode: number;

  constructor(message: string, statusCode = 0) {
    super(message);
    this.statusCode = statusCode;
  }
}

export interface DisplayMode {
  /** Render for a terminal (cursor movement, bars). */
  terminal: boolean;
  /**
   * Terminal columns (the bar needs more than 110), or how to ask for them
   * (asked at every message, as docker does, so a resize takes effect).
   * Unknown: 200, docker's guess when it cannot ask.
   */
  width?: number | (() => number | undefined);
  /** Clock for time-left estimates (ms since the epoch). */
  now?: () => number;
}

export class JsonMessageDisplay {
  readonly #terminal: boolean;
  readonly #width: () => number;
  readonly #now: () => number;
  /** Layer id → its line, counted from the first progress line after the last non-progress message. */
  #ids = new Map<string, number>();

  constructor(mode: DisplayMode) {
    this.#terminal = mode.terminal;
    const width = mode.width;
    this.#width = () => {
      const w = mode.terminal ? (typeof width === 'function' ? width() : width) : undefined;
      return w !== undefined && w > 0 ? w : UNKNOWN_WIDTH;
    };
    this.#now = mode.now ?? Date.now;
  }

  /**
   * The text one message adds to the output ("" for aux messages and
   * suppressed progress). Throws JsonMessageError for an error message,
   * after returning nothing; `written` receives the cursor movement that
   * precedes the error on a terminal, as docker writes it.
   */
  render(m: JsonStreamMessage, written?: (text: string) => void): string {
    if (m.aux !== undefined && m.aux !== null) return '';
    let out = '';
    let diff = 0;
    const hasProgress = m.progressDetail !== undefined && m.progressDetail !== null;
    const id = m.id ?? '';
    if (id !== '' && (hasProgress || (m.progress ?? '') !== '')) {
      let line = this.#ids.get(id);
      if (line === undefined) {
        line = this.#ids.size;
        this.#ids.set(id, line);
        if (this.#terminal) out += '\n';
      }
      diff = this.#ids.size - line;
      if (this.#terminal) out += up(diff);
    } else {
      this.#ids = new Map();
    }
    if (m.errorDetail !== undefined && m.errorDetail !== null) {
      if (id !== '' && this.#terminal) out += down(diff);
      written?.(out);
      throw new JsonMessageError(m.errorDetail.message ?? '', m.errorDetail.code ?? 0);
    }
    out += this.#line(m, hasProgress);
    if (id !== '' && this.#terminal) out += down(diff);
    return out;
  }

  /** docker's JSONMessage.Display for a message that is not an error. */
  #line(m: JsonStreamMessage, hasProgress: boolean): string {
    const stream = m.stream ?? '';
    const status = m.status ?? '';
    const progress = hasProgress ? formatProgress(m.progressDetail!, this.#width(), this.#now()) : '';
    let out = '';
    let endl = '';
    if (this.#terminal && stream === '' && hasProgress) {
      endl = '\r';
      out += `${ERASE_LINE}\r`;
    } else if (hasProgress && progress !== '') {
      return '';
    }
    if ((m.timeNano ?? 0) !== 0) {
      const ns = BigInt(Math.trunc(m.timeNano!));
      out += `${rfc3339NanoFixed(Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n))} `;
    } else if ((m.time ?? 0) !== 0) {
      out += `${rfc3339NanoFixed(Math.trunc(m.time!), 0)} `;
    }
    if ((m.id ?? '') !== '') out += `${m.id}: `;
    if ((m.from ?? '') !== '') out += `(from ${m.from}) `;
    if (hasProgress && this.#terminal) out += `${status} ${progress}${endl}`;
    else if ((m.progress ?? '') !== '') out += `${status} ${m.progress}${endl}`;
    else if (stream !== '') out += `${stream}${endl}`;
    else out += `${status}${endl}\n`;
    return out;
  }
}
