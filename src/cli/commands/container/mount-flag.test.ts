import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountFlag, splitCsvRecord } from './mount-flag.js';

describe('--mount', () => {
  it('reads every field docker reads, volume by default', () => {
    assert.deepEqual(parseMountFlag('target=/data', '/w'), { Type: 'volume', Target: '/data' });
    assert.deepEqual(parseMountFlag('type=bind,src=./site,dst=/usr/share/www,readonly,bind-propagation=RSLAVE', '/w'), {
      Type: 'bind', Source: '/w/site', Target: '/usr/share/www', ReadOnly: true, BindOptions: { Propagation: 'rslave' },
    });
    assert.deepEqual(
      parseMountFlag('source=v1,destination=/d,volume-nocopy,volume-label=a=b,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-driver=local,ro=false', '/w'),
      { Type: 'volume', Source: 'v1', Target: '/d', ReadOnly: false, VolumeOptions: { Labels: { a: 'b' }, NoCopy: true, DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs' } } } },
    );
    assert.deepEqual(parseMountFlag('type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770', '/w'), {
      Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1770 },
    });
  });

  it('takes a quoted field holding commas, as a CSV record', () => {
    assert.deepEqual(splitCsvRecord('a,"b,c",d'), ['a', 'b,c', 'd']);
    assert.deepEqual(parseMountFlag('type=volume,dst=/d,"volume-opt=o=size=1m,uid=1000"', '/w').VolumeOptions?.DriverConfig?.Options, { o: 'size=1m,uid=1000' });
  });

  it('refuses what docker refuses, in its words', () => {
    assert.throws(() => parseMountFlag('type=bind,src=/a', '/w'), { message: 'target is required' });
    assert.throws(() => parseMountFlag('dst=/a,bogus', '/w'), { message: "invalid field 'bogus' must be a key=value pair" });
    assert.throws(() => parseMountFlag('dst=/a,colour=red', '/w'), { message: "unexpected key 'colour' in 'colour=red'" });
    assert.throws(() => parseMountFlag('type=bind,src=/a,dst=/b,volume-nocopy', '/w'), { message: "cannot mix 'volume-*' options with mount type 'bind'" });
    assert.throws(() => parseMountFlag('type=tmpfs,dst=/b,tmpfs-mode=999', '/w'), { message: 'invalid value for tmpfs-mode: 999' });
    assert.throws(() => parseMountFlag('dst=/b,ro=maybe', '/w'), { message: 'invalid value for ro: maybe' });
  });
});
