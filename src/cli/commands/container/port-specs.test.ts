import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePortSpecs } from './port-specs.js';

describe('-p / --expose specs', () => {
  it('maps host:container and an address-bound spec', () => {
    assert.deepEqual(parsePortSpecs(['8080:80', '127.0.0.1:5353:53/udp'], []), {
      exposed: { '80/tcp': {}, '53/udp': {} },
      bindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }] },
    });
  });

  it('publishes a bare container port on a daemon-chosen host port', () => {
    assert.deepEqual(parsePortSpecs(['80'], []).bindings, { '80/tcp': [{ HostIp: '', HostPort: '' }] });
  });

  it('accepts bracketed IPv6 addresses', () => {
    assert.deepEqual(parsePortSpecs(['[::1]:8080:80'], []).bindings, { '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] });
  });

  it('maps equal ranges one to one and a single port onto a host range', () => {
    assert.deepEqual(parsePortSpecs(['8000-8001:80-81'], []).bindings, {
      '80/tcp': [{ HostIp: '', HostPort: '8000' }],
      '81/tcp': [{ HostIp: '', HostPort: '8001' }],
    });
    assert.deepEqual(parsePortSpecs(['9000-9010:80'], []).bindings, { '80/tcp': [{ HostIp: '', HostPort: '9000-9010' }] });
  });

  it('collects several bindings of one port', () => {
    assert.deepEqual(parsePortSpecs(['8080:80', '8081:80'], []).bindings['80/tcp'], [
      { HostIp: '', HostPort: '8080' },
      { HostIp: '', HostPort: '8081' },
    ]);
  });

  it('exposes ranges without publishing them', () => {
    assert.deepEqual(parsePortSpecs([], ['7000-7002/udp', '9000']), {
      exposed: { '7000/udp': {}, '7001/udp': {}, '7002/udp': {}, '9000/tcp': {} },
      bindings: {},
    });
  });

  const bad: [string, string][] = [
    ['8080:http', 'invalid containerPort: http'],
    ['x:80', 'invalid hostPort: x'],
    ['999.1.1.1:80:80', 'invalid IP address: 999.1.1.1'],
    ['80/icmp', 'invalid proto: icmp'],
    ['8000-8001:80-82', 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001'],
  ];
  for (const [spec, message] of bad) {
    it(`rejects ${spec}`, () => assert.throws(() => parsePortSpecs([spec], []), { message }));
  }
});
