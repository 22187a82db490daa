import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ContainerRecord } from '../containers/container.js';
import { EventBus } from './event-bus.js';
import { connectEventSources, type ContainerLookup } from './event-sources.js';

const ID = 'c'.repeat(64);

/** A container store holding records in a Map: what the sources read of the real one. */
class MapStore implements ContainerLookup {
  readonly records = new Map<string, ContainerRecord>();
  tryGet(id: string): ContainerRecord | undefined {
    return this.records.get(id);
  }
  list(): ContainerRecord[] {
    return [...this.records.values()];
  }
}

function record(name: string, labels: Record<string, string> = {}): ContainerRecord {
  return {
    id: ID,
    name,
    image: 'busybox',
    config: { Image: 'busybox', Labels: labels },
    state: { status: 'running', startedAt: new Date(Date.now() - 3500).toISOString(), finishedAt: '' },
  } as unknown as ContainerRecord;
}

function setup(store = new MapStore()) {
  const bus = EventBus.inMemory();
  const containers = new EventEmitter();
  const volumes = new EventEmitter();
  const images = new EventEmitter();
  const networks = new EventEmitter();
  const disconnect = connectEventSources(bus, { containers: { events: containers, store }, volumes: { events: volumes }, images: { events: images }, networks: { events: networks } });
  const last = () => bus.history({ since: 0n }).at(-1)!.message;
  return { bus, store, containers, volumes, images, networks, disconnect, last };
}

describe('event sources', () => {
  it('gives container events the labels, then image and name over them', () => {
    const s = setup();
    s.store.records.set(ID, record('web', { tier: 'front', name: 'label-loses' }));
    s.containers.emit('event', { type: 'container', action: 'start', id: ID });
    assert.deepEqual(s.last().Actor, { ID, Attributes: { tier: 'front', image: 'busybox', name: 'web' } });
  });

  it('adds exitCode and execDuration to die, signal to kill, execID to exec events', () => {
    const s = setup();
    s.store.records.set(ID, record('web'));
    s.containers.emit('event', { type: 'container', action: 'die', id: ID, exitCode: 3 });
    assert.equal(s.last().Actor.Attributes['exitCode'], '3');
    assert.equal(s.last().Actor.Attributes['execDuration'], '3');
    s.containers.emit('event', { type: 'container', action: 'kill', id: ID, signal: 15 });
    assert.equal(s.last().Actor.Attributes['signal'], '15');
    s.containers.emit('event', { type: 'container', action: 'exec_create: sh -c ls', id: ID, execId: 'e1' });
    assert.equal(s.last().Action, 'exec_create: sh -c ls');
    assert.equal(s.last().Actor.Attributes['execID'], 'e1');
    s.containers.emit('event', { type: 'container', action: 'exec_die', id: ID, execId: 'e1', exitCode: 0 });
    assert.deepEqual([s.last().Actor.Attributes['execID'], s.last().Actor.Attributes['exitCode']], ['e1', '0']);
  });

  it('still names a container at destroy, when its record is gone', () => {
    const s = setup();
    s.store.records.set(ID, record('web', { a: 'b' }));
    s.containers.emit('event', { type: 'container', action: 'create', id: ID });
    s.store.records.delete(ID);
    s.containers.emit('event', { type: 'container', action: 'destroy', id: ID });
    assert.deepEqual(s.last().Actor.Attributes, { a: 'b', image: 'busybox', name: 'web' });
  });

  it('knows containers created before it started (primed from the store)', () => {
    const store = new MapStore();
    store.records.set(ID, record('old'));
    const s = setup(store);
    store.records.delete(ID);
    s.containers.emit('event', { type: 'container', action: 'destroy', id: ID });
    assert.equal(s.last().Actor.Attributes['name'], 'old');
  });

  it('gives rename the old name', () => {
    const s = setup();
    const r = record('before');
    s.store.records.set(ID, r);
    s.containers.emit('event', { type: 'container', action: 'create', id: ID });
    r.name = 'after';
    s.containers.emit('event', { type: 'container', action: 'rename', id: ID });
    assert.deepEqual([s.last().Actor.Attributes['name'], s.last().Actor.Attributes['oldName']], ['after', 'before']);
  });

  it('passes image, volume and network attributes through, with reclaimed on prune', () => {
    const s = setup();
    s.images.emit('event', { type: 'image', action: 'tag', id: 'sha256:1', attributes: { name: 'a:b' } });
    assert.deepEqual([s.last().Type, s.last().Action, s.last().Actor.Attributes], ['image', 'tag', { name: 'a:b' }]);
    s.volumes.emit('event', { type: 'volume', action: 'prune', id: '', reclaimed: 42 });
    assert.deepEqual(s.last().Actor, { ID: '', Attributes: { reclaimed: '42' } });
    s.networks.emit('event', { type: 'network', action: 'connect', id: 'n1', attributes: { container: ID, name: 'net', type: 'bridge' } });
    assert.equal(s.last().Actor.Attributes['container'], ID);
  });

  it('never throws into the emitting service, and stops listening when disconnected', () => {
    const store = new MapStore();
    store.tryGet = () => {
      throw new Error('store broken');
    };
    const logs: string[] = [];
    const bus = EventBus.inMemory();
    const containers = new EventEmitter();
    const disconnect = connectEventSources(bus, { containers: { events: containers, store } }, (m) => logs.push(m));
    assert.doesNotThrow(() => containers.emit('event', { type: 'container', action: 'start', id: ID }));
    assert.match(logs.join(), /dropped container start: store broken/);
    disconnect();
    assert.equal(containers.listenerCount('event'), 0);
  });
});
