import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { displayName, LogPrinter } from './log-printer.js';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString()));
  return { out, text: () => text };
}

describe('compose log printer', () => {
  it('prefixes whole lines, padded to the widest name, keeping partial lines until they end', () => {
    const { out, text } = capture();
    const p = new LogPrinter(out, ['web-1', 'api-10'], { color: false, prefix: true });
    p.write('web-1', 'web', 'one\ntw');
    p.write('api-10', 'api', 'x\r\n');
    p.write('web-1', 'web', 'o\n');
    p.write('web-1', 'web', 'tail');
    p.flush('web-1', 'web');
    assert.equal(text(), 'web-1   | one\napi-10  | x\nweb-1   | two\nweb-1   | tail\n');
  });

  it('colours prefixes per service, and can drop them', () => {
    const coloured = capture();
    const p = new LogPrinter(coloured.out, ['a-1'], { color: true, prefix: true });
    p.write('a-1', 'a', 'x\n');
    p.write('b-1', 'b', 'y\n');
    assert.equal(coloured.text(), '\u001b[36ma-1  | \u001b[0mx\n\u001b[33mb-1  | \u001b[0my\n');
    const bare = capture();
    new LogPrinter(bare.out, ['a-1'], { color: true, prefix: false }).write('a-1', 'a', 'x\n');
    assert.equal(bare.text(), 'x\n');
  });

  it('shows container names without the project prefix', () => {
    assert.equal(displayName('shop', 'shop-web-1'), 'web-1');
    assert.equal(displayName('shop', 'custom'), 'custom');
  });
});
