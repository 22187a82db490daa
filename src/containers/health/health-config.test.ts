import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration, healthPlan, mergeHealthcheck, validateHealthcheck } from './health-config.js';

const S = 1_000_000_000;

test("Docker's defaults: 30s interval and timeout, 3 retries, 5s start interval", () => {
  assert.deepEqual(healthPlan({ Test: ['CMD-SHELL', 'curl -f localhost'] }), {
    argv: ['/bin/sh', '-c', 'curl -f localhost'],
    intervalMs: 30_000,
    timeoutMs: 30_000,
    startPeriodMs: 0,
    startIntervalMs: 5_000,
    retries: 3,
  });
});

test('CMD runs as given; CMD-SHELL uses the SHELL; NONE and empty mean no check', () => {
  assert.deepEqual(healthPlan({ Test: ['CMD', 'test', '-e', '/x'], Interval: 2 * S, Retries: 1 })?.argv, ['test', '-e', '/x']);
  assert.deepEqual(healthPlan({ Test: ['CMD-SHELL', 'a', 'b'] }, ['/bin/bash', '-ec'])?.argv, ['/bin/bash', '-ec', 'a b']);
  assert.equal(healthPlan({ Test: ['NONE'] }), undefined);
  assert.equal(healthPlan({ Test: [] }), undefined);
  assert.equal(healthPlan(undefined), undefined);
  assert.equal(healthPlan({ Test: ['CMD-SHELL', 'x'], Interval: 200_000_000 })?.intervalMs, 200);
});

test("the user's healthcheck over the image's, zero fields from the image", () => {
  const image = { Test: ['CMD', 'check'], Interval: 5 * S, Retries: 4 };
  assert.deepEqual(mergeHealthcheck({ Interval: 1 * S }, image), { Test: ['CMD', 'check'], Interval: 1 * S, Retries: 4 });
  assert.deepEqual(mergeHealthcheck({ Test: ['NONE'] }, image), { Test: ['NONE'], Interval: 5 * S, Retries: 4 });
  assert.deepEqual(mergeHealthcheck(undefined, image), image);
});

test("bad values get Docker's messages", () => {
  assert.throws(() => validateHealthcheck({ Interval: 500 }), /Interval in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthcheck({ Timeout: 10 }), /Timeout in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthcheck({ Retries: -1 }), /Retries in Healthcheck cannot be negative/);
  assert.throws(() => validateHealthcheck({ Test: ['WHAT', 'x'] }), /unknown Healthcheck type 'WHAT'/);
  assert.throws(() => validateHealthcheck({ Test: ['CMD'] }), /needs a command/);
  validateHealthcheck({ Test: ['NONE'], Interval: 0 });
});

test('timeouts print as Go durations', () => {
  assert.equal(goDuration(300), '300ms');
  assert.equal(goDuration(30_000), '30s');
  assert.equal(goDuration(1500), '1.5s');
  assert.equal(goDuration(90_000), '1m30s');
});
