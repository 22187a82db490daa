import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../cli-errors.js';
import { parseEvent } from '../client/events.js';
import { eventTemplate, formatEvent, prettyEvent } from './event.js';

const ID = '0123456789ab' + 'f'.repeat(52);
const LINE = `{"status":"start","id":"${ID}","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"${ID}","Attributes":{"image":"busybox","name":"x","a\\u003eb":"c\\u0026d"}},"scope":"local","time":1795466489,"timeNano":1795466489123456789}`;

describe('events output', () => {
  before(() => {
    process.env['TZ'] = 'UTC'; // docker prints the local zone; UTC makes it "Z"
  });

  it('reads timeNano exactly from the line', () => {
    const m = parseEvent(LINE);
    assert.equal(m.timeNano, 1795466489123456789n);
    assert.equal(m.Actor.Attributes!['a>b'], 'c&d');
  });

  it('prints docker’s default line: fixed nanoseconds, type, action, ID, sorted attributes', () => {
    assert.equal(prettyEvent(parseEvent(LINE)), `2026-11-23T20:41:29.123456789Z container start ${ID} (a>b=c&d, image=busybox, name=x)\n`);
  });

  it('leaves out the parentheses without attributes and falls back to time', () => {
    const m = parseEvent('{"Type":"volume","Action":"prune","Actor":{"ID":"","Attributes":{}},"scope":"local","time":1795466489}');
    assert.equal(prettyEvent(m), '2026-11-23T20:41:29.000000000Z volume prune \n');
  });

  it('runs a Go template with the message’s Go field names', () => {
    const t = eventTemplate('{{.Type}} {{.Status}} {{.ID}} {{.From}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}} {{.Scope}} {{.Time}} {{.TimeNano}}');
    assert.equal(formatEvent(parseEvent(LINE), t), `container start ${ID} busybox start ${ID} x local 1795466489 1795466489123456789\n`);
    assert.equal(formatEvent(parseEvent(LINE), eventTemplate('{{.Actor.Attributes.nope}}')), '<no value>\n');
  });

  it('prints json as docker’s json function: Go’s field names and order, no HTML escaping', () => {
    const out = formatEvent(parseEvent(LINE), eventTemplate('json'));
    assert.equal(out, `${LINE.replace('a\\u003eb', 'a>b').replace('c\\u0026d', 'c&d').replace('"Attributes":{"image":"busybox","name":"x","a>b":"c&d"}', '"Attributes":{"a>b":"c&d","image":"busybox","name":"x"}')}\n`);
  });

  it('refuses a bad template before any event, with docker’s status 64', () => {
    assert.throws(
      () => eventTemplate('{{.Nope}}'),
      (err: unknown) => err instanceof StatusError && err.status === 64 && /^Error parsing format: template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type \*events.Message$/.test(err.message),
    );
    assert.throws(() => eventTemplate('{{.Type'), (err: unknown) => err instanceof StatusError && err.status === 64 && /^Error parsing format: template: :1: unclosed action/.test(err.message));
    assert.equal(eventTemplate(''), undefined);
  });
});
