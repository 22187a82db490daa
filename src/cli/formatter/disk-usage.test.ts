import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DiskUsage } from '../client/system.js';
import { sortBuildCache } from './build-cache.js';
import { diskUsageSummaries, renderDiskUsage } from './disk-usage.js';
import { assertGolden } from './golden-file.js';
import { diskUsageFixture } from './testdata/disk-usage-fixture.js';

process.env['TZ'] = 'UTC';

const NOW = Date.UTC(2024, 2, 1, 12, 0, 0);
const DISK_USAGE = diskUsageFixture(NOW);

const EMPTY: DiskUsage = { LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] };

const render = (format: string, verbose = false, du: DiskUsage = DISK_USAGE): string => renderDiskUsage(du, { format, verbose, now: NOW });

describe('system df output', () => {
  it('prints the summary table with reclaimable percentages', () => assertGolden('disk-usage-default', render('')));
  it('prints a zero table without percentages', () => assertGolden('disk-usage-empty', render('', false, EMPTY)));
  it('prints every section with -v', () => assertGolden('disk-usage-verbose', render('', true)));
  it('prints empty sections with -v when there is nothing', () => assertGolden('disk-usage-verbose-empty', render('table', true, EMPTY)));
  it('renders --format templates, json and raw', () => {
    assertGolden('disk-usage-template', render('{{.Type}}: {{.Size}} of which {{.Reclaimable}} reclaimable\n'));
    assertGolden('disk-usage-custom-table', render('table {{.Type}}\t{{.Active}}/{{.TotalCount}}'));
    assertGolden('disk-usage-json', render('json'));
    assertGolden('disk-usage-raw', render('raw'));
  });
  it('renders verbose templates over the item lists, untruncated unless a table', () => {
    assertGolden('disk-usage-verbose-template', render('{{range .Images}}{{.ID}} {{.Repository}}:{{.Tag}}\n{{end}}{{range .BuildCache}}{{.ID}} {{.Parent}} {{.CreatedAt}}\n{{end}}', true));
    assertGolden('disk-usage-verbose-json', render('json', true));
    assertGolden('disk-usage-verbose-raw', render('raw', true));
  });

  it('counts as docker does', () => {
    const rows = diskUsageSummaries(DISK_USAGE).map((r) => r.toJSON());
    assert.deepEqual(rows, [
      // In use: app's unique 1.5MB (busybox's unique part is 0): 4.263MB of 5.763MB is reclaimable.
      { Active: '2', Reclaimable: '4.263MB (73%)', Size: '5.763MB', TotalCount: '3', Type: 'Images' },
      { Active: '1', Reclaimable: '2.048MB (99%)', Size: '2.06MB', TotalCount: '3', Type: 'Containers' },
      { Active: '1', Reclaimable: '2kB (0%)', Size: '1.051MB', TotalCount: '3', Type: 'Local Volumes' },
      { Active: '1', Reclaimable: '52kB', Size: '59kB', TotalCount: '2', Type: 'Build Cache' },
    ]);
    const empty = diskUsageSummaries(EMPTY).map((r) => r.Reclaimable);
    assert.deepEqual(empty, ['0B', '0B', '0B', '0B']);
  });

  it('leaves shared build cache out of the size', () => {
    const du: DiskUsage = { ...EMPTY, BuildCache: DISK_USAGE.BuildCache.map((r) => ({ ...r, Shared: true })) };
    assert.deepEqual(diskUsageSummaries(du)[3]!.toJSON(), { Active: '1', Reclaimable: '0B', Size: '0B', TotalCount: '2', Type: 'Build Cache' });
  });

  it('orders build cache never used first, then by last use, ties by ID', () => {
    const rec = (ID: string, LastUsedAt: string | null) => ({ ...DISK_USAGE.BuildCache[0]!, ID, LastUsedAt });
    const sorted = sortBuildCache([rec('c', '2024-01-01T00:00:00.5Z'), rec('b', null), rec('d', '2024-01-01T00:00:00.000000001Z'), rec('a', '2024-01-01T00:00:00.5Z'), rec('e', null)]);
    assert.deepEqual(sorted.map((r) => r.ID), ['b', 'e', 'd', 'a', 'c']);
  });

  it('reports a bad template as docker does', () => {
    assert.throws(() => render('{{.Nope'), /^InvalidArgumentError: template parsing error: template: :1: unclosed action$/);
    assert.throws(() => render('{{.Nope}}'), /template parsing error: template: :1:2: executing "" at <.Nope>: can't evaluate field Nope/);
    assert.throws(() => render('{{range .Images}}{{.Repository}} {{.Nope}}{{end}}', true), (err: Error & { partial?: string }) => {
      assert.equal(err.partial, 'busybox ');
      assert.match(err.message, /^template: :1:\d+: executing "" at <.Nope>: can't evaluate field Nope/);
      return true;
    });
  });
});
