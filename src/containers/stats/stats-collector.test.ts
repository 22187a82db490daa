import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatsCollector } from './stats-collector.js';
import { emptyStats, type StatsResponse } from './stats-types.js';

/** A sample function that counts its calls: record n has pids_stats.current = n. */
function counting(gone = new Set<string>()): { fn: (id: string) => Promise<StatsResponse | undefined>; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  return {
    calls,
    fn: async (id) => {
      if (gone.has(id)) return undefined;
      const n = (calls.get(id) ?? 0) + 1;
      calls.set(id, n);
      return { ...emptyStats({ id, name: id }), pids_stats: { current: n } };
    },
  };
}

const INTERVAL = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stats collector', () => {
  it('samples at once for the first subscriber, then once per interval', async (t) => {
    const { fn } = counting();
    const c = new StatsCollector(fn, INTERVAL);
    t.after(() => c.close());
    const sub = c.subscribe('a');
    const first = await sub.next();
    const second = await sub.next();
    assert.equal(first?.pids_stats.current, 1);
    assert.equal(second?.pids_stats.current, 2);
    sub.close();
    assert.deepEqual(c.watched, []);
    assert.equal(await sub.next(), undefined);
  });

  it('shares one loop between subscribers of a container', async (t) => {
    const { fn, calls } = counting();
    const c = new StatsCollector(fn, INTERVAL);
    t.after(() => c.close());
    const a = c.subscribe('x');
    const b = c.subscribe('x');
    for (let i = 0; i < 3; i++) {
      const [fromA, fromB] = await Promise.all([a.next(), b.next()]);
      assert.equal(fromA, fromB);
    }
    assert.equal(calls.get('x'), 3);
    a.close();
    await b.next();
    b.close();
    const n = calls.get('x')!;
    await sleep(INTERVAL * 4);
    assert.equal(calls.get('x'), n, 'no sampling once nobody watches');
  });

  it('gives a slow reader the newest sample, never a backlog', async (t) => {
    const { fn } = counting();
    const c = new StatsCollector(fn, INTERVAL);
    t.after(() => c.close());
    const sub = c.subscribe('s');
    await sleep(INTERVAL * 5);
    const got = await sub.next();
    assert.ok(got!.pids_stats.current! >= 3, `got sample ${got!.pids_stats.current}`);
    const next = await sub.next();
    assert.equal(next!.pids_stats.current, got!.pids_stats.current! + 1);
    sub.close();
  });

  it('ends subscriptions when the container is removed or gone, and on close', async (t) => {
    const gone = new Set<string>();
    const c = new StatsCollector(counting(gone).fn, INTERVAL);
    t.after(() => c.close());
    const removed = c.subscribe('r');
    await removed.next();
    const pending = removed.next();
    c.stopCollection('r');
    assert.equal(await pending, undefined);

    const vanishing = c.subscribe('v');
    await vanishing.next();
    gone.add('v');
    assert.equal(await vanishing.next(), undefined);
    assert.deepEqual(c.watched, []);

    const open = c.subscribe('o');
    await open.next();
    c.close();
    assert.equal(await open.next(), undefined);
    assert.equal(await c.subscribe('o').next(), undefined, 'a closed collector serves nothing');
    assert.deepEqual(c.watched, []);
  });

  it('keeps going after a failed sample', async (t) => {
    let n = 0;
    const c = new StatsCollector(async (id) => {
      n++;
      if (n === 1) throw new Error('transient');
      return emptyStats({ id, name: id });
    }, INTERVAL);
    t.after(() => c.close());
    const sub = c.subscribe('f');
    assert.equal((await sub.next())?.id, 'f');
    sub.close();
  });
});
