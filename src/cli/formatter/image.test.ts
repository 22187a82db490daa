import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageSummary } from '../client/types.js';
import { assertGolden } from './golden-file.js';
import { IMAGE_HEADERS, imageFormat, imageRows } from './image.js';
import { renderTable } from './table.js';

process.env['TZ'] = 'UTC';

const NOW = Date.UTC(2024, 2, 1, 12, 0, 0);
const DAY = 86400;

const IMAGES: ImageSummary[] = [
  {
    Id: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
    ParentId: '',
    RepoTags: ['busybox:latest', 'busybox:1.36', 'docker.io/library/busybox:stable'],
    RepoDigests: ['busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7'],
    Created: NOW / 1000 - 30 * DAY,
    Size: 4_261_550,
    SharedSize: -1,
    Labels: null,
    Containers: -1,
  },
  {
    Id: 'sha256:5b0c3b2e1f0d9c8b7a6f5e4d3c2b1a0998877665544332211000ffeeddccbbaa',
    ParentId: '',
    RepoTags: [],
    RepoDigests: [],
    Created: NOW / 1000 - 2 * 3600,
    Size: 1_000,
    SharedSize: -1,
    Labels: null,
    Containers: -1,
  },
  {
    Id: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    ParentId: '',
    RepoTags: ['localhost:5000/team/app:v2'],
    RepoDigests: ['localhost:5000/team/app@sha256:1111111111111111111111111111111111111111111111111111111111111111'],
    Created: NOW / 1000 - 400 * DAY,
    Size: 1_234_567_890,
    SharedSize: -1,
    Labels: null,
    Containers: -1,
  },
];

function render(format: string, o: { quiet?: boolean; digests?: boolean; trunc?: boolean } = {}): string {
  const f = imageFormat(format, o.quiet === true, o.digests === true);
  const rows = imageRows(IMAGES, { trunc: o.trunc !== false, digest: o.digests === true, formatNeedsDigest: f.includes('{{.Digest}}'), now: NOW });
  return renderTable(f, rows, IMAGE_HEADERS);
}

describe('images output', () => {
  it('prints one row per repository:tag, and <none> for dangling images', () => assertGolden('image-list-default', render('')));
  it('adds the DIGEST column with --digests', () => assertGolden('image-list-digests', render('', { digests: true })));
  it('prints full ids with --no-trunc', () => assertGolden('image-list-no-trunc', render('', { trunc: false })));
  it('prints ids only with -q', () => assertGolden('image-list-quiet', render('', { quiet: true })));
  it('renders a custom template', () => assertGolden('image-list-template', render('{{.Repository}}:{{.Tag}} {{.Size}} {{.CreatedAt}}')));
});

describe('images --format', () => {
  it('marshals {{json .}} as docker/cli does: sorted keys, VirtualSize, and <, > escaped', () => {
    const out = render('{{json .}}').split('\n')[3]!; // the dangling image
    assert.equal(
      out,
      '{"Containers":"N/A","CreatedAt":"2024-03-01 10:00:00 +0000 UTC","CreatedSince":"2 hours ago","Digest":"\\u003cnone\\u003e","ID":"5b0c3b2e1f0d","Repository":"\\u003cnone\\u003e","SharedSize":"N/A","Size":"1kB","Tag":"\\u003cnone\\u003e","UniqueSize":"N/A","VirtualSize":"1kB"}',
    );
  });

  it('lets a custom format win over -q, and knows the raw format', () => {
    assert.equal(imageFormat('{{.Repository}}', true, false), '{{.Repository}}');
    assert.equal(imageFormat('table', true, false), '{{.ID}}');
    assert.equal(imageFormat('raw', true, false), 'image_id: {{.ID}}');
    assert.match(imageFormat('raw', false, true), /^repository: \{\{ \.Repository \}\}\ntag: \{\{\.Tag\}\}\ndigest: \{\{\.Digest\}\}\n/);
  });
});
