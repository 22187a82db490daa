import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import {
  broadcastOf,
  canonicalCidr,
  cidrContains,
  cidrsOverlap,
  formatCidr,
  formatIPv4,
  networkOf,
  parseCidr,
  parseIPv4,
  parseSubnet,
} from './cidr.js';

test('parses and formats dotted quads as unsigned 32-bit numbers', () => {
  assert.equal(parseIPv4('0.0.0.0'), 0);
  assert.equal(parseIPv4('10.0.0.1'), 0x0a000001);
  assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
  assert.equal(formatIPv4(0xffffffff), '255.255.255.255');
  assert.equal(formatIPv4(parseIPv4('172.18.3.200')), '172.18.3.200');
});

test('rejects malformed addresses, leading zeros and out-of-range bytes', () => {
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.a', ' 1.2.3.4', '1.2.3.4/']) {
    assert.throws(() => (bad.includes('/') ? parseCidr(bad) : parseIPv4(bad)), InvalidArgumentError, bad);
  }
});

test('refuses ipv6 with a message that says so', () => {
  assert.throws(() => parseIPv4('::1'), { name: 'InvalidArgumentError', message: 'ipv6 is not supported yet: ::1' });
  assert.throws(() => parseCidr('fd00::/64'), /ipv6 is not supported yet: fd00::\/64/);
  assert.throws(() => parseSubnet('2001:db8::/32'), /ipv6/);
});

test('a cidr keeps its host bits; network and broadcast are derived', () => {
  const c = parseCidr('172.18.0.1/16');
  assert.equal(formatCidr(c), '172.18.0.1/16');
  assert.equal(formatIPv4(networkOf(c)), '172.18.0.0');
  assert.equal(formatIPv4(broadcastOf(c)), '172.18.255.255');
  assert.equal(canonicalCidr('172.18.0.1/16'), '172.18.0.0/16');
  assert.equal(canonicalCidr('10.1.2.3'), '10.1.2.3/32');
  assert.equal(canonicalCidr('0.0.0.0/0'), '0.0.0.0/0');
  assert.throws(() => parseCidr('10.0.0.0/33'), /invalid cidr address/);
});

test('a subnet must have zero host bits and a prefix, with the fix in the message', () => {
  assert.deepEqual(parseSubnet('10.213.0.0/24'), { address: parseIPv4('10.213.0.0'), prefix: 24 });
  assert.throws(() => parseSubnet('172.18.0.5/16'), { message: 'invalid subnet 172.18.0.5/16: it should be 172.18.0.0/16' });
  assert.throws(() => parseSubnet('10.0.0.0'), /needs a prefix length/);
});

test('contains is true exactly inside the block', () => {
  assert.equal(cidrContains('10.213.0.0/24', '10.213.0.0'), true);
  assert.equal(cidrContains('10.213.0.0/24', '10.213.0.255'), true);
  assert.equal(cidrContains('10.213.0.0/24', '10.213.1.0'), false);
  assert.equal(cidrContains('10.213.0.0/24', '10.212.255.255'), false);
  assert.equal(cidrContains('0.0.0.0/0', '203.0.113.9'), true);
  assert.equal(cidrContains('192.168.0.0/16', '192.168.255.254'), true);
});

test('overlaps is true when one block holds any of the other', () => {
  assert.equal(cidrsOverlap('172.16.0.0/12', '172.18.0.0/16'), true);
  assert.equal(cidrsOverlap('172.18.0.0/16', '172.16.0.0/12'), true);
  assert.equal(cidrsOverlap('172.18.0.0/16', '172.19.0.0/16'), false);
  assert.equal(cidrsOverlap('192.168.0.0/20', '192.168.15.255/32'), true);
  assert.equal(cidrsOverlap('192.168.0.0/20', '192.168.16.0/20'), false);
  assert.equal(cidrsOverlap('10.0.0.0/8', '0.0.0.0/0'), true);
});
