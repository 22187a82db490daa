import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventMatches, parseEventFilter } from './event-filter.js';
import type { EventMessage, EventType } from './event-message.js';

const CID = '3f4e5d6c7b8a' + '0'.repeat(52);

function ev(Type: EventType, Action: string, ID: string, Attributes: Record<string, string> = {}): EventMessage {
  return { Type, Action, Actor: { ID, Attributes }, scope: 'local', time: 1, timeNano: 1_000_000_000n };
}

const start = ev('container', 'start', CID, { name: 'web', image: 'busybox:latest', tier: 'front' });
const execCreate = ev('container', 'exec_create: sh -c ls', CID, { name: 'web', image: 'busybox:latest', execID: 'e1' });
const tag = ev('image', 'tag', 'sha256:' + 'b'.repeat(64), { name: 'myrepo:v1', maintainer: 'me' });
const vol = ev('volume', 'create', 'data', { driver: 'local' });
const net = ev('network', 'connect', 'n'.repeat(64), { name: 'webnet', type: 'bridge', container: CID });

function f(spec: Record<string, string[]>) {
  return parseEventFilter(new Map(Object.entries(spec)));
}

describe('events filters', () => {
  it('refuses a key moby does not know, with moby’s wording', () => {
    assert.throws(() => f({ nope: ['x'] }), { name: 'InvalidArgumentError', message: "invalid filter 'nope'" });
  });

  it('refuses a type or scope no event can have', () => {
    assert.throws(() => f({ type: ['contianer'] }), /invalid filter 'type=contianer': must be one of builder, config, container/);
    assert.throws(() => f({ scope: ['global'] }), /invalid filter 'scope=global'/);
  });

  it('matches everything without filters', () => {
    for (const e of [start, tag, vol, net]) assert.ok(eventMatches(f({}), e));
  });

  it('type and event match exactly; several values are alternatives', () => {
    assert.ok(eventMatches(f({ type: ['container'] }), start));
    assert.ok(!eventMatches(f({ type: ['container'] }), tag));
    assert.ok(eventMatches(f({ type: ['image', 'volume'] }), vol));
    assert.ok(eventMatches(f({ event: ['start', 'die'] }), start));
    assert.ok(!eventMatches(f({ event: ['star'] }), start));
  });

  it('exec_create, exec_start and health_status match their "verb: …" actions by prefix', () => {
    assert.ok(eventMatches(f({ event: ['exec_create'] }), execCreate));
    assert.ok(!eventMatches(f({ event: ['exec_die'] }), execCreate));
    assert.ok(eventMatches(f({ event: ['health_status'] }), ev('container', 'health_status: healthy', CID)));
  });

  it('container matches the ID, an ID prefix or the name (prefix), and narrows other types too, as moby', () => {
    assert.ok(eventMatches(f({ container: [CID] }), start));
    assert.ok(eventMatches(f({ container: ['3f4e5d'] }), start));
    assert.ok(eventMatches(f({ container: ['web'] }), start));
    assert.ok(!eventMatches(f({ container: ['db'] }), start));
    // moby's fuzzyMatchName runs for every event: a network named web… passes container=web.
    assert.ok(eventMatches(f({ container: ['web'] }), net));
    assert.ok(!eventMatches(f({ container: ['web'] }), vol));
  });

  it('volume and network match by name or ID', () => {
    assert.ok(eventMatches(f({ volume: ['data'] }), vol));
    assert.ok(eventMatches(f({ network: ['webnet'] }), net));
    assert.ok(eventMatches(f({ network: ['nnnn'] }), net));
    assert.ok(!eventMatches(f({ network: ['other'] }), net));
  });

  it('image matches container events by their image and image events by ID or name, tag or not', () => {
    assert.ok(eventMatches(f({ image: ['busybox'] }), start));
    assert.ok(eventMatches(f({ image: ['busybox:latest'] }), start));
    assert.ok(!eventMatches(f({ image: ['alpine'] }), start));
    assert.ok(eventMatches(f({ image: ['myrepo'] }), tag));
    assert.ok(eventMatches(f({ image: ['myrepo:v1'] }), tag));
    assert.ok(eventMatches(f({ image: [tag.Actor.ID] }), tag));
  });

  it('label matches a key, or key=value, against all attributes; every label must match', () => {
    assert.ok(eventMatches(f({ label: ['tier'] }), start));
    assert.ok(eventMatches(f({ label: ['tier=front'] }), start));
    assert.ok(!eventMatches(f({ label: ['tier=back'] }), start));
    assert.ok(!eventMatches(f({ label: ['tier', 'missing'] }), start));
    assert.ok(eventMatches(f({ label: ['maintainer=me'] }), tag));
    assert.ok(!eventMatches(f({ label: ['tier'] }), ev('container', 'x', CID)));
  });

  it('keys combine with AND', () => {
    assert.ok(eventMatches(f({ type: ['container'], event: ['start'], container: ['web'] }), start));
    assert.ok(!eventMatches(f({ type: ['container'], event: ['stop'], container: ['web'] }), start));
  });
});
