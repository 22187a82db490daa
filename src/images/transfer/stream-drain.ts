/**
 * Backpressure for the tees of the transfer code: a producer that writes one
 * chunk into several streams waits, after a write that returned false, until
 * that stream drained, or was closed or failed (whose consumer reports the
 * failure itself) — never forever.
 */
import type { Writable } from 'node:stream';

export function waitWritable(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.writableEnded || !stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
