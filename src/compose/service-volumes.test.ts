import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVolumes, resolveBindSource } from './service-volumes.js';

describe('service volumes', () => {
  it('reads anonymous, named and bind short syntax with modes', () => {
    assert.deepEqual(parseVolumes(['/data', 'db:/var/lib/db', './site:/www:ro', '~/c:/etc/c:rw,rshared', '/host:/ctr:nocopy'], 'v'), [
      { type: 'volume', target: '/data' },
      { type: 'volume', source: 'db', target: '/var/lib/db' },
      { type: 'bind', source: './site', target: '/www', read_only: true, bind: { create_host_path: true } },
      { type: 'bind', source: '~/c', target: '/etc/c', bind: { propagation: 'rshared', create_host_path: true } },
      { type: 'bind', source: '/host', target: '/ctr', volume: { nocopy: true }, bind: { create_host_path: true } },
    ]);
  });

  it('reads the long syntax', () => {
    assert.deepEqual(parseVolumes([{ type: 'tmpfs', target: '/run', tmpfs: { size: '1m' } }, { type: 'volume', source: 'x', target: '/x', read_only: 'true' }], 'v'), [
      { type: 'tmpfs', target: '/run', tmpfs: { size: 1048576 } },
      { type: 'volume', source: 'x', target: '/x', read_only: true },
    ]);
  });

  it('refuses bad entries', () => {
    assert.throws(() => parseVolumes(['a:relative'], 'services.db.volumes'), /services\.db\.volumes\[0\]: invalid volume specification "a:relative"/);
    assert.throws(() => parseVolumes(['a:b:c:d'], 'v'), /invalid volume specification/);
    assert.throws(() => parseVolumes([{ type: 'nfs', target: '/x' }], 'v'), /type must be one of/);
    assert.throws(() => parseVolumes([{ type: 'bind', target: '/x' }], 'v'), /a bind mount needs a source/);
  });

  it('resolves bind sources against the project directory and HOME', () => {
    assert.equal(resolveBindSource('./site', '/proj', '/root'), '/proj/site');
    assert.equal(resolveBindSource('../x', '/proj/a', '/root'), '/proj/x');
    assert.equal(resolveBindSource('~/conf', '/proj', '/home/u'), '/home/u/conf');
    assert.equal(resolveBindSource('/abs', '/proj', '/root'), '/abs');
  });
});
