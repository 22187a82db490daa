import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePorts } from './service-ports.js';

describe('service ports', () => {
  it('reads the short syntax', () => {
    assert.deepEqual(parsePorts([80, '8080:80', '127.0.0.1:5000:5000/udp', '[::1]:6001:6001'], 'p'), [
      { target: 80, protocol: 'tcp', mode: 'ingress' },
      { target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' },
      { target: 5000, published: '5000', host_ip: '127.0.0.1', protocol: 'udp', mode: 'ingress' },
      { target: 6001, published: '6001', host_ip: '::1', protocol: 'tcp', mode: 'ingress' },
    ]);
  });

  it('expands ranges one to one, and keeps a host range for one target', () => {
    assert.deepEqual(parsePorts(['9090-9091:8080-8081'], 'p').map((p) => `${p.published}->${p.target}`), ['9090->8080', '9091->8081']);
    assert.deepEqual(parsePorts(['3000-3001'], 'p').map((p) => p.target), [3000, 3001]);
    assert.deepEqual(parsePorts(['8000-8010:80'], 'p'), [{ target: 80, published: '8000-8010', protocol: 'tcp', mode: 'ingress' }]);
  });

  it('reads the long syntax with defaults', () => {
    assert.deepEqual(parsePorts([{ target: '80', published: 8080, host_ip: '127.0.0.1' }], 'p'), [
      { target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' },
    ]);
  });

  it('refuses bad entries, naming the entry', () => {
    assert.throws(() => parsePorts(['80:70000'], 'services.web.ports'), /services\.web\.ports\[0\]: invalid container port "70000"/);
    assert.throws(() => parsePorts(['8000-8002:80-81'], 'p'), /port ranges don't match/);
    assert.throws(() => parsePorts(['80/icmp'], 'p'), /invalid protocol "icmp"/);
    assert.throws(() => parsePorts(['nope:8080:80'], 'p'), /invalid IP address "nope"/);
    assert.throws(() => parsePorts([{ published: 80 }], 'p'), /target is required/);
  });
});
