/**
 * One layer's progress as docker prints it after the status
 * (moby's jsonmessage.JSONProgress.String):
 *
 *   [=========================>                         ]    1.1MB/2.152MB 3s
 *    bar: 50 cells, only on terminals wider than 110 columns
 *                                                       numbers: "%8v/%v", decimal units
 *                                                                    time left: only with a
 *                                                                    start time, wider than 50
 *
 * A progress with neither current nor total is "" — which is also what makes
 * the non-terminal display keep a message (it drops any message whose
 * progress would print something).
 */
import { humanSize } from '../../units/bytes.js';
import { formatGoDuration } from '../../units/duration.js';
import type { JsonProgressDetail } from '../client/types.js';

/** Width docker assumes when it cannot ask the terminal (a pipe, a file). */
export const UNKNOWN_WIDTH = 200;

const NS_PER_SECOND = 1_000_000_000n;

/**
 * The progress text for `width` columns. `nowMs` is the current time, for
 * the time-left estimate of messages that carry a start time.
 */
export function formatProgress(p: JsonProgressDetail, width: number, nowMs: number = Date.now()): string {
  const current = Math.trunc(p.current ?? 0);
  const total = Math.trunc(p.total ?? 0);
  const units = p.units ?? '';
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return units === '' ? humanSize(current).padStart(8) : `${current} ${units}`;

  const percentage = Math.min(50, Math.trunc(Math.trunc((current / total) * 100) / 2));
  let bar = '';
  if (width > 110) bar = `[${'='.repeat(Math.max(0, percentage))}>${' '.repeat(Math.max(0, 50 - percentage))}] `;

  let numbers = '';
  if (p.hidecounts === true) {
    numbers = '';
  } else if (units === '') {
    const cur = humanSize(current);
    numbers = current > total ? cur.padStart(8) : `${cur.padStart(8)}/${humanSize(total)}`;
  } else {
    numbers = current > total ? `${current} ${units}` : `${current}/${total} ${units}`;
  }

  let timeLeft = '';
  const start = Math.trunc(p.start ?? 0);
  if (current > 0 && start > 0 && percentage < 50 && width > 50) {
    // Go's integer Duration arithmetic: per-unit time, times what is left, truncated to seconds.
    const fromStart = BigInt(Math.trunc(nowMs)) * 1_000_000n - BigInt(start) * NS_PER_SECOND;
    const perEntry = fromStart / BigInt(current);
    const left = ((BigInt(total - current) * perEntry) / NS_PER_SECOND) * NS_PER_SECOND;
    timeLeft = ` ${formatGoDuration(Number(left))}`;
  }
  return bar + numbers + timeLeft;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * Go's time.Format(RFC3339NanoFixed) in the local zone:
 * "2023-11-14T22:13:20.000000000Z" (UTC) or "…+01:00".
 */
export function rfc3339NanoFixed(seconds: number, nanos: number): string {
  const date = new Date(seconds * 1000);
  const offset = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000);
  const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(nanos, 9)}${zone}`
  );
}
