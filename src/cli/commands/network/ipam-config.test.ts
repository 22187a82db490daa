import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIpamConfig, parseCidr, parseIp, subnetMatches, type IpamFlags } from './ipam-config.js';

const flags = (f: Partial<IpamFlags>): IpamFlags => ({
  driver: 'default',
  subnets: [],
  ipRanges: [],
  gateways: [],
  auxAddresses: {},
  options: {},
  ...f,
});

describe('IP and CIDR parsing (Go net.ParseIP / ParseCIDR)', () => {
  it('parses IPv4, IPv6 and IPv4-mapped IPv6 (To4)', () => {
    assert.deepEqual(parseIp('10.1.2.3'), [10, 1, 2, 3]);
    assert.deepEqual(parseIp('::ffff:10.1.2.3'), [10, 1, 2, 3]);
    assert.deepEqual(parseIp('fd00::1'), [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(parseIp('::'), Array(16).fill(0));
    assert.deepEqual(parseIp('1:2:3:4:5:6:1.2.3.4')?.slice(12), [1, 2, 3, 4]);
  });

  it('refuses what Go refuses', () => {
    for (const bad of ['nope', '10.1.2', '10.1.2.256', '010.1.2.3', '1::2::3', '1:2:3:4:5:6:7::8', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '']) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });

  it('masks the network of a CIDR and checks the prefix length', () => {
    assert.deepEqual(parseCidr('10.1.2.3/16'), { ip: [10, 1, 2, 3], network: [10, 1, 0, 0], prefix: 16 });
    assert.deepEqual(parseCidr('10.1.2.3/20').network, [10, 1, 0, 0]);
    assert.deepEqual(parseCidr('10.1.18.3/20').network, [10, 1, 16, 0]);
    assert.throws(() => parseCidr('10.1.0.0/33'), { message: 'invalid CIDR address: 10.1.0.0/33' });
    assert.throws(() => parseCidr('10.1.0.0'), { message: 'invalid CIDR address: 10.1.0.0' });
    assert.throws(() => parseCidr('10.1.0.0/-1'), { message: 'invalid CIDR address: 10.1.0.0/-1' });
    assert.equal(parseCidr('fd00::/64').prefix, 64);
  });

  it('matches addresses and CIDRs against a subnet, never across families', () => {
    assert.equal(subnetMatches('10.1.0.0/16', '10.1.255.254'), true);
    assert.equal(subnetMatches('10.1.0.0/16', '10.2.0.1'), false);
    assert.equal(subnetMatches('10.1.0.0/16', '10.1.2.0/24'), true);
    assert.equal(subnetMatches('10.1.2.0/24', '10.1.0.0/16'), false, 'only the CIDR\'s address counts');
    assert.equal(subnetMatches('10.0.0.0/8', '::ffff:10.0.0.1'), true);
    assert.equal(subnetMatches('fd00::/64', '10.0.0.1'), false);
    assert.equal(subnetMatches('fd00::/64', 'fd00::42'), true);
    assert.equal(subnetMatches('10.1.0.0/16', 'nope'), false);
    assert.throws(() => subnetMatches('bad', '10.0.0.1'), { message: 'invalid subnet: invalid CIDR address: bad' });
    assert.throws(() => subnetMatches('10.0.0.0/8', '10.0.0.0/99'), { message: 'invalid CIDR address: 10.0.0.0/99' });
  });
});

describe('--subnet/--ip-range/--gateway/--aux-address → IPAM config', () => {
  it('sends an empty Config without IPAM flags, with the IPAM driver and options', () => {
    assert.deepEqual(createIpamConfig(flags({ driver: 'x', options: { q: 'r' } })), { Driver: 'x', Options: { q: 'r' }, Config: [] });
  });

  it('groups ranges, gateways and auxiliary addresses under their subnet', () => {
    const ipam = createIpamConfig(
      flags({
        subnets: ['10.1.0.0/16', '10.2.0.0/16'],
        ipRanges: ['10.2.5.0/24'],
        gateways: ['10.2.0.1', '10.1.0.254'],
        auxAddresses: { zz: '10.1.0.9', aa: '10.1.0.8' },
      }),
    );
    assert.deepEqual(ipam.Config, [
      { Subnet: '10.1.0.0/16', Gateway: '10.1.0.254', AuxiliaryAddresses: { aa: '10.1.0.8', zz: '10.1.0.9' } },
      { Subnet: '10.2.0.0/16', IPRange: '10.2.5.0/24', Gateway: '10.2.0.1' },
    ]);
    assert.deepEqual(Object.keys(ipam.Config[0]!.AuxiliaryAddresses!), ['aa', 'zz'], 'keys sorted, as Go writes a map');
  });

  it('leaves a lone subnet unchecked, for the daemon to judge (as docker does)', () => {
    assert.deepEqual(createIpamConfig(flags({ subnets: ['10.1.0.0/33'] })).Config, [{ Subnet: '10.1.0.0/33' }]);
    assert.deepEqual(createIpamConfig(flags({ subnets: ['10.1.0.5/16'] })).Config, [{ Subnet: '10.1.0.5/16' }]);
  });

  const refusals: Array<[string, Partial<IpamFlags>, string]> = [
    ['a gateway without a subnet', { gateways: ['10.1.0.1'] }, 'every ip-range or gateway must have a corresponding subnet'],
    ['more ranges than subnets', { subnets: ['10.1.0.0/16'], ipRanges: ['10.1.2.0/24', '10.1.3.0/24'] }, 'every ip-range or gateway must have a corresponding subnet'],
    ['a gateway outside every subnet', { subnets: ['10.1.0.0/16'], gateways: ['10.2.0.1'] }, 'no matching subnet for gateway 10.2.0.1'],
    ['a gateway that is not an address', { subnets: ['10.1.0.0/16'], gateways: ['nope'] }, 'no matching subnet for gateway nope'],
    ['a range outside every subnet', { subnets: ['10.1.0.0/16'], ipRanges: ['10.2.0.0/24'] }, 'no matching subnet for range 10.2.0.0/24'],
    ['a range that is no CIDR', { subnets: ['10.1.0.0/16'], ipRanges: ['10.1.0.0/40'] }, 'invalid CIDR address: 10.1.0.0/40'],
    ['overlapping subnets', { subnets: ['10.1.0.0/16', '10.1.2.0/24'] }, 'multiple overlapping subnet configuration is not supported'],
    ['a bad subnet next to another', { subnets: ['bad', '10.1.0.0/16'] }, 'invalid subnet: invalid CIDR address: bad'],
    ['two gateways for one subnet', { subnets: ['10.1.0.0/16', '10.2.0.0/16'], gateways: ['10.2.0.1', '10.2.0.2'] }, 'cannot configure multiple gateways (10.2.0.2, 10.2.0.1) for the same subnet (10.2.0.0/16)'],
    ['two ranges for one subnet', { subnets: ['10.1.0.0/16', '10.2.0.0/16'], ipRanges: ['10.1.1.0/24', '10.1.2.0/24'] }, 'cannot configure multiple ranges (10.1.2.0/24, 10.1.1.0/24) on the same subnet (10.1.0.0/16)'],
    ['an auxiliary address outside every subnet', { subnets: ['10.1.0.0/16'], auxAddresses: { h: '10.9.0.1' } }, 'no matching subnet for aux-address 10.9.0.1'],
  ];
  for (const [what, f, message] of refusals) {
    it(`refuses ${what} with docker's message`, () => {
      assert.throws(() => createIpamConfig(flags(f)), { name: 'InvalidArgumentError', message });
    });
  }
});
