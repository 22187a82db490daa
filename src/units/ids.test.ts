import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateName, NAME_ADJECTIVES, NAME_SCIENTISTS, newContainerId, shortId } from './ids.js';

test('newContainerId makes 64 lower-case hex digits, different each time', () => {
  const a = newContainerId();
  const b = newContainerId();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, b);
});

test('newContainerId never returns an id whose short form is all digits', () => {
  const draws = [Buffer.alloc(32, 0x11), Buffer.alloc(32, 0x1a)];
  let calls = 0;
  const id = newContainerId(() => draws[calls++]!);
  assert.equal(calls, 2);
  assert.equal(id, '1a'.repeat(32));
});

test('shortId keeps 12 characters and drops an algorithm prefix', () => {
  assert.equal(shortId('90e0c2b4f1a1d5fa3e7d5a3b1c0ffee0123456789abcdef0123456789abcdef0'), '90e0c2b4f1a1');
  assert.equal(shortId('sha256:90e0c2b4f1a1d5fa3e7d'), '90e0c2b4f1a1');
  assert.equal(shortId('abc'), 'abc');
});

test('generateName picks adjective_scientist from the given random source', () => {
  assert.equal(generateName({ randomInt: () => 0 }), `${NAME_ADJECTIVES[0]}_${NAME_SCIENTISTS[0]}`);
  const seq = [3, 5, 7];
  let i = 0;
  assert.equal(generateName({ retry: 1, randomInt: () => seq[i++]! }), `${NAME_ADJECTIVES[3]}_${NAME_SCIENTISTS[5]}7`);
});

test('every generated name is a valid container name', () => {
  assert.ok(NAME_ADJECTIVES.length >= 50 && NAME_SCIENTISTS.length >= 50);
  assert.equal(new Set(NAME_ADJECTIVES).size, NAME_ADJECTIVES.length);
  assert.equal(new Set(NAME_SCIENTISTS).size, NAME_SCIENTISTS.length);
  for (const word of [...NAME_ADJECTIVES, ...NAME_SCIENTISTS]) assert.match(word, /^[a-z]+$/);
  for (let n = 0; n < 50; n++) assert.match(generateName({ retry: n % 2 }), /^[a-z]+_[a-z]+\d?$/);
});
