import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError, FailedPreconditionError, InvalidArgumentError } from '../../errors.js';
import { allocateSubnet, DEFAULT_BRIDGE_SUBNET, findOverlap, requireSubnetFree, SubnetPools } from './subnet-pools.js';

test('the default pools give the default bridge 172.17.0.0/16 and user networks the next /16', () => {
  assert.equal(allocateSubnet([]), DEFAULT_BRIDGE_SUBNET);
  assert.equal(allocateSubnet([DEFAULT_BRIDGE_SUBNET]), '172.18.0.0/16');
  assert.equal(allocateSubnet(['172.17.0.0/16', '172.18.0.0/16']), '172.19.0.0/16');
  assert.equal(allocateSubnet(['172.17.0.0/16', '172.19.0.0/16']), '172.18.0.0/16', 'a freed subnet is reused');
});

test('after 172.31.0.0/16 come the /20s of 192.168.0.0/16', () => {
  const used = Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`);
  assert.equal(allocateSubnet(used), '192.168.0.0/20');
  assert.equal(allocateSubnet([...used, '192.168.0.0/20']), '192.168.16.0/20');
});

test('skips subnets that overlap a host route or address, but not the default route', () => {
  const routes = ['0.0.0.0/0', '172.18.5.0/24', '172.19.0.1/32'];
  assert.equal(allocateSubnet(['172.17.0.0/16'], routes), '172.20.0.0/16');
  assert.equal(allocateSubnet([], ['172.16.0.0/12']), '192.168.0.0/20', 'a route covering all of 172.16/12 skips every /16');
});

test('a used subnet larger than the pool size blocks every slice it covers', () => {
  assert.equal(allocateSubnet(['172.16.0.0/12']), '192.168.0.0/20');
});

test('a custom pool is cut into subnets of its size', () => {
  const pool = { base: '10.200.0.0/16', size: 24 };
  assert.equal(allocateSubnet([], [], pool), '10.200.0.0/24');
  assert.equal(allocateSubnet(['10.200.0.0/24', '10.200.1.0/24'], ['10.200.2.0/25'], pool), '10.200.3.0/24');
  const pools = new SubnetPools([pool, { base: '10.201.0.0/24', size: 26 }]);
  assert.equal([...pools.candidates()].length, 256 + 4);
});

test('an exhausted pool is a clear error', () => {
  const pool = { base: '10.200.0.0/23', size: 24 };
  assert.throws(() => allocateSubnet(['10.200.0.0/24', '10.200.1.0/24'], [], pool), FailedPreconditionError);
  assert.throws(() => allocateSubnet(['10.200.0.0/23'], [], pool), /could not find an available, non-overlapping IPv4 address pool/);
});

test('rejects a malformed pool', () => {
  assert.throws(() => new SubnetPools({ base: '10.200.0.0/16', size: 8 }), InvalidArgumentError);
  assert.throws(() => new SubnetPools({ base: '10.200.0.0/16', size: 31 }), InvalidArgumentError);
  assert.throws(() => new SubnetPools({ base: '10.200.0.1/16', size: 24 }), /it should be 10.200.0.0\/16/);
  assert.throws(() => new SubnetPools([]), InvalidArgumentError);
});

test('a user-chosen subnet is refused when another network overlaps it', () => {
  assert.equal(findOverlap('10.213.0.0/24', ['10.212.0.0/16', '10.213.0.128/25']), '10.213.0.128/25');
  assert.equal(findOverlap('10.213.0.0/24', ['10.212.0.0/16']), undefined);
  requireSubnetFree('10.213.0.0/24', ['10.212.0.0/16']);
  assert.throws(() => requireSubnetFree('10.213.0.0/24', ['10.0.0.0/8']), ConflictError);
  assert.throws(() => requireSubnetFree('10.213.0.0/24', ['10.0.0.0/8']), /pool overlaps with other one on this address space/);
});
