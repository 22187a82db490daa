import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, serviceConfigHash } from './config-hash.js';
import type { ServiceConfig } from './types.js';

const web: ServiceConfig = { name: 'web', image: 'busybox', environment: { A: '1', B: '2' }, command: ['httpd', '-f'] };

describe('service config hash', () => {
  it('is a sha256 hex digest that ignores key order', () => {
    const h = serviceConfigHash(web);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(serviceConfigHash({ command: ['httpd', '-f'], environment: { B: '2', A: '1' }, image: 'busybox', name: 'web' }), h);
    assert.equal(canonicalJson({ b: 1, a: [{ d: 1, c: undefined }] }), '{"a":[{"d":1}],"b":1}');
  });

  it('changes with anything that changes the container', () => {
    const h = serviceConfigHash(web);
    assert.notEqual(serviceConfigHash({ ...web, environment: { A: '1', B: '3' } }), h);
    assert.notEqual(serviceConfigHash({ ...web, command: ['httpd'] }), h);
    assert.notEqual(serviceConfigHash({ ...web, deploy: { resources: { limits: { memory: 1 } } } }), h);
  });

  it('does not change with scale, replicas, build or profiles', () => {
    const h = serviceConfigHash({ ...web, deploy: {} });
    assert.equal(serviceConfigHash({ ...web, scale: 3, deploy: { replicas: 5 }, build: { context: '/x' }, profiles: ['p'], pull_policy: 'always' }), h);
  });
});
