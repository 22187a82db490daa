/**
 * Docker's JSON progress messages for pull and push, shaped as moby's
 * streamformatter writes them, for the docker CLI (and berth's) to render:
 *
 *   message("Pulling from library/busybox", "latest") → {"status":"Pulling from library/busybox","id":"latest"}
 *   update(id, "Pull complete")                        → {"status":"Pull complete","progressDetail":{},"id":"…"}
 *   bytes(id, "Downloading", current, total)           → {"status":"Downloading","progressDetail":{"current":…,"total":…},"id":"…"}
 *   aux({Tag, Digest, Size})                           → {"progressDetail":{},"aux":{…}}
 *
 * Zero counts are left out, as Go's omitempty does. Byte counts are sent at
 * most every 100 ms per id (moby's progress reader rate), and always at the
 * end, so a fast transfer does not drown the client in messages.
 */

export interface ProgressDetail {
  current?: number;
  total?: number;
}

/** One line of the stream (moby's jsonstream.Message). */
export interface JsonMessage {
  status?: string;
  progressDetail?: ProgressDetail;
  id?: string;
  errorDetail?: { message: string };
  error?: string;
  aux?: unknown;
}

export type ProgressSink = (m: JsonMessage) => void;

const BYTES_INTERVAL_MS = 100;

export class ProgressOutput {
  readonly #sink: ProgressSink;
  readonly #lastBytes = new Map<string, number>();

  constructor(sink: ProgressSink) {
    this.#sink = sink;
  }

  /** A status line (progress.Message): "Pulling from …", "Digest: …", "Status: …". */
  message(status: string, id?: string): void {
    this.#sink(id ? { status, id } : { status });
  }

  /** A layer's new state (progress.Update): "Waiting", "Pull complete", "Layer already exists". */
  update(id: string, status: string): void {
    this.#sink({ status, progressDetail: {}, id });
  }

  /** Bytes moved so far (a progress reader's update), throttled per id; `final` always goes out. */
  bytes(id: string, action: string, current: number, total: number, final = false): void {
    const now = performance.now();
    const last = this.#lastBytes.get(id);
    if (!final && last !== undefined && now - last < BYTES_INTERVAL_MS) return;
    this.#lastBytes.set(id, now);
    const detail: ProgressDetail = {};
    if (current > 0) detail.current = current;
    if (total > 0) detail.total = total;
    this.#sink({ status: action, progressDetail: detail, id });
  }

  /** Out-of-band data (progress.Aux): a push's {Tag, Digest, Size}. */
  aux(value: unknown): void {
    this.#sink({ progressDetail: {}, aux: value });
  }
}

/** moby's stringid.TruncateID: the first 12 hex digits of a digest, what layer lines are keyed by. */
export function shortId(digest: string): string {
  const i = digest.indexOf(':');
  return (i >= 0 ? digest.slice(i + 1) : digest).slice(0, 12);
}
