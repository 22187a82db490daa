import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { bytesSize, fromHumanSize, GiB, humanSize, humanSizeWithPrecision, KiB, MiB, parseBytes, PiB, TiB } from './bytes.js';

test('parseBytes reads binary multiples with optional b/ib suffix in any case', () => {
  assert.equal(parseBytes('12'), 12);
  assert.equal(parseBytes('32b'), 32);
  assert.equal(parseBytes('32B'), 32);
  assert.equal(parseBytes('6m'), 6 * MiB);
  assert.equal(parseBytes('32k'), 32 * KiB);
  assert.equal(parseBytes('32Kb'), 32 * KiB);
  assert.equal(parseBytes('32Kib'), 32 * KiB);
  assert.equal(parseBytes('32KIB'), 32 * KiB);
  assert.equal(parseBytes('100KB'), 100 * KiB);
  assert.equal(parseBytes('1GiB'), GiB);
  assert.equal(parseBytes('1.5g'), 1.5 * GiB);
  assert.equal(parseBytes('32Tb'), 32 * TiB);
  assert.equal(parseBytes('32P'), 32 * PiB);
  assert.equal(parseBytes('32.3'), 32);
  assert.equal(parseBytes('32.3 mb'), Math.trunc(32.3 * MiB));
  assert.equal(parseBytes('0.3MB'), Math.trunc(0.3 * MiB));
  assert.equal(parseBytes('-0'), 0);
});

test('parseBytes rejects what go-units rejects, with its wording', () => {
  const bad = (s: string, message: string) =>
    assert.throws(() => parseBytes(s), (err: unknown) => err instanceof InvalidArgumentError && err.message === message);
  bad('12qq', "invalid suffix: 'qq'");
  bad('32bm', "invalid suffix: 'bm'");
  bad('32kbb', "invalid suffix: 'kbb'");
  bad('32kx', "invalid suffix: 'kx'");
  bad('32m b', 'strconv.ParseFloat: parsing "32m": invalid syntax');
  bad('hello', "invalid size: 'hello'");
  bad('', "invalid size: ''");
  bad('-32', "invalid size: '-32'");
  bad(' 32 ', 'strconv.ParseFloat: parsing "": invalid syntax');
});

test('fromHumanSize reads decimal multiples', () => {
  assert.equal(fromHumanSize('32k'), 32_000);
  assert.equal(fromHumanSize('32.5 kB'), 32_500);
  assert.equal(fromHumanSize('.3kB'), 300);
  assert.equal(fromHumanSize('0. B'), 0);
  assert.throws(() => fromHumanSize('32 bb'), InvalidArgumentError);
});

test('humanSize prints decimal units with 4 significant digits', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(1024), '1.024kB');
  assert.equal(humanSize(4100), '4.1kB');
  assert.equal(humanSize(1048576), '1.049MB');
  assert.equal(humanSize(3.42e9), '3.42GB');
  assert.equal(humanSize(5.372e12), '5.372TB');
  assert.equal(humanSize(10000000000000 * 1e15), '1e+04YB');
});

test('humanSizeWithPrecision(n, 3) is the SIZE column of docker images', () => {
  assert.equal(humanSizeWithPrecision(1234567, 3), '1.23MB');
  assert.equal(humanSizeWithPrecision(4_261_000, 3), '4.26MB');
  assert.equal(humanSizeWithPrecision(999_600, 3), '1e+03kB');
  assert.equal(humanSizeWithPrecision(77_800_000, 3), '77.8MB');
});

test('bytesSize prints binary units', () => {
  assert.equal(bytesSize(1024), '1KiB');
  assert.equal(bytesSize(1.5 * MiB), '1.5MiB');
  assert.equal(bytesSize(3.42 * GiB), '3.42GiB');
  assert.equal(bytesSize(5.372 * TiB), '5.372TiB');
  assert.equal(bytesSize(KiB * KiB * KiB * KiB * KiB * PiB), '1.049e+06YiB');
});
