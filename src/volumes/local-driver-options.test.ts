import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { localMountSpec, validateLocalOptions } from './local-driver-options.js';

describe('local driver options', () => {
  it('accepts tmpfs and bind types and no options at all', () => {
    validateLocalOptions(null);
    validateLocalOptions({});
    validateLocalOptions({ type: 'tmpfs', device: 'tmpfs', o: 'size=100m' });
    validateLocalOptions({ type: 'none', device: '/srv/data', o: 'bind' });
  });

  it("refuses what Docker's local driver refuses", () => {
    assert.throws(() => validateLocalOptions({ colour: 'red' }), { message: 'invalid option: "colour"' });
    assert.throws(() => validateLocalOptions({ type: 'tmpfs' }), { message: 'missing required option: "device"' });
    assert.throws(() => validateLocalOptions({ o: 'size=1m', device: 'tmpfs' }), { message: 'missing required option: "type"' });
    assert.throws(() => validateLocalOptions({ size: '10m' }), { message: 'quota size requested but no quota support' });
    assert.throws(() => validateLocalOptions({ type: 'none', device: 'rel/dir', o: 'bind' }), { message: /must be an absolute path/ });
  });

  it('builds the mount for the volume data directory', () => {
    assert.deepEqual(localMountSpec({ type: 'tmpfs', device: 'tmpfs', o: 'size=1m,uid=1000' }, '/v/x'), { type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'uid=1000'] });
    assert.deepEqual(localMountSpec({ type: 'none', device: '/srv', o: 'bind' }, '/v/x'), { type: 'none', source: '/srv', options: ['bind'] });
  });

  it('refuses to bind a volume into itself', () => {
    assert.throws(() => localMountSpec({ type: 'none', device: '/v/x/_data', o: 'bind' }, '/v/x'), { message: /would bind the volume into itself/ });
    assert.throws(() => localMountSpec({ type: 'none', device: '/v/x', o: 'bind' }, '/v/x'), { message: /would bind the volume into itself/ });
  });
});
