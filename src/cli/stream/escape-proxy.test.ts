import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EscapeProxy, parseDetachKeys } from './escape-proxy.js';

describe('detach keys', () => {
  it('parses docker key syntax', () => {
    assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
    assert.deepEqual([...parseDetachKeys('ctrl-a,x,ctrl-@,ctrl-_')], [1, 120, 0, 31]);
    assert.throws(() => parseDetachKeys('ctrl-1'), /invalid detach keys \(ctrl-1\)/);
    assert.throws(() => parseDetachKeys('abc'), /unknown character: 'abc'/);
  });

  it('forwards ordinary input untouched', () => {
    const p = new EscapeProxy();
    assert.deepEqual(p.push(Buffer.from('ls -l\r')), { forward: Buffer.from('ls -l\r'), detached: false });
  });

  it('detaches on ctrl-p ctrl-q, even split across reads, without forwarding them', () => {
    const p = new EscapeProxy();
    assert.deepEqual(p.push(Buffer.from([0x61, 16])), { forward: Buffer.from([0x61]), detached: false });
    assert.deepEqual(p.push(Buffer.from([17])), { forward: Buffer.alloc(0), detached: true });
  });

  it('releases a held ctrl-p when the next key breaks the sequence', () => {
    const p = new EscapeProxy();
    assert.deepEqual(p.push(Buffer.from([16])).forward, Buffer.alloc(0));
    assert.deepEqual(p.push(Buffer.from([0x78])), { forward: Buffer.from([16, 0x78]), detached: false });
    // ctrl-p ctrl-p ctrl-q: the first is released, the last two detach.
    assert.deepEqual(p.push(Buffer.from([16, 16, 17])), { forward: Buffer.from([16]), detached: true });
  });

  it('supports a single-key sequence', () => {
    const p = new EscapeProxy(parseDetachKeys('ctrl-x'));
    assert.deepEqual(p.push(Buffer.from([0x61, 24, 0x62])), { forward: Buffer.from([0x61]), detached: true });
  });
});
