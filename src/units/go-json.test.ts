import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { goJsonString, goJsonStringify } from './go-json.js';

test('strings are escaped as Go escapes them, HTML characters by default', () => {
  assert.equal(goJsonString('<a href="x">&</a>'), '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
  assert.equal(goJsonString('<&>', false), '"<&>"');
  assert.equal(goJsonString('\b\f\n\r\t\x01\x1f\x7f'), '"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f"');
  assert.equal(goJsonString('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goJsonString('bad \ud800 pair'), '"bad \\ufffd pair"');
  assert.equal(goJsonString('ok 😀 é'), '"ok 😀 é"');
});

test('numbers follow encoding/json float formatting', () => {
  assert.equal(goJsonStringify(1), '1');
  assert.equal(goJsonStringify(1.5), '1.5');
  assert.equal(goJsonStringify(1e20), '100000000000000000000');
  assert.equal(goJsonStringify(1e21), '1e+21');
  assert.equal(goJsonStringify(1.5e-7), '1.5e-7');
  assert.equal(goJsonStringify(0.000001), '0.000001');
  assert.equal(goJsonStringify(-0), '-0');
  assert.equal(goJsonStringify(12345678901234567890n), '12345678901234567890');
  assert.throws(() => goJsonStringify(NaN), (err: unknown) => err instanceof InvalidArgumentError && err.message === 'json: unsupported value: NaN');
});

test('objects keep insertion order, Maps sort their keys', () => {
  // JS itself puts integer-like keys first; nothing can undo that for a plain object.
  assert.equal(goJsonStringify({ b: 1, a: 2, '10': 3, '9': 4 }), '{"9":4,"10":3,"b":1,"a":2}');
  assert.equal(goJsonStringify({ b: 1, a: 2 }), '{"b":1,"a":2}');
  assert.equal(goJsonStringify(new Map<string, unknown>([['b', 1], ['a', null], ['10', 'x'], ['9', 'y']])), '{"10":"x","9":"y","a":null,"b":1}');
});

test('undefined fields are left out of objects and become null elsewhere', () => {
  assert.equal(goJsonStringify({ a: undefined, b: () => 1, c: [undefined, 2] }), '{"c":[null,2]}');
  assert.equal(goJsonStringify(undefined), 'null');
  assert.equal(goJsonStringify(new Map([['a', undefined]])), '{"a":null}');
});

test('toJSON is used, as Go uses MarshalJSON', () => {
  assert.equal(goJsonStringify({ when: new Date(0) }), '{"when":"1970-01-01T00:00:00.000Z"}');
  assert.equal(goJsonStringify({ toJSON: () => new Map([['z', 1], ['y', 2]]) }), '{"y":2,"z":1}');
});

test('indent matches json.MarshalIndent', () => {
  const v = { Id: 'abc', Labels: {}, Env: [], Ports: [{ Port: 80 }] };
  assert.equal(
    goJsonStringify(v, { indent: '    ' }),
    '{\n    "Id": "abc",\n    "Labels": {},\n    "Env": [],\n    "Ports": [\n        {\n            "Port": 80\n        }\n    ]\n}',
  );
});

test('a cycle is an error, not a stack overflow', () => {
  const a: Record<string, unknown> = {};
  a.self = a;
  assert.throws(() => goJsonStringify(a), InvalidArgumentError);
});
