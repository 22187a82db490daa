import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTypeName, sprint, sprintf, sprintln } from './go-fmt.js';

const f = (format: string, ...args: unknown[]) => sprintf(format, args);

test('integers: width, flags and bases as Go prints them', () => {
  assert.equal(f('%5d|%-5d|%05d', 42, 42, 42), '   42|42   |00042');
  assert.equal(f('%+d % d %05d', 5, 5, -42), '+5  5 -0042');
  assert.equal(f('%x %X %#x %x', 255, 255, 255, -255), 'ff FF 0xff -ff');
  assert.equal(f('%o %#o %O %b', 8, 8, 8, 5), '10 010 0o10 101');
  assert.equal(f('%c %q %U %#U', 65, 65, 0x1f600, 65), "A 'A' U+1F600 U+0041 'A'");
  assert.equal(f('%.3d|%.0d|', 7, 0), '007||');
  assert.equal(f('%d', 12345678901234567890n), '12345678901234567890');
});

test('floats: precision, padding, exponent forms, non-finite values', () => {
  assert.equal(f('%.2f|%8.3f|%-8.2f|', 3.14159, 3.14159, 3.14159), '3.14|   3.142|3.14    |');
  assert.equal(f('%e %g %G', 1234.5678, 1234.5678, 1e-7), '1.234568e+03 1234.5678 1E-07');
  assert.equal(f('%08.3f %+.1f %6.2f%%', -3.14159, 2, 3.14159), '-003.142 +2.0   3.14%');
  assert.equal(f('%v %v %v', 1.5, 0.000001, 1.5e300), '1.5 1e-06 1.5e+300');
  assert.equal(f('%v %f %5.1f', Infinity, NaN, -Infinity), '+Inf NaN  -Inf');
  assert.equal(f('%.0f %.0f', 2.5, 3.5), '2 4');
});

test('strings: %s %q %x with precision and width', () => {
  assert.equal(f('%s|%5s|%-5s|%05s', 'ab', 'ab', 'ab', 'ab'), 'ab|   ab|ab   |000ab');
  assert.equal(f('%q %#q %.2s', 'hi"x', 'hi', 'héllo'), '"hi\\"x" `hi` hé');
  assert.equal(f('%x % x %X %#x', 'hi', 'hi', 'hi', 'hi'), '6869 68 69 6869 0x680x69');
});

test('other kinds: bools, nil, slices, maps, %T', () => {
  assert.equal(f('%t %v', true, false), 'true false');
  assert.equal(f('%v %s %d', null, null, undefined), '<nil> %!s(<nil>) %!d(<nil>)');
  assert.equal(f('%v %s %q %d', [1, 'a'], ['a', 'b'], ['a'], [1, 2]), '[1 a] [a b] ["a"] [1 2]');
  assert.equal(f('%v %v', { b: 1, a: 2 }, new Map([['z', [1]], ['y', null]])), 'map[a:2 b:1] map[y:<nil> z:[1]]');
  assert.equal(f('%T %T %T %T %T %T', 'x', 1, 1.5, [1], {}, null), 'string int float64 []interface {} map[string]interface {} <nil>');
});

test('Stringers and errors print through their text', () => {
  class Size {
    toString() {
      return '4kB';
    }
  }
  assert.equal(f('%v %s', new Size(), new Error('boom')), '4kB boom');
  assert.equal(goTypeName(new Size()), '*Size');
});

test('mistakes are reported inline as Go does', () => {
  assert.equal(f('%d %s %z', 'x', 5, 5), '%!d(string=x) %!s(int=5) %!z(int=5)');
  assert.equal(f('%d %d', 1), '1 %!d(MISSING)');
  assert.equal(f('%d', 1, 'a', null), '1%!(EXTRA string=a, <nil>)');
  assert.equal(f('100%'), '100%!(NOVERB)');
  assert.equal(f('%%d', 1), '%d%!(EXTRA int=1)');
  assert.equal(f('%d', 1.5), '%!d(float64=1.5)');
});

test('* takes width and precision from the arguments', () => {
  assert.equal(f('%*d|%-*d|%.*f', 5, 42, 5, 42, 2, 3.14159), '   42|42   |3.14');
  assert.equal(f('%*d', 'x', 1), '%!(BADWIDTH)1');
});

test('Sprint spaces operands when neither is a string; Sprintln always does', () => {
  assert.equal(sprint(['a', 1, 2, 'b']), 'a1 2b');
  assert.equal(sprint([1, 2]), '1 2');
  assert.equal(sprintln(['a', 1]), 'a 1\n');
  assert.equal(sprintln([]), '\n');
});
