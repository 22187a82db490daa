import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, FrameDecoder } from './stream-frames.js';

test('decodes frames split at every byte boundary', () => {
  const wire = Buffer.concat([encodeFrame(1, Buffer.from('out')), encodeFrame(2, Buffer.from('err!')), encodeFrame(1, Buffer.alloc(0))]);
  for (let cut = 0; cut <= wire.length; cut++) {
    const d = new FrameDecoder();
    const frames = [...d.push(wire.subarray(0, cut)), ...d.push(wire.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => [f.stream, f.data.toString()]),
      [
        [1, 'out'],
        [2, 'err!'],
        [1, ''],
      ],
    );
    assert.equal(d.buffered, 0);
  }
});

test('encodes the 8-byte header with a big-endian length', () => {
  const f = encodeFrame(2, Buffer.alloc(0x010203));
  assert.deepEqual([...f.subarray(0, 8)], [2, 0, 0, 0, 0, 1, 2, 3]);
});

test('rejects a stream number that is not stdin, stdout or stderr', () => {
  assert.throws(() => new FrameDecoder().push(Buffer.from([7, 0, 0, 0, 0, 0, 0, 0])), /invalid stdio frame/);
});
