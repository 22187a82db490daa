import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScale, upOptions } from './up.js';

describe('compose up flags', () => {
  it('reads --scale SERVICE=NUM', () => {
    assert.deepEqual(parseScale(['api=3', 'web=0']), { api: 3, web: 0 });
    assert.throws(() => parseScale(['api']), /invalid --scale value "api": use SERVICE=NUM/);
    assert.throws(() => parseScale(['api=-1']), /invalid --scale value/);
  });

  it('turns flags into up options; --force-recreate and --no-recreate exclude each other', () => {
    assert.deepEqual(upOptions(['web'], { deps: false, build: true, wait: true, waitTimeout: 5, timeout: 2 }), {
      services: ['web'],
      noDeps: true,
      forceRecreate: false,
      noRecreate: false,
      removeOrphans: false,
      build: true,
      scale: {},
      noStart: false,
      wait: true,
      waitTimeoutMs: 5000,
      stopTimeout: 2,
    });
    assert.throws(() => upOptions([], { forceRecreate: true, recreate: false }), /incompatible/);
  });
});
