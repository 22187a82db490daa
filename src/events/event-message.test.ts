import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEventLine, encodeEventLine, type EventMessage } from './event-message.js';

const ID = 'a'.repeat(64);

function message(over: Partial<EventMessage> = {}): EventMessage {
  return {
    Type: 'container',
    Action: 'start',
    Actor: { ID, Attributes: { name: 'web', image: 'busybox', 'com.example': 'x' } },
    scope: 'local',
    time: 1700000000,
    timeNano: 1700000000123456789n,
    ...over,
  };
}

describe('event wire line', () => {
  it('writes moby’s field order, the legacy fields of container events and sorted attributes', () => {
    assert.equal(
      encodeEventLine(message()),
      `{"status":"start","id":"${ID}","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"${ID}","Attributes":{"com.example":"x","image":"busybox","name":"web"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}\n`,
    );
  });

  it('gives image events status and id but no from, and other types none of them', () => {
    const image = encodeEventLine(message({ Type: 'image', Action: 'tag', Actor: { ID: 'sha256:1', Attributes: { name: 'a:b' } } }));
    assert.match(image, /^\{"status":"tag","id":"sha256:1","Type":"image",/);
    const volume = encodeEventLine(message({ Type: 'volume', Action: 'create', Actor: { ID: 'v', Attributes: { driver: 'local' } } }));
    assert.match(volume, /^\{"Type":"volume","Action":"create","Actor":\{"ID":"v","Attributes":\{"driver":"local"\}\},/);
  });

  it('leaves out an empty id (a prune) and escapes as Go’s encoder does', () => {
    const line = encodeEventLine(message({ Type: 'image', Action: 'prune', Actor: { ID: '', Attributes: { reclaimed: '0' } } }));
    assert.match(line, /^\{"status":"prune","Type":"image","Action":"prune","Actor":\{"ID":"",/);
    const exec = encodeEventLine(message({ Action: 'exec_create: sh -c a>b&&c<d "q"' }));
    assert.ok(exec.includes('"Action":"exec_create: sh -c a\\u003eb\\u0026\\u0026c\\u003cd \\"q\\""'), exec);
  });

  it('reads back what it wrote, with timeNano exact', () => {
    const m = message();
    const back = decodeEventLine(encodeEventLine(m).trimEnd());
    assert.deepEqual(back, m);
    assert.equal(back!.timeNano, 1700000000123456789n);
  });

  it('skips a torn line, a foreign line and a wrongly typed one instead of throwing', () => {
    const line = encodeEventLine(message()).trimEnd();
    assert.equal(decodeEventLine(line.slice(0, line.length - 9)), undefined);
    assert.equal(decodeEventLine('not json'), undefined);
    assert.equal(decodeEventLine('{"Type":"bogus","Action":"x","Actor":{"ID":""}}'), undefined);
    assert.equal(decodeEventLine('{"Type":"container","Action":"x","Actor":{"ID":"i","Attributes":{"n":1}}}'), undefined);
  });

  it('takes timeNano from time when a line has none (an old dockerd line)', () => {
    const m = decodeEventLine('{"Type":"network","Action":"create","Actor":{"ID":"n","Attributes":{}},"scope":"local","time":5}');
    assert.equal(m?.timeNano, 5_000_000_000n);
  });
});
