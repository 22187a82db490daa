import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors.js';
import { checkExposure, isLoopbackHost, parseListenAddress } from './listen-address.js';

test('parses host:port, [v6]:port and :port', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 });
  assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListenAddress(':5000'), { host: '', port: 5000 });
  assert.deepEqual(parseListenAddress('localhost:80'), { host: 'localhost', port: 80 });
  for (const bad of ['5000', '1.2.3.4', 'h:99999', '[nothex]:1', '::1:5000']) assert.throws(() => parseListenAddress(bad), InvalidArgumentError, bad);
});

test('only loopback addresses count as loopback', () => {
  for (const h of ['127.0.0.1', '127.9.8.7', '::1', 'localhost']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['', '0.0.0.0', '::', '10.0.0.1', 'example.com']) assert.ok(!isLoopbackHost(h), h);
});

test('refuses to expose an unauthenticated registry unless told to', () => {
  assert.throws(() => checkExposure({ host: '0.0.0.0', port: 5000 }, 'none', false), FailedPreconditionError);
  assert.throws(() => checkExposure({ host: '', port: 5000 }, 'none', false), /--allow-remote/);
  checkExposure({ host: '0.0.0.0', port: 5000 }, 'htpasswd', false);
  checkExposure({ host: '0.0.0.0', port: 5000 }, 'none', true);
  checkExposure({ host: '127.0.0.1', port: 5000 }, 'none', false);
});
