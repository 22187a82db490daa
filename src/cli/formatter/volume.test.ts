import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Volume } from '../client/volumes.js';
import { assertGolden } from './golden-file.js';
import { renderTable } from './table.js';
import { naturalLess, VOLUME_HEADERS, volumeFormat, volumeRows } from './volume.js';

const VOLUMES: Volume[] = [
  { Name: 'data10', Driver: 'local', Mountpoint: '/var/lib/berth/volumes/data10/_data', Labels: { tier: 'db', env: 'prod' }, Options: null, Scope: 'local' },
  { Name: 'data2', Driver: 'local', Mountpoint: '/var/lib/berth/volumes/data2/_data', Labels: null, Options: null, Scope: 'local', UsageData: { Size: 2048, RefCount: 1 } },
  { Name: '3f1a9c0d2b7e4f6a8c5d1e0b9a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c', Driver: 'local', Mountpoint: '/v/x/_data', Labels: { 'com.docker.volume.anonymous': '' }, Options: null, Scope: 'local' },
];

describe('volume ls formatting', () => {
  it('prints the default table sorted by name in natural order', () => {
    assertGolden('volume-list-default', renderTable(volumeFormat('', false), volumeRows(VOLUMES), VOLUME_HEADERS));
  });

  it('prints names only with -q', () => {
    assertGolden('volume-list-quiet', renderTable(volumeFormat('', true), volumeRows(VOLUMES), VOLUME_HEADERS));
  });

  it('renders custom tables and json rows', () => {
    assertGolden('volume-list-custom', renderTable('table {{.Name}}\t{{.Labels}}\t{{.Links}}\t{{.Size}}\t{{.Label "tier"}}', volumeRows(VOLUMES), VOLUME_HEADERS));
    assertGolden('volume-list-json', renderTable('json', volumeRows(VOLUMES.slice(1, 2)), VOLUME_HEADERS));
  });

  it('orders digit runs by value', () => {
    assert.ok(naturalLess('data2', 'data10'));
    assert.ok(!naturalLess('data10', 'data2'));
    assert.ok(naturalLess('a', 'b'));
  });
});
