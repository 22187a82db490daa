import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthSuffix, recordResult, startingHealth, type HealthResult } from './health-state.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number, code: number): HealthResult => ({ Start: new Date(T0 + ms).toISOString(), End: new Date(T0 + ms + 5).toISOString(), ExitCode: code, Output: '' });
const opts = { retries: 2, startPeriodMs: 0, startedAtMs: T0 };

test('starting → healthy on a pass; `retries` failures in a row → unhealthy; a pass clears the streak', () => {
  let h = startingHealth(undefined);
  h = recordResult(h, at(100, 0), opts);
  assert.equal(h.Status, 'healthy');
  h = recordResult(h, at(200, 1), opts);
  assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 1]);
  h = recordResult(h, at(300, 1), opts);
  assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
  h = recordResult(h, at(400, 0), opts);
  assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0]);
});

test('failures inside the start period do not count while still starting', () => {
  const o = { ...opts, startPeriodMs: 1000 };
  let h = startingHealth(undefined);
  h = recordResult(h, at(100, 1), o);
  h = recordResult(h, at(500, 1), o);
  assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ['starting', 0, 2]);
  h = recordResult(h, at(1100, 1), o);
  h = recordResult(h, at(1200, 1), o);
  assert.equal(h.Status, 'unhealthy');
});

test('the log keeps the last five results; a restart keeps the log and starts over', () => {
  let h = startingHealth(undefined);
  for (let i = 0; i < 8; i++) h = recordResult(h, at(i * 100, i % 2), opts);
  assert.equal(h.Log.length, 5);
  assert.equal(h.Log[0]!.Start, at(300, 0).Start);
  const again = startingHealth(h);
  assert.deepEqual([again.Status, again.FailingStreak, again.Log.length], ['starting', 0, 5]);
});

test("ps's suffix", () => {
  assert.equal(healthSuffix(undefined), '');
  assert.equal(healthSuffix(startingHealth(undefined)), ' (health: starting)');
  assert.equal(healthSuffix({ Status: 'unhealthy', FailingStreak: 3, Log: [] }), ' (unhealthy)');
});
