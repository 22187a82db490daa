import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventBus, type EventEntry } from './event-bus.js';
import { parseEventFilter } from './event-filter.js';

const root = mkdtempSync(path.join(tmpdir(), 'berth-bus-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `b${n++}`);
const actions = (entries: EventEntry[]) => entries.map((e) => e.message.Action);

describe('event bus', () => {
  it('stamps strictly increasing times and encodes each event once', () => {
    const bus = EventBus.inMemory();
    const a = bus.publish('container', 'create', 'c1', { name: 'x' });
    const b = bus.publish('container', 'start', 'c1', { name: 'x' });
    assert.ok(b.message.timeNano > a.message.timeNano);
    assert.equal(a.message.time, Number(a.message.timeNano / 1_000_000_000n));
    assert.match(a.line, /^\{"status":"create","id":"c1","Type":"container","Action":"create",.*\}\n$/);
  });

  it('returns no history without since or until, as moby', () => {
    const bus = EventBus.inMemory();
    bus.publish('volume', 'create', 'v');
    assert.deepEqual(bus.history({}), []);
  });

  it('replays [since, until] inclusively, filtered', () => {
    const bus = EventBus.inMemory();
    const e = ['create', 'start', 'die', 'destroy'].map((a) => bus.publish('container', a, 'c1'));
    bus.publish('volume', 'create', 'v');
    assert.deepEqual(actions(bus.history({ since: e[1]!.message.timeNano, until: e[2]!.message.timeNano })), ['start', 'die']);
    assert.deepEqual(actions(bus.history({ since: 0n })), ['create', 'start', 'die', 'destroy', 'create']);
    assert.deepEqual(actions(bus.history({ until: e[0]!.message.timeNano })), ['create']);
    assert.deepEqual(actions(bus.history({ since: 0n, filter: parseEventFilter(new Map([['type', ['volume']]])) })), ['create']);
  });

  it('hands live events to subscribers in order, through their filter, until they unsubscribe', () => {
    const bus = EventBus.inMemory();
    bus.publish('container', 'create', 'c1');
    const seen: string[] = [];
    const sub = bus.subscribe({ since: 0n, filter: parseEventFilter(new Map([['event', ['start', 'create']]])) }, (e) => seen.push(e.message.Action));
    assert.deepEqual(actions(sub.history), ['create']);
    bus.publish('container', 'start', 'c1');
    bus.publish('container', 'die', 'c1');
    sub.unsubscribe();
    bus.publish('container', 'start', 'c1');
    assert.deepEqual(seen, ['start']);
    assert.equal(bus.subscribers, 0);
  });

  it('keeps a subscriber that throws from stopping the others', () => {
    const bus = EventBus.inMemory();
    const seen: string[] = [];
    bus.subscribe({}, () => {
      throw new Error('broken watcher');
    });
    bus.subscribe({}, (e) => seen.push(e.message.Action));
    bus.publish('network', 'create', 'n');
    assert.deepEqual(seen, ['create']);
  });

  it('keeps at most maxEvents in memory', () => {
    const bus = EventBus.inMemory(100);
    for (let i = 0; i < 1000; i++) bus.publish('container', `a${i}`, 'c');
    const kept = bus.history({ since: 0n });
    assert.equal(kept.length, 100);
    assert.equal(kept[0]!.message.Action, 'a900');
    assert.equal(kept.at(-1)!.message.Action, 'a999');
  });

  it('finds events of an earlier run in the journal, skipping a torn last line', async () => {
    const dir = freshDir();
    const first = await EventBus.open(dir);
    const created = first.publish('container', 'create', 'c1', { name: 'web' });
    first.publish('container', 'start', 'c1', { name: 'web' });
    await first.close();
    const seg = readdirSync(dir).sort()[0]!;
    appendFileSync(path.join(dir, seg), '{"status":"die","id":"c1","Type":"cont');
    const logs: string[] = [];
    const second = await EventBus.open(dir, { log: (m) => logs.push(m) });
    const back = second.history({ since: 0n });
    assert.deepEqual(actions(back), ['create', 'start']);
    assert.deepEqual(back[0]!.message, created.message);
    assert.equal(back[0]!.line, created.line);
    assert.match(logs.join('\n'), /skipped 1 unreadable line/);
    second.publish('container', 'die', 'c1');
    await second.close();
    const third = await EventBus.open(dir);
    assert.deepEqual(actions(third.history({ since: 0n })), ['create', 'start', 'die']);
    await third.close();
  });

  it('appends thousands of events a second without waiting on the disk', async () => {
    const dir = freshDir();
    const bus = await EventBus.open(dir);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 5000; i++) bus.publish('container', 'exec_start: true ', 'c'.repeat(64), { name: 'n', image: 'busybox', execID: String(i) });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    await bus.close();
    // Generous: a publish costs microseconds; 5000 of them must not take a second.
    assert.ok(ms < 1000, `${ms} ms for 5000 events`);
    const again = await EventBus.open(dir);
    assert.equal(again.history({ since: 0n }).length, 5000);
    await again.close();
  });
});
