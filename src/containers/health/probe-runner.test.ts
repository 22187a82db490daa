import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeOutput } from './probe-runner.js';

test('the output the monitor kept, with "..." when it dropped the rest (moby\'s limitedBuffer)', () => {
  assert.equal(probeOutput(Buffer.from('fine\n'), false), 'fine\n');
  assert.equal(probeOutput(Buffer.alloc(4096, 'a'), true), `${'a'.repeat(4096)}...`);
  // A multi-byte character cut at the limit becomes U+FFFD (Go writes one per invalid byte: a small difference).
  assert.equal(probeOutput(Buffer.from([0x61, 0xe2, 0x82]), true), 'a\ufffd...');
});
