import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedMutex, Mutex, SharedExclusiveLock } from './mutex.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Mutex', () => {
  it('runs callers one at a time, in arrival order, even when one fails', async () => {
    const m = new Mutex();
    const log: string[] = [];
    const a = m.run(async () => { log.push('a<'); await tick(); log.push('a>'); });
    const b = m.run(async () => { log.push('b'); throw new Error('b failed'); });
    const c = m.run(async () => { log.push('c'); });
    await a;
    await assert.rejects(b, /b failed/);
    await c;
    assert.deepEqual(log, ['a<', 'a>', 'b', 'c']);
  });

  it('keeps different keys independent', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    await Promise.all([
      m.run('x', async () => { log.push('x<'); await tick(); log.push('x>'); }),
      m.run('y', async () => { log.push('y'); }),
    ]);
    assert.deepEqual(log, ['x<', 'y', 'x>']);
  });
});

describe('SharedExclusiveLock', () => {
  it('lets shared holders overlap and makes the exclusive one wait for all of them', async () => {
    const l = new SharedExclusiveLock();
    const log: string[] = [];
    const s1 = l.shared(async () => { log.push('s1<'); await tick(); await tick(); log.push('s1>'); });
    const s2 = l.shared(async () => { log.push('s2<'); await tick(); log.push('s2>'); });
    const x = l.exclusive(async () => { log.push('x'); });
    await Promise.all([s1, s2, x]);
    assert.deepEqual(log, ['s1<', 's2<', 's2>', 's1>', 'x']);
  });

  it('lets a shared holder nest shared sections while an exclusive one waits', async () => {
    const l = new SharedExclusiveLock();
    const log: string[] = [];
    const outer = l.shared(async () => {
      await tick();
      await l.shared(async () => { log.push('inner'); });
    });
    const x = l.exclusive(async () => { log.push('x'); });
    await Promise.all([outer, x]);
    assert.deepEqual(log, ['inner', 'x']);
  });

  it('holds shared callers back while an exclusive one runs', async () => {
    const l = new SharedExclusiveLock();
    const log: string[] = [];
    const x = l.exclusive(async () => { log.push('x<'); await tick(); log.push('x>'); });
    const s = l.shared(async () => { log.push('s'); });
    await Promise.all([x, s]);
    assert.deepEqual(log, ['x<', 'x>', 's']);
  });
});
