import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { getTimestamp, parseTimestamp, parseUnixTimestamp } from './timestamp.js';

const NOW = new Date('2024-03-10T12:00:00.000Z');

test('getTimestamp turns RFC 3339-like values into seconds.nanoseconds (moby cases, UTC local zone)', () => {
  const cases: [string, string][] = [
    ['2006-01-02T15:04:05.999999999+07:00', '1136189045.999999999'],
    ['2006-01-02T15:04:05.999999999Z', '1136214245.999999999'],
    ['2006-01-02T15:04:05.999999999', '1136214245.999999999'],
    ['2006-01-02T15:04:05Z', '1136214245.000000000'],
    ['2006-01-02T15:04:05', '1136214245.000000000'],
    ['2006-01-02T15:04Z', '1136214240.000000000'],
    ['2006-01-02T15:04+00:00', '1136214240.000000000'],
    ['2006-01-02T15:04-00:00', '1136214240.000000000'],
    ['2006-01-02T15:04', '1136214240.000000000'],
    ['2006-01-02T15Z', '1136214000.000000000'],
    ['2006-01-02T15+00:00', '1136214000.000000000'],
    ['2006-01-02T15-00:00', '1136214000.000000000'],
    ['2006-01-02T15', '1136214000.000000000'],
    ['2006-01-02T1Z', '1136163600.000000000'],
    ['2006-01-02T1', '1136163600.000000000'],
    ['2006-01-02+00:00', '1136160000.000000000'],
    ['2006-01-02-00:00', '1136160000.000000000'],
    ['2006-01-02-00:01', '1136160060.000000000'],
    ['2006-01-02Z', '1136160000.000000000'],
    ['2006-01-02', '1136160000.000000000'],
    ['2015-05-13T20:39:09Z', '1431549549.000000000'],
    ['2006-01-02T15:04:05.5Z', '1136214245.500000000'],
    ['2006-01-02T15:04:05.1234567891234Z', '1136214245.123456789'],
  ];
  for (const [value, expected] of cases) assert.equal(getTimestamp(value, NOW, 0), expected, value);
});

test('getTimestamp without a zone uses the given local offset', () => {
  assert.equal(getTimestamp('2006-01-02T15:04:05', NOW, 120), '1136207045.000000000');
  assert.equal(getTimestamp('2006-01-02', NOW, -300), '1136178000.000000000');
  // A value with a zone ignores the local offset.
  assert.equal(getTimestamp('2006-01-02T15:04:05Z', NOW, 120), '1136214245.000000000');
});

test('getTimestamp passes Unix timestamps through and counts durations back from now', () => {
  assert.equal(getTimestamp('1136073600', NOW, 0), '1136073600');
  assert.equal(getTimestamp('1136073600.000000001', NOW, 0), '1136073600.000000001');
  const nowSeconds = NOW.getTime() / 1000;
  assert.equal(getTimestamp('1m', NOW, 0), String(nowSeconds - 60));
  assert.equal(getTimestamp('1.5h', NOW, 0), String(nowSeconds - 5400));
  assert.equal(getTimestamp('1h30m', NOW, 0), String(nowSeconds - 5400));
  assert.equal(getTimestamp('0', NOW, 0), '0');
});

test('getTimestamp errors as Docker does', () => {
  const bad = (value: string, message: string | RegExp) =>
    assert.throws(() => getTimestamp(value, NOW, 0), (err: unknown) =>
      err instanceof InvalidArgumentError && (typeof message === 'string' ? err.message === message : message.test(err.message)));
  bad('2006-01-02T15:04:0Z', 'parsing time "2006-01-02T15:04:0Z" as "2006-01-02T15:04:05Z07:00": cannot parse "0Z" as "05"');
  bad('2006-01-02T15:0+01:00', 'parsing time "2006-01-02T15:0+01:00" as "2006-01-02T15:04Z07:00": cannot parse "0+01:00" as "04"');
  bad('2006-01-02T15:04:05+1:00', 'parsing time "2006-01-02T15:04:05+1:00" as "2006-01-02T15:04:05Z07:00": cannot parse "+1:00" as "Z07:00"');
  bad('2006-01x02', 'parsing time "2006-01x02" as "2006-01-02": cannot parse "x02" as "-"');
  bad('2006/01/02', 'failed to parse value as time or duration: "2006/01/02"');
  bad('2006-01-02T15:04:0', /^parsing time "2006-01-02T15:04:0"/);
  bad('2006-01-02T15:0Z', /^parsing time/);
  bad('2006-01-02TZ', /^parsing time/);
  bad('2006-01-02T', /^parsing time/);
  bad('2024-13-01', 'parsing time "2024-13-01": month out of range');
  bad('2023-02-29', 'parsing time "2023-02-29": day out of range');
  bad('2006-01-02T25:00', 'parsing time "2006-01-02T25:00": hour out of range');
  bad('2006-01-02x', 'parsing time "2006-01-02x": extra text: "x"');
  bad('invalid', 'failed to parse value as time or duration: "invalid"');
  bad('', 'failed to parse value as time or duration: ""');
  bad('12.ab', 'failed to parse value as time or duration: "12.ab"');
});

test('leap days are accepted in leap years', () => {
  assert.equal(getTimestamp('2024-02-29', NOW, 0), '1709164800.000000000');
  assert.equal(getTimestamp('2000-02-29', NOW, 0), '951782400.000000000');
});

test('parseTimestamp gives seconds as a number', () => {
  assert.equal(parseTimestamp('1700000000.5', NOW, 0), 1700000000.5);
  assert.equal(parseTimestamp('10m', NOW, 0), NOW.getTime() / 1000 - 600);
  assert.equal(parseTimestamp('2006-01-02T15:04:05.25Z', NOW, 0), 1136214245.25);
});

test('parseUnixTimestamp reads the API form the way the daemon does', () => {
  assert.deepEqual(parseUnixTimestamp('1136073600'), { seconds: 1136073600, nanos: 0 });
  assert.deepEqual(parseUnixTimestamp('1136073600.000000001'), { seconds: 1136073600, nanos: 1 });
  assert.deepEqual(parseUnixTimestamp('1136073600.5'), { seconds: 1136073600, nanos: 500_000_000 });
  assert.deepEqual(parseUnixTimestamp('1136073600.05'), { seconds: 1136073600, nanos: 50_000_000 });
  assert.throws(() => parseUnixTimestamp('abc'), { message: 'strconv.ParseInt: parsing "abc": invalid syntax' });
});
