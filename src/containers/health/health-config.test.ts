import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthPlan, mergeHealthcheck, validateHealthcheck } from './health-config.js';

const S = 1_000_000_000;

test("Docker's defaults: 30s interval and timeout, 3 retries, 5s start interval", () => {
  assert.deepEqual(healthPlan({ Test: ['CMD-SHELL', 'curl -f localhost'] }), {
    argv: ['/bin/sh', '-c', 'curl -f localhost'],
    intervalMs: 30_000,
    timeoutMs: 30_000,
    timeoutNs: 30 * S,
    startPeriodMs: 0,
    startIntervalMs: 5_000,
    retries: 3,
  });
});

test('CMD runs as given; CMD-SHELL after the SHELL (Test[1:] appended, as moby); NONE, empty or unknown mean no check', () => {
  assert.deepEqual(healthPlan({ Test: ['CMD', 'test', '-e', '/x'], Interval: 2 * S, Retries: 1 })?.argv, ['test', '-e', '/x']);
  assert.deepEqual(healthPlan({ Test: ['CMD-SHELL', 'exit 1'] })?.argv, ['/bin/sh', '-c', 'exit 1']);
  assert.deepEqual(healthPlan({ Test: ['CMD-SHELL', 'a', 'b'] }, ['/bin/bash', '-ec'])?.argv, ['/bin/bash', '-ec', 'a', 'b']);
  assert.equal(healthPlan({ Test: ['CMD'] }), undefined);
  assert.equal(healthPlan({ Test: ['WHAT', 'x'] }), undefined);
  assert.equal(healthPlan({ Test: ['NONE'] }), undefined);
  assert.equal(healthPlan({ Test: [] }), undefined);
  assert.equal(healthPlan(undefined), undefined);
  assert.equal(healthPlan({ Test: ['CMD-SHELL', 'x'], Interval: 200_000_000 })?.intervalMs, 200);
  // A sub-millisecond remainder rounds up: the monitor counts whole milliseconds.
  assert.equal(healthPlan({ Test: ['CMD-SHELL', 'x'], Timeout: 1_500_000 })?.timeoutMs, 2);
  assert.equal(healthPlan({ Test: ['CMD-SHELL', 'x'], StartPeriod: 2 * S, StartInterval: S / 10 })?.startIntervalMs, 100);
});

test("the user's healthcheck over the image's, zero fields from the image", () => {
  const image = { Test: ['CMD', 'check'], Interval: 5 * S, Retries: 4 };
  assert.deepEqual(mergeHealthcheck({ Interval: 1 * S }, image), { Test: ['CMD', 'check'], Interval: 1 * S, Retries: 4 });
  assert.deepEqual(mergeHealthcheck({ Test: ['NONE'] }, image), { Test: ['NONE'], Interval: 5 * S, Retries: 4 });
  assert.deepEqual(mergeHealthcheck(undefined, image), image);
  // Zero fields are left out, as Go's omitempty does (the berth CLI sends zeros, docker's does not).
  assert.deepEqual(mergeHealthcheck({ Test: ['CMD-SHELL', 'x'], Interval: 0, Timeout: 0, StartPeriod: 0, StartInterval: 0, Retries: 0 }, undefined), { Test: ['CMD-SHELL', 'x'] });
});

test("bad values get Docker's messages", () => {
  assert.throws(() => validateHealthcheck({ Interval: 500 }), /Interval in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthcheck({ Timeout: 10 }), /Timeout in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthcheck({ Retries: -1 }), { name: "InvalidArgumentError", message: "Retries in Healthcheck cannot be negative" });
  assert.throws(() => validateHealthcheck({ StartPeriod: 999_999 }), /StartPeriod in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthcheck({ StartInterval: 1 }), /StartInterval in Healthcheck cannot be less than 1ms/);
  assert.throws(() => validateHealthcheck({ Test: 'CMD true' as unknown as string[] }), /Test must be a list of strings/);
  // As moby: zero means "the default", exactly 1ms is allowed, and an unknown kind is not refused.
  validateHealthcheck({ Test: ['NONE'], Interval: 0, Timeout: 1_000_000 });
  validateHealthcheck({ Test: ['WHAT', 'x'] });
});
