import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressOutput, shortId, type JsonMessage } from './progress.js';

describe('ProgressOutput', () => {
  it("writes moby's shapes: status lines, layer updates, byte counts and aux", () => {
    const got: JsonMessage[] = [];
    const out = new ProgressOutput((m) => got.push(m));
    out.message('Pulling from library/busybox', 'latest');
    out.update('0123456789ab', 'Pulling fs layer');
    out.bytes('0123456789ab', 'Downloading', 0, 100, true);
    out.bytes('0123456789ab', 'Downloading', 50, 100, true);
    out.aux({ Tag: 'v1' });
    assert.deepEqual(
      got.map((m) => JSON.stringify(m)),
      [
        '{"status":"Pulling from library/busybox","id":"latest"}',
        '{"status":"Pulling fs layer","progressDetail":{},"id":"0123456789ab"}',
        '{"status":"Downloading","progressDetail":{"total":100},"id":"0123456789ab"}',
        '{"status":"Downloading","progressDetail":{"current":50,"total":100},"id":"0123456789ab"}',
        '{"progressDetail":{},"aux":{"Tag":"v1"}}',
      ],
    );
  });

  it('sends byte counts at most every 100 ms per layer, and the final count always', () => {
    const got: JsonMessage[] = [];
    const out = new ProgressOutput((m) => got.push(m));
    for (let i = 1; i <= 1000; i++) out.bytes('a', 'Pushing', i, 1000);
    out.bytes('b', 'Pushing', 1, 10);
    out.bytes('a', 'Pushing', 1000, 1000, true);
    assert.deepEqual(
      got.map((m) => [m.id, m.progressDetail?.current]),
      [
        ['a', 1],
        ['b', 1],
        ['a', 1000],
      ],
    );
  });

  it('keys layers by the first 12 hex digits of their digest', () => {
    assert.equal(shortId(`sha256:${'ab'.repeat(32)}`), 'abababababab');
  });
});
