/**
 * HistoryContext: one `history` row as the --format template sees it
 * (docker/cli image/formatter_history.go). With -H=false, sizes are bytes
 * and dates RFC 3339.
 */
import { humanSizeWithPrecision } from '../../units/bytes.js';
import { humanDuration } from '../../units/duration.js';
import { goJsonStringify } from '../../units/go-json.js';
import type { HistoryItem } from '../client/types.js';
import { ellipsis, rfc3339, truncateId } from './text.js';

export const DEFAULT_HISTORY_TABLE_FORMAT = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
export const NON_HUMAN_HISTORY_TABLE_FORMAT = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

export const HISTORY_HEADERS: Readonly<Record<string, string>> = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};

/** Dates before 2000 (epoch-0 layers of imported images) show as N/A. */
const EPOCH_2000 = Date.UTC(2000, 0, 1) / 1000;

export function historyFormat(source: string, quiet: boolean, human: boolean): string {
  if (source === '' || source === 'table') {
    if (quiet) return '{{.ID}}';
    return human ? DEFAULT_HISTORY_TABLE_FORMAT : NON_HUMAN_HISTORY_TABLE_FORMAT;
  }
  return source;
}

export class HistoryContext {
  readonly #h: HistoryItem;
  readonly #trunc: boolean;
  readonly #human: boolean;
  readonly #now: number;

  constructor(h: HistoryItem, trunc: boolean, human: boolean, now: number = Date.now()) {
    this.#h = h;
    this.#trunc = trunc;
    this.#human = human;
    this.#now = now;
  }

  get ID(): string {
    return this.#trunc ? truncateId(this.#h.Id) : this.#h.Id;
  }

  get CreatedAt(): string {
    return rfc3339(this.#h.Created);
  }

  get CreatedSince(): string {
    if (!this.#human) return this.CreatedAt;
    if (this.#h.Created <= EPOCH_2000) return 'N/A';
    return `${humanDuration(this.#now - this.#h.Created * 1000)} ago`;
  }

  get CreatedBy(): string {
    const createdBy = this.#h.CreatedBy.replaceAll('\t', ' ');
    return this.#trunc ? ellipsis(createdBy, 45) : createdBy;
  }

  get Size(): string {
    return this.#human ? humanSizeWithPrecision(this.#h.Size, 3) : String(this.#h.Size);
  }

  get Comment(): string {
    return this.#h.Comment;
  }

  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size'] as const) out[key] = this[key];
    return out;
  }

  /** docker/cli marshals the context with json.Marshal: "<missing>" becomes "\u003cmissing\u003e" even in `{{json .}}`. */
  marshalGoJSON(): string {
    return goJsonStringify(this.toJSON());
  }
}
