import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloat, parseGoFloat, parseGoInt, quote } from './go-strconv.js';

test('%f rounds the exact binary value half to even, as Go does', () => {
  assert.equal(formatFloat(2.5, 'f', 0), '2');
  assert.equal(formatFloat(3.5, 'f', 0), '4');
  assert.equal(formatFloat(0.125, 'f', 2), '0.12');
  assert.equal(formatFloat(0.375, 'f', 2), '0.38');
  // 0.005 is stored slightly above 0.005, so it rounds up.
  assert.equal(formatFloat(0.005, 'f', 2), '0.01');
  assert.equal(formatFloat(1e-10, 'f', 2), '0.00');
  assert.equal(formatFloat(123.456, 'f', 6), '123.456000');
  assert.equal(formatFloat(0, 'f', 2), '0.00');
});

test('%e pads the mantissa and writes a two-digit exponent', () => {
  assert.equal(formatFloat(1.5, 'e', 6), '1.500000e+00');
  assert.equal(formatFloat(123.456, 'e', 3), '1.235e+02');
  assert.equal(formatFloat(0, 'e', 2), '0.00e+00');
  assert.equal(formatFloat(1e-7, 'e', -1), '1e-07');
  assert.equal(formatFloat(1.5e300, 'E', -1), '1.5E+300');
});

test('%g with a precision trims zeros and switches to %e at the precision', () => {
  assert.equal(formatFloat(1, 'g', 4), '1');
  assert.equal(formatFloat(1.024, 'g', 4), '1.024');
  assert.equal(formatFloat(1.048576, 'g', 4), '1.049');
  assert.equal(formatFloat(1000, 'g', 4), '1000');
  assert.equal(formatFloat(10000, 'g', 4), '1e+04');
  assert.equal(formatFloat(999.96, 'g', 4), '1000');
  assert.equal(formatFloat(999.96, 'g', 3), '1e+03');
  assert.equal(formatFloat(12345, 'g', 4), '1.234e+04'); // exact tie: half to even
  assert.equal(formatFloat(0.5, 'g', 0), '0.5');
});

test('shortest %g (%v) uses %e from exponent 6 and below -4', () => {
  assert.equal(formatFloat(123456, 'g', -1), '123456');
  assert.equal(formatFloat(1e6, 'g', -1), '1e+06');
  assert.equal(formatFloat(1234567, 'g', -1), '1.234567e+06');
  assert.equal(formatFloat(0.0001, 'g', -1), '0.0001');
  assert.equal(formatFloat(0.00001, 'g', -1), '1e-05');
  assert.equal(formatFloat(0.1 + 0.2, 'g', -1), '0.30000000000000004');
  assert.equal(formatFloat(-0, 'g', -1), '-0');
  assert.equal(formatFloat(1e20, 'f', -1), '100000000000000000000');
});

test('non-finite values print as Go prints them', () => {
  assert.equal(formatFloat(NaN, 'g', -1), 'NaN');
  assert.equal(formatFloat(Infinity, 'f', 2), '+Inf');
  assert.equal(formatFloat(-Infinity, 'e', 2), '-Inf');
});

test('parseGoFloat accepts Go decimal syntax and rejects the rest with strconv wording', () => {
  assert.equal(parseGoFloat('1.5'), 1.5);
  assert.equal(parseGoFloat('.5'), 0.5);
  assert.equal(parseGoFloat('1.'), 1);
  assert.equal(parseGoFloat('+1e3'), 1000);
  assert.throws(() => parseGoFloat('1.2.3'), { message: 'strconv.ParseFloat: parsing "1.2.3": invalid syntax' });
  assert.throws(() => parseGoFloat(''), { message: 'strconv.ParseFloat: parsing "": invalid syntax' });
  assert.throws(() => parseGoFloat('1e400'), { message: 'strconv.ParseFloat: parsing "1e400": value out of range' });
});

test('parseGoInt reads base-10 int64 with strconv wording on failure', () => {
  assert.equal(parseGoInt('-42'), -42);
  assert.throws(() => parseGoInt('4x'), { message: 'strconv.ParseInt: parsing "4x": invalid syntax' });
  assert.throws(() => parseGoInt('9223372036854775808'), /value out of range/);
});

test('quote escapes like strconv.Quote', () => {
  assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quote('tab\there\n'), '"tab\\there\\n"');
  assert.equal(quote('\x01\x7f'), '"\\x01\\x7f"');
  assert.equal(quote('héllo ☃'), '"héllo ☃"');
  assert.equal(quote('\u2028'), '"\\u2028"');
  assert.equal(quote('\u{e0001}'), '"\\U000e0001"');
  assert.equal(quote("it's", "'"), "'it\\'s'");
});
