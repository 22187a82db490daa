import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { selectPrunable, selectVolumes } from './volume-filters.js';
import { ANONYMOUS_LABEL, type VolumeRecord } from './volume.js';

const vol = (name: string, labels: Record<string, string> | null = null, options: Record<string, string> | null = null): VolumeRecord => ({
  name, driver: 'local', createdAt: '2024-01-01T00:00:00Z', labels, options,
});
const ALL = [
  vol('web-data', { tier: 'front', env: 'prod' }),
  vol('db-data', { tier: 'back' }),
  vol('a'.repeat(64), { [ANONYMOUS_LABEL]: '' }),
  vol('scratch', null, { type: 'tmpfs', device: 'tmpfs' }),
];
const used = new Set(['db-data']);
const referenced = (n: string) => used.has(n);
const names = (vs: VolumeRecord[]) => vs.map((v) => v.name);

describe('selectVolumes (GET /volumes filters)', () => {
  it('matches names as substrings or patterns, ORing values', () => {
    assert.deepEqual(names(selectVolumes(ALL, new Map([['name', ['data']]]), referenced)), ['web-data', 'db-data']);
    assert.deepEqual(names(selectVolumes(ALL, new Map([['name', ['^web', 'scr']]]), referenced)), ['web-data', 'scratch']);
  });

  it('ANDs label values, by key or key=value', () => {
    assert.deepEqual(names(selectVolumes(ALL, new Map([['label', ['tier']]]), referenced)), ['web-data', 'db-data']);
    assert.deepEqual(names(selectVolumes(ALL, new Map([['label', ['tier', 'env=prod']]]), referenced)), ['web-data']);
  });

  it('splits dangling from used volumes', () => {
    assert.deepEqual(names(selectVolumes(ALL, new Map([['dangling', ['false']]]), referenced)), ['db-data']);
    assert.equal(selectVolumes(ALL, new Map([['dangling', ['1']]]), referenced).length, 3);
  });

  it('refuses unknown keys and bad booleans', () => {
    assert.throws(() => selectVolumes(ALL, new Map([['color', ['red']]]), referenced), { message: "invalid filter 'color'" });
    assert.throws(() => selectVolumes(ALL, new Map([['dangling', ['maybe']]]), referenced), { message: "invalid filter 'dangling=maybe'" });
    assert.equal(selectVolumes(ALL, new Map([['driver', ['nfs']]]), referenced).length, 0);
  });
});

describe('selectPrunable (POST /volumes/prune)', () => {
  it('takes only unused anonymous volumes by default', () => {
    assert.deepEqual(names(selectPrunable(ALL, new Map(), referenced)), ['a'.repeat(64)]);
  });

  it('takes every unused volume without driver options with all=true', () => {
    assert.deepEqual(names(selectPrunable(ALL, new Map([['all', ['true']]]), referenced)), ['web-data', 'a'.repeat(64)]);
  });

  it('takes every unused volume for clients older than API 1.42', () => {
    assert.deepEqual(names(selectPrunable(ALL, new Map(), referenced, '1.41')), ['web-data', 'a'.repeat(64)]);
  });

  it('applies label and label! filters', () => {
    assert.deepEqual(names(selectPrunable(ALL, new Map([['all', ['1']], ['label!', ['tier=front']]]), referenced)), ['a'.repeat(64)]);
    assert.deepEqual(names(selectPrunable(ALL, new Map([['all', ['1']], ['label', ['env']]]), referenced)), ['web-data']);
  });

  it('refuses keys prune does not know and a bad all value', () => {
    assert.throws(() => selectPrunable(ALL, new Map([['name', ['x']]]), referenced), { message: "invalid filter 'name'" });
    assert.throws(() => selectPrunable(ALL, new Map([['all', ['yes']]]), referenced), { message: /invalid filter 'all'/ });
  });
});
