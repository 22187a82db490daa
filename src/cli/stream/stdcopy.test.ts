import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough, Readable } from 'node:stream';
import { demuxStream, encodeFrame, FrameDecoder, STDERR, STDOUT, SYSTEMERR } from './stdcopy.js';

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

describe('stdcopy demultiplexing', () => {
  it('decodes whole frames in order', () => {
    const d = new FrameDecoder();
    const frames = d.push(Buffer.concat([encodeFrame(STDOUT, 'out\n'), encodeFrame(STDERR, 'err\n')]));
    assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'out\n'], [2, 'err\n']]);
    assert.equal(d.pendingBytes, 0);
  });

  it('reassembles a frame split at every possible byte boundary', () => {
    const wire = Buffer.concat([encodeFrame(STDOUT, 'hello'), encodeFrame(STDERR, 'world!'), encodeFrame(STDOUT, '')]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const d = new FrameDecoder();
      const frames = [...d.push(wire.subarray(0, cut)), ...d.push(wire.subarray(cut))];
      assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'hello'], [2, 'world!'], [1, '']], `cut at ${cut}`);
      assert.equal(d.pendingBytes, 0);
    }
  });

  it('handles a stream delivered one byte at a time, header included', () => {
    const wire = Buffer.concat([encodeFrame(STDERR, 'a'.repeat(300)), encodeFrame(STDOUT, 'b')]);
    const d = new FrameDecoder();
    const frames = [];
    for (const byte of wire) frames.push(...d.push(Buffer.from([byte])));
    assert.deepEqual(frames.map((f) => [f.stream, f.payload.length]), [[2, 300], [1, 1]]);
  });

  it('routes stdout and stderr frames to their own sinks', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const outText = collect(out);
    const errText = collect(err);
    const wire = Buffer.concat([encodeFrame(STDOUT, 'one\n'), encodeFrame(STDERR, 'oops\n'), encodeFrame(STDOUT, 'two\n')]);
    // Re-chunk at odd sizes so frames straddle reads.
    const chunks = [wire.subarray(0, 5), wire.subarray(5, 19), wire.subarray(19)];
    await demuxStream(Readable.from(chunks), out, err);
    assert.equal(outText(), 'one\ntwo\n');
    assert.equal(errText(), 'oops\n');
  });

  it('fails on a system-error frame with its message', async () => {
    const wire = Buffer.concat([encodeFrame(STDOUT, 'x'), encodeFrame(SYSTEMERR, 'broken pipe in daemon')]);
    await assert.rejects(demuxStream(Readable.from([wire]), new PassThrough(), new PassThrough()), { message: 'broken pipe in daemon' });
  });

  it('fails when the stream ends inside a frame', async () => {
    const wire = encodeFrame(STDOUT, 'truncated').subarray(0, 12);
    await assert.rejects(demuxStream(Readable.from([wire]), new PassThrough(), new PassThrough()), /unexpected EOF/);
  });

  it('rejects an unknown stream id', () => {
    const bad = encodeFrame(STDOUT, 'x');
    bad[0] = 9;
    assert.throws(() => new FrameDecoder().push(bad), /unrecognized input header: 9/);
  });
});
