import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { humanDuration, parseGoDuration, parseGoDurationNanos } from './duration.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

test('humanDuration reads like go-units HumanDuration', () => {
  const cases: [number, string][] = [
    [-5 * SECOND, 'Less than a second'],
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [1 * SECOND, '1 second'],
    [1999, '1 second'],
    [15 * SECOND, '15 seconds'],
    [59 * SECOND, '59 seconds'],
    [60 * SECOND, 'About a minute'],
    [119 * SECOND, 'About a minute'],
    [3 * MINUTE, '3 minutes'],
    [59 * MINUTE, '59 minutes'],
    [60 * MINUTE, 'About an hour'],
    [89 * MINUTE, 'About an hour'],
    [90 * MINUTE, '2 hours'],
    [47 * HOUR, '47 hours'],
    [48 * HOUR, '2 days'],
    [13 * DAY, '13 days'],
    [14 * DAY, '2 weeks'],
    [3 * 7 * DAY, '3 weeks'],
    [59 * DAY, '8 weeks'],
    [60 * DAY, '2 months'],
    [4 * 30 * DAY, '4 months'],
    [729 * DAY, '24 months'],
    [2 * 365 * DAY, '2 years'],
    [3 * 365 * DAY + 100 * DAY, '3 years'],
  ];
  for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, `humanDuration(${ms})`);
});

test('parseGoDuration reads Go durations into milliseconds', () => {
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('2h'), 7_200_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('-1.5h'), -5_400_000);
  assert.equal(parseGoDuration('+5s'), 5000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('-0'), 0);
  assert.equal(parseGoDuration('.5m'), 30_000);
  assert.equal(parseGoDuration('1.m'), 60_000);
  assert.equal(parseGoDuration('3µs'), 0.003);
  assert.equal(parseGoDuration('3μs'), 0.003);
  assert.equal(parseGoDurationNanos('1h2m3s4ms5us6ns'), 3_723_004_005_006);
  assert.equal(parseGoDurationNanos('0.3333333333333333333h'), 1_200_000_000_000);
});

test('parseGoDuration rejects what Go rejects, with Go wording', () => {
  const bad = (s: string, message: string) =>
    assert.throws(() => parseGoDuration(s), (err: unknown) => err instanceof InvalidArgumentError && err.message === message);
  bad('', 'time: invalid duration ""');
  bad('3', 'time: missing unit in duration "3"');
  bad('1d', 'time: unknown unit "d" in duration "1d"');
  bad('.s', 'time: invalid duration ".s"');
  bad('-', 'time: invalid duration "-"');
  bad('1h-5m', 'time: unknown unit "h-" in duration "1h-5m"');
  bad('9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"');
  bad('3000000h', 'time: invalid duration "3000000h"');
  bad('1é', 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"');
});

test('the largest negative duration is accepted, as in Go', () => {
  assert.equal(parseGoDurationNanos('-9223372036854775808ns'), -9223372036854775808);
});
