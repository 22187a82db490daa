import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatRfc3339Nano, nowNanos, nowRfc3339Nano, timeNanos } from './clock.js';

describe('container clock', () => {
  it("formats as Go's RFC3339Nano, trailing fraction zeros dropped", () => {
    assert.equal(formatRfc3339Nano(1_700_000_000_123_456_789n), '2023-11-14T22:13:20.123456789Z');
    assert.equal(formatRfc3339Nano(1_700_000_000_120_000_000n), '2023-11-14T22:13:20.12Z');
    assert.equal(formatRfc3339Nano(1_700_000_000_000_000_000n), '2023-11-14T22:13:20Z');
  });

  it('reads times back exactly, whatever the fraction length', () => {
    assert.equal(timeNanos('2023-11-14T22:13:20.123456789Z'), 1_700_000_000_123_456_789n);
    assert.equal(timeNanos('2023-11-14T22:13:20.12Z'), 1_700_000_000_120_000_000n);
    assert.equal(timeNanos('2023-11-14T22:13:20Z'), 1_700_000_000_000_000_000n);
    assert.equal(timeNanos('0001-01-01T00:00:00Z'), -62_135_596_800_000_000_000n);
    assert.equal(timeNanos('not a time'), 0n);
  });

  it('issues strictly increasing times that stay with the wall clock', () => {
    const times = Array.from({ length: 1000 }, () => nowNanos());
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!);
    const drift = Number(nowNanos() / 1_000_000n) - Date.now();
    assert.ok(Math.abs(drift) <= 2, `drift ${drift}ms`);
    assert.match(nowRfc3339Nano(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  });
});
