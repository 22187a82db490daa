import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatEventTime, parseEventTime, parseEventWindow } from './event-time.js';

const NOW = new Date('2026-01-02T03:04:05.000Z');

describe('events since/until', () => {
  it('reads unix seconds, with a fraction of up to nine digits (more are cut)', () => {
    assert.equal(parseEventTime('1700000000', 'since', NOW), 1_700_000_000_000_000_000n);
    assert.equal(parseEventTime('1700000000.5', 'since', NOW), 1_700_000_000_500_000_000n);
    assert.equal(parseEventTime('1700000000.000000001', 'since', NOW), 1_700_000_000_000_000_001n);
    assert.equal(parseEventTime('1700000000.1234567891', 'since', NOW), 1_700_000_000_123_456_789n);
    assert.equal(parseEventTime('0', 'since', NOW), 0n);
  });

  it('also reads what the CLI would have converted: RFC 3339 and durations', () => {
    assert.equal(parseEventTime('2026-01-02T03:04:05.25Z', 'until', NOW), BigInt(Date.parse('2026-01-02T03:04:05Z')) * 1_000_000n + 250_000_000n);
    assert.equal(parseEventTime('2026-01-02T03:04:05+01:00', 'until', NOW), BigInt(Date.parse('2026-01-02T02:04:05Z')) * 1_000_000n);
    assert.equal(parseEventTime('10m', 'since', NOW), BigInt(NOW.getTime() / 1000 - 600) * 1_000_000_000n);
  });

  it('treats absent and empty as no bound', () => {
    assert.equal(parseEventTime(null, 'since', NOW), undefined);
    assert.equal(parseEventTime('', 'until', NOW), undefined);
  });

  it('names the parameter in a bad value’s error', () => {
    assert.throws(() => parseEventTime('yesterday', 'since', NOW), {
      name: 'InvalidArgumentError',
      message: `invalid value for 'since': failed to parse value as time or duration: "yesterday"`,
    });
  });

  it('refuses since after until, quoting both as given', () => {
    assert.throws(() => parseEventWindow(new URLSearchParams('since=20&until=10'), NOW), {
      message: '`since` time (20) cannot be after `until` time (10)',
    });
    assert.deepEqual(parseEventWindow(new URLSearchParams('since=10&until=10'), NOW), { since: 10_000_000_000n, until: 10_000_000_000n });
    assert.deepEqual(parseEventWindow(new URLSearchParams(''), NOW), {});
  });

  it('formats nanoseconds back to the API form', () => {
    assert.equal(formatEventTime(1_700_000_000_000_000_001n), '1700000000.000000001');
    assert.equal(parseEventTime(formatEventTime(1_234_567_890_123_456_789n), 'since', NOW), 1_234_567_890_123_456_789n);
  });
});
