import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { formatProgress, rfc3339NanoFixed } from './progress-bar.js';

const savedTz = process.env['TZ'];
after(() => {
  if (savedTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedTz;
});

const BAR_10 = `[=====>${' '.repeat(45)}] `;

describe('progress text (moby JSONProgress.String)', () => {
  it('is empty with neither current nor total, which keeps the message off a terminal', () => {
    assert.equal(formatProgress({}, 200), '');
    assert.equal(formatProgress({ current: 0, total: 0 }, 200), '');
  });

  it('shows the bar only on terminals wider than 110 columns', () => {
    assert.equal(formatProgress({ current: 1_100_000, total: 2_152_262 }, 111), `[=========================>${' '.repeat(25)}]    1.1MB/2.152MB`);
    assert.equal(formatProgress({ current: 1_100_000, total: 2_152_262 }, 110), '   1.1MB/2.152MB');
  });

  it('caps the bar at 50 cells and drops a total that current passed', () => {
    assert.equal(formatProgress({ current: 3000, total: 2000 }, 120), `[${'='.repeat(50)}>]      3kB`);
    assert.equal(formatProgress({ current: 3000, total: 2000, units: 'items' }, 80), '3000 items');
  });

  it('counts in the given units, or hides the counts', () => {
    assert.equal(formatProgress({ current: 10, total: 100, units: 'items' }, 120), `${BAR_10}10/100 items`);
    assert.equal(formatProgress({ current: 10, total: 100, hidecounts: true }, 120), BAR_10);
    assert.equal(formatProgress({ current: 1000 }, 120), '     1kB');
    assert.equal(formatProgress({ current: 7, units: 'items' }, 120), '7 items');
  });

  it('estimates the time left from the start time, truncated to seconds, on terminals wider than 50', () => {
    const now = 1_700_000_100_000;
    const p = { current: 10, total: 100, start: 1_700_000_000 };
    assert.equal(formatProgress(p, 120, now), `${BAR_10}     10B/100B 15m0s`);
    assert.equal(formatProgress(p, 51, now), '     10B/100B 15m0s');
    assert.equal(formatProgress(p, 50, now), '     10B/100B');
    assert.equal(formatProgress({ ...p, current: 3 }, 60, now + 500), '      3B/100B 54m9s');
    assert.equal(formatProgress({ ...p, current: 100 }, 120, now), `[${'='.repeat(50)}>]     100B/100B`);
  });
});

describe('message time stamps (RFC3339NanoFixed, local zone)', () => {
  it('writes UTC as Z with nine fraction digits', () => {
    process.env['TZ'] = 'UTC';
    assert.equal(rfc3339NanoFixed(1_700_000_000, 0), '2023-11-14T22:13:20.000000000Z');
    assert.equal(rfc3339NanoFixed(1_700_000_000, 123_456), '2023-11-14T22:13:20.000123456Z');
  });

  it('writes other zones as an offset', () => {
    process.env['TZ'] = 'Asia/Kolkata';
    assert.equal(rfc3339NanoFixed(1_700_000_000, 5), '2023-11-15T03:43:20.000000005+05:30');
    process.env['TZ'] = 'America/New_York';
    assert.equal(rfc3339NanoFixed(1_700_000_000, 0), '2023-11-14T17:13:20.000000000-05:00');
  });
});
