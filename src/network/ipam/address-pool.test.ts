import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError, InvalidArgumentError, UnavailableError } from '../../errors.js';
import { AddressPool } from './address-pool.js';
import { macFor } from './mac.js';

test('the gateway defaults to the first host and containers start after it', () => {
  const pool = new AddressPool('172.17.0.0/16');
  assert.equal(pool.gateway, '172.17.0.1');
  assert.equal(pool.allocate(), '172.17.0.2');
  assert.equal(pool.allocate(), '172.17.0.3');
  assert.equal(pool.cidrOf('172.17.0.3'), '172.17.0.3/16');
  assert.equal(pool.capacity, 65533);
});

test('a chosen gateway is skipped wherever it is', () => {
  const pool = new AddressPool('10.213.0.0/29', { gateway: '10.213.0.3' });
  const got = Array.from({ length: 5 }, () => pool.allocate());
  assert.deepEqual(got, ['10.213.0.1', '10.213.0.2', '10.213.0.4', '10.213.0.5', '10.213.0.6']);
  assert.throws(() => pool.allocate(), UnavailableError);
});

test('rejects a gateway outside the subnet or on its network or broadcast address', () => {
  assert.throws(() => new AddressPool('10.213.0.0/24', { gateway: '10.214.0.1' }), { message: 'no matching subnet for gateway 10.214.0.1' });
  assert.throws(() => new AddressPool('10.213.0.0/24', { gateway: '10.213.0.0' }), InvalidArgumentError);
  assert.throws(() => new AddressPool('10.213.0.0/24', { gateway: '10.213.0.255' }), InvalidArgumentError);
  assert.throws(() => new AddressPool('10.213.0.0/31'), /no room/);
  assert.throws(() => new AddressPool('10.213.0.1/24'), /it should be 10.213.0.0\/24/);
});

test('never hands out network, broadcast or gateway, and never one address twice', () => {
  const pool = new AddressPool('10.213.0.0/28');
  const seen = new Set<string>();
  for (let i = 0; i < pool.capacity; i++) seen.add(pool.allocate());
  assert.equal(seen.size, 13);
  for (const reserved of ['10.213.0.0', '10.213.0.1', '10.213.0.15']) assert.equal(seen.has(reserved), false, reserved);
  assert.equal(pool.inUse, 13);
  assert.throws(() => pool.allocate(), { name: 'UnavailableError', message: 'no available addresses on this pool: 10.213.0.0/28' });
});

test('allocation is round-robin: a released address is not reused at once', () => {
  const pool = new AddressPool('10.213.0.0/29'); // hosts .1-.6, gateway .1
  assert.equal(pool.allocate(), '10.213.0.2');
  assert.equal(pool.allocate(), '10.213.0.3');
  assert.equal(pool.release('10.213.0.2'), true);
  assert.equal(pool.allocate(), '10.213.0.4', 'continues after the last one, not at the lowest free');
  assert.equal(pool.allocate(), '10.213.0.5');
  assert.equal(pool.allocate(), '10.213.0.6');
  assert.equal(pool.allocate(), '10.213.0.2', 'wraps around to the released one once the end is reached');
  assert.throws(() => pool.allocate(), UnavailableError);
  pool.release('10.213.0.5');
  assert.equal(pool.allocate(), '10.213.0.5');
});

test('a requested address must be in the subnet, a host address and free', () => {
  const pool = new AddressPool('10.213.0.0/24');
  assert.equal(pool.allocate('10.213.0.50'), '10.213.0.50');
  assert.equal(pool.isUsed('10.213.0.50'), true);
  assert.throws(() => pool.allocate('10.213.0.50'), { name: 'ConflictError', message: 'address already in use: 10.213.0.50' });
  assert.throws(() => pool.allocate('10.213.0.1'), ConflictError, 'the gateway is in use');
  assert.throws(() => pool.allocate('10.213.1.5'), {
    name: 'InvalidArgumentError',
    message: 'no configured subnet or ip-range contain the IP address 10.213.1.5',
  });
  assert.throws(() => pool.allocate('10.213.0.255'), InvalidArgumentError);
  assert.throws(() => pool.allocate('10.213.0.0'), InvalidArgumentError);
  assert.throws(() => pool.allocate('not-an-ip'), InvalidArgumentError);
  assert.equal(pool.allocate(), '10.213.0.2', 'a requested address does not move the round-robin cursor');
});

test('markUsed restores held addresses after a restart and refuses duplicates', () => {
  const pool = new AddressPool('10.213.0.0/29');
  pool.markUsed('10.213.0.2');
  pool.markUsed('10.213.0.4');
  assert.throws(() => pool.markUsed('10.213.0.4'), ConflictError);
  assert.throws(() => pool.markUsed('10.213.0.1'), ConflictError);
  assert.throws(() => pool.markUsed('10.214.0.4'), InvalidArgumentError);
  assert.deepEqual([pool.allocate(), pool.allocate(), pool.allocate()], ['10.213.0.3', '10.213.0.5', '10.213.0.6']);
  assert.equal(pool.release('10.213.0.3'), true);
  assert.equal(pool.release('10.213.0.3'), false, 'releasing twice is harmless');
});

test('the mac is 02:42 followed by the four bytes of the address', () => {
  assert.equal(macFor('172.17.0.2'), '02:42:ac:11:00:02');
  assert.equal(macFor('10.213.255.254'), '02:42:0a:d5:ff:fe');
  assert.throws(() => macFor('fe80::1'), /ipv6/);
});

test('with --ip-range, addresses are handed out from the range only; a requested one may lie outside it', () => {
  const pool = new AddressPool('10.231.1.0/24', { gateway: '10.231.1.254', range: '10.231.1.128/30' });
  const got = [pool.allocate(), pool.allocate(), pool.allocate(), pool.allocate()];
  assert.deepEqual(got.sort(), ['10.231.1.128', '10.231.1.129', '10.231.1.130', '10.231.1.131']);
  assert.throws(() => pool.allocate(), /no available addresses/);
  assert.equal(pool.allocate('10.231.1.5'), '10.231.1.5');
  pool.release('10.231.1.130');
  assert.equal(pool.allocate(), '10.231.1.130');
  assert.throws(() => new AddressPool('10.231.1.0/24', { range: '10.9.0.0/25' }), /not inside subnet/);
});
