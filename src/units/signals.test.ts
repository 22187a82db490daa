import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { isValidSignal, parseSignal, signalName, SIGNALS } from './signals.js';

test('parseSignal reads names with or without SIG, in any case, and numbers', () => {
  assert.equal(parseSignal('SIGKILL'), 9);
  assert.equal(parseSignal('KILL'), 9);
  assert.equal(parseSignal('kill'), 9);
  assert.equal(parseSignal('sigterm'), 15);
  assert.equal(parseSignal('9'), 9);
  assert.equal(parseSignal('SIGWINCH'), 28);
  assert.equal(parseSignal('CLD'), 17);
  assert.equal(parseSignal('POLL'), 29);
  assert.equal(parseSignal('IOT'), 6);
  assert.equal(parseSignal('RTMIN'), 34);
  assert.equal(parseSignal('SIGRTMIN+3'), 37);
  assert.equal(parseSignal('rtmax-1'), 63);
  assert.equal(parseSignal('RTMAX'), 64);
  // Numbers are taken as is, as moby does; the daemon checks them later.
  assert.equal(parseSignal('99'), 99);
});

test('parseSignal refuses 0 and unknown names with Docker wording', () => {
  for (const s of ['0', 'NOPE', 'SIG', '', 'SIGSIGKILL', 'RTMIN+16', '9x']) {
    assert.throws(() => parseSignal(s), (err: unknown) => err instanceof InvalidArgumentError && err.message === `invalid signal: ${s}`, s);
  }
});

test('signalName gives the canonical name, never an alias', () => {
  assert.equal(signalName(9), 'SIGKILL');
  assert.equal(signalName(6), 'SIGABRT');
  assert.equal(signalName(17), 'SIGCHLD');
  assert.equal(signalName(29), 'SIGIO');
  assert.equal(signalName(34), 'SIGRTMIN');
  assert.equal(signalName(49), 'SIGRTMIN+15');
  assert.equal(signalName(50), 'SIGRTMAX-14');
  assert.equal(signalName(64), 'SIGRTMAX');
  assert.equal(signalName(99), 'signal 99');
});

test('every number from 1 to 64 except 32 and 33 is a Linux signal, and names round-trip', () => {
  for (let n = 1; n <= 64; n++) {
    assert.equal(isValidSignal(n), n !== 32 && n !== 33, String(n));
    if (isValidSignal(n)) assert.equal(parseSignal(signalName(n)), n);
  }
  assert.equal(SIGNALS.size, 62 + 3); // 62 numbers, plus the aliases IOT, CLD and POLL
});
