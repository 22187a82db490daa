import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isValidMode, parseBind, parseMount, parseVolumesFrom, tmpfsData } from './mount-spec.js';

describe('parseBind (-v / HostConfig.Binds)', () => {
  it('reads a named volume, with Docker\'s "z" mode when none is given', () => {
    assert.deepEqual(parseBind('data:/var/lib/data').point, {
      type: 'volume', name: 'data', source: '', destination: '/var/lib/data', driver: 'local', mode: 'z', rw: true, propagation: '', copyData: true,
    });
  });

  it('reads a read-only, nocopy volume and keeps the mode text', () => {
    const p = parseBind('data:/d:ro,nocopy').point;
    assert.equal(p.rw, false);
    assert.equal(p.copyData, false);
    assert.equal(p.mode, 'ro,nocopy');
  });

  it('reads a host path as a bind, rprivate unless a propagation is given', () => {
    assert.deepEqual(parseBind('/srv/www/:/usr/share/www').point, {
      type: 'bind', source: '/srv/www', destination: '/usr/share/www', mode: '', rw: true, propagation: 'rprivate', createSource: true,
    });
    const p = parseBind('/srv:/srv:ro,rshared').point;
    assert.equal(p.propagation, 'rshared');
    assert.equal(p.rw, false);
  });

  it('makes a lone destination an anonymous volume', () => {
    const r = parseBind('/cache');
    assert.equal(r.point.type, 'volume');
    assert.equal(r.point.name, '');
  });

  it('refuses malformed specs with Docker\'s words', () => {
    assert.throws(() => parseBind('/foo:rw'), { message: "invalid volume specification: '/foo:rw'" });
    assert.throws(() => parseBind(':/x'), { message: "invalid volume specification: ':/x'" });
    assert.throws(() => parseBind('a:/b:c:d'), { message: "invalid volume specification: 'a:/b:c:d'" });
    assert.throws(() => parseBind('v:/x:rw,ro'), { message: 'invalid mode: rw,ro' });
    assert.throws(() => parseBind('v:/x:bogus'), { message: 'invalid mode: bogus' });
    assert.throws(() => parseBind('v:relative'), {
      message: `invalid volume specification: 'v:relative': invalid mount config for type "volume": invalid mount path: 'relative' mount path must be absolute`,
    });
    assert.throws(() => parseBind('/h:/'), { message: /destination can't be '\/'/ });
  });

  it('cleans destinations', () => {
    assert.equal(parseBind('v:/a/../b/./c/').point.destination, '/b/c');
  });
});

describe('parseMount (--mount / HostConfig.Mounts)', () => {
  it('reads a bind that must exist, with its propagation and non-recursive option', () => {
    const r = parseMount({ Type: 'bind', Source: '/src', Target: '/dst', ReadOnly: true, BindOptions: { Propagation: 'rslave', NonRecursive: true } });
    assert.equal(r.sourceMustExist, true);
    assert.deepEqual(r.point, { type: 'bind', source: '/src', destination: '/dst', mode: '', rw: false, propagation: 'rslave', createSource: false, nonRecursive: true });
  });

  it('reads a volume with driver options, labels and nocopy', () => {
    const r = parseMount({
      Type: 'volume', Source: 'v1', Target: '/d',
      VolumeOptions: { NoCopy: true, Labels: { a: 'b' }, DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs' } } },
    });
    assert.equal(r.point.copyData, false);
    assert.equal(r.point.mode, 'z');
    assert.deepEqual(r.volume, { driver: 'local', driverOpts: { type: 'tmpfs', device: 'tmpfs' }, labels: { a: 'b' } });
  });

  it('turns tmpfs options into mount data', () => {
    const r = parseMount({ Type: 'tmpfs', Target: '/t', ReadOnly: true, TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1770 } });
    assert.equal(r.point.tmpfsData, 'size=64m,mode=1770,ro');
    assert.equal(tmpfsData({ SizeBytes: 1000 }, false), 'size=1000');
    assert.equal(tmpfsData({ SizeBytes: 3 * 1024 }, false), 'size=3k');
  });

  it('refuses what Docker refuses, with its words', () => {
    assert.throws(() => parseMount({ Type: 'bind', Target: '/x' }), { message: 'invalid mount config for type "bind": field Source must not be empty' });
    assert.throws(() => parseMount({ Type: 'bind', Source: 'rel', Target: '/x' }), { message: `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute` });
    assert.throws(() => parseMount({ Type: 'volume', Target: '' }), { message: 'invalid mount config for type "volume": field Target must not be empty' });
    assert.throws(() => parseMount({ Type: 'volume', Target: '/x', ReadOnly: true }), { message: /must not set ReadOnly mode when using anonymous volumes/ });
    assert.throws(() => parseMount({ Type: 'tmpfs', Source: 'x', Target: '/x' }), { message: 'invalid mount config for type "tmpfs": field Source must not be specified' });
    assert.throws(() => parseMount({ Type: 'volume', Target: '/x', BindOptions: {} }), { message: /field BindOptions must not be specified/ });
    assert.throws(() => parseMount({ Type: 'npipe', Target: '/x' }), { message: 'invalid mount config for type "npipe": mount type unknown' });
    assert.throws(() => parseMount({ Type: 'bind', Source: '/a', Target: '/x', BindOptions: { Propagation: 'sideways' } }), { message: /invalid propagation mode: sideways/ });
  });
});

describe('parseVolumesFrom', () => {
  it('reads a container with an optional ro/rw mode', () => {
    assert.deepEqual(parseVolumesFrom('data'), { container: 'data', readOnly: false });
    assert.deepEqual(parseVolumesFrom('data:ro'), { container: 'data', readOnly: true });
    assert.deepEqual(parseVolumesFrom('data:rw'), { container: 'data', readOnly: false });
  });

  it('refuses propagation and copy modes, and an empty spec', () => {
    assert.throws(() => parseVolumesFrom('data:rshared'), { message: 'invalid mode: rshared' });
    assert.throws(() => parseVolumesFrom('data:nocopy'), { message: 'invalid mode: nocopy' });
    assert.throws(() => parseVolumesFrom(''), { message: 'volumes-from specification cannot be an empty string' });
  });
});

describe('isValidMode', () => {
  it('allows one option of each kind', () => {
    assert.ok(isValidMode('ro,z,rslave,nocopy,cached'));
    assert.ok(!isValidMode('ro,rw'));
    assert.ok(!isValidMode('z,Z'));
  });
});
