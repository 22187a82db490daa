import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeFiles, mergeService } from './merge.js';
import { shapeService } from './service-shape.js';

const merge = (a: Record<string, unknown>, b: Record<string, unknown>) => mergeService(shapeService(a, 'a'), shapeService(b, 'b'));

describe('compose merge rules', () => {
  it('merges mappings by key, whatever their syntax in each file', () => {
    const out = merge({ environment: ['A=1', 'B=2'], labels: { x: '1' } }, { environment: { B: 3, C: null }, labels: ['y=2'] });
    assert.deepEqual(out['environment'], { A: '1', B: '3', C: null });
    assert.deepEqual(out['labels'], { x: '1', y: '2' });
  });

  it('replaces command and entrypoint whole', () => {
    const out = merge({ command: ['a', 'b'], entrypoint: 'x y' }, { command: 'c' });
    assert.equal(out['command'], 'c');
    assert.equal(out['entrypoint'], 'x y');
  });

  it('merges ports on address, target, published and protocol, volumes on target', () => {
    const out = merge(
      { ports: ['8080:80', '443:443'], volumes: ['data:/data', './a:/a'] },
      { ports: ['8080:80', '9090:90'], volumes: ['other:/data:ro'] },
    );
    assert.deepEqual((out['ports'] as Array<{ target: number }>).map((p) => p.target), [80, 443, 90]);
    assert.deepEqual(out['volumes'], [
      { type: 'volume', source: 'other', target: '/data', read_only: true },
      { type: 'bind', source: './a', target: '/a', bind: { create_host_path: true } },
    ]);
  });

  it('appends set-like lists without duplicates', () => {
    const out = merge({ expose: ['80'], cap_add: ['NET_ADMIN'], dns: '1.1.1.1' }, { expose: ['80', '81'], cap_add: ['SYS_TIME'], dns: ['8.8.8.8'] });
    assert.deepEqual(out['expose'], ['80', '81']);
    assert.deepEqual(out['cap_add'], ['NET_ADMIN', 'SYS_TIME']);
    assert.deepEqual(out['dns'], ['1.1.1.1', '8.8.8.8']);
  });

  it('merges depends_on, networks and build from short and long forms', () => {
    const out = merge(
      { depends_on: ['db'], networks: ['front'], build: './app' },
      { depends_on: { cache: { condition: 'service_healthy' } }, networks: { back: { aliases: ['b'] } }, build: { target: 'prod' } },
    );
    assert.deepEqual(out['depends_on'], {
      db: { condition: 'service_started', required: true },
      cache: { condition: 'service_healthy', required: true },
    });
    assert.deepEqual(out['networks'], { front: null, back: { aliases: ['b'] } });
    assert.deepEqual(out['build'], { context: './app', target: 'prod' });
  });

  it('replaces healthcheck.test but merges the rest of the healthcheck', () => {
    const out = merge({ healthcheck: { test: ['CMD', 'a'], interval: '5s' } }, { healthcheck: { test: 'b', retries: 3 } });
    assert.deepEqual(out['healthcheck'], { test: 'b', interval: '5s', retries: 3 });
  });

  it('merges files: new services added, existing ones merged, top-level maps deep-merged', () => {
    const out = mergeFiles(
      { name: 'a', services: { web: { image: 'x' } }, volumes: { v: { driver: 'local' } } },
      { name: 'b', services: { web: { image: 'y' }, db: { image: 'z' } }, volumes: { v: { labels: { k: 'v' } } } },
    );
    assert.deepEqual(out, { name: 'b', services: { web: { image: 'y' }, db: { image: 'z' } }, volumes: { v: { driver: 'local', labels: { k: 'v' } } } });
  });
});
