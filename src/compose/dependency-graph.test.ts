import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependencyOrder, findCycle, inDependencyOrder, validateDependencies, withDependencies } from './dependency-graph.js';
import type { ServiceConfig } from './types.js';

function graph(edges: Record<string, string[]>): Record<string, ServiceConfig> {
  return Object.fromEntries(
    Object.entries(edges).map(([name, deps]) => [
      name,
      { name, image: 'busybox', depends_on: Object.fromEntries(deps.map((d) => [d, { condition: 'service_started' as const, restart: false, required: true }])) },
    ]),
  );
}

describe('dependency graph', () => {
  it('orders every service after its dependencies', () => {
    const g = graph({ web: ['api'], api: ['db', 'cache'], db: [], cache: [], lone: [] });
    const order = dependencyOrder(g);
    assert.deepEqual([...order].sort(), ['api', 'cache', 'db', 'lone', 'web']);
    for (const [s, deps] of Object.entries({ web: ['api'], api: ['db', 'cache'] })) {
      for (const d of deps) assert.ok(order.indexOf(d) < order.indexOf(s), `${d} before ${s}: ${order.join(',')}`);
    }
    assert.deepEqual(withDependencies(g, ['api']).sort(), ['api', 'cache', 'db']);
  });

  it('spells a cycle out', () => {
    assert.deepEqual(findCycle(graph({ a: ['b'], b: ['a'] })), ['a', 'b', 'a']);
    assert.deepEqual(findCycle(graph({ x: ['y'], y: ['z'], z: ['y'] })), ['y', 'z', 'y']);
    assert.throws(() => validateDependencies(graph({ a: ['b'], b: ['c'], c: ['a'] })), /dependency cycle detected: a → b → c → a/);
    assert.equal(findCycle(graph({ a: ['b'], b: [] })), undefined);
  });

  it('refuses a dependency on an unknown or profile-disabled service', () => {
    assert.throws(() => validateDependencies(graph({ web: ['nope'] })), /service "web" depends on undefined service "nope"/);
    assert.throws(() => validateDependencies(graph({ web: ['dbg'] }), graph({ dbg: [] })), /service "dbg", which is disabled by its profiles/);
  });

  it('runs independent services in parallel and dependents after their dependencies', async () => {
    const g = graph({ web: ['api'], api: ['db'], db: [], worker: [] });
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    await inDependencyOrder(g, Object.keys(g), async (n) => {
      running++;
      peak = Math.max(peak, running);
      log.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, 10));
      log.push(`end ${n}`);
      running--;
    });
    assert.ok(log.indexOf('end db') < log.indexOf('start api'));
    assert.ok(log.indexOf('end api') < log.indexOf('start web'));
    assert.equal(peak, 2, 'db and worker run at the same time');
  });

  it('in reverse, stops dependents first; a failure stops what depends on it', async () => {
    const g = graph({ web: ['db'], db: [] });
    const log: string[] = [];
    await inDependencyOrder(g, ['web', 'db'], async (n) => void log.push(n), { reverse: true });
    assert.deepEqual(log, ['web', 'db']);
    const ran: string[] = [];
    await assert.rejects(
      inDependencyOrder(g, ['web', 'db'], async (n) => {
        if (n === 'db') throw new Error('db failed');
        ran.push(n);
      }),
      /db failed/,
    );
    assert.deepEqual(ran, []);
  });
});
