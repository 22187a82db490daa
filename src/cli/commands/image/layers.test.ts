import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Digest } from '../../../content/digest.js';
import { InvalidArgumentError } from '../../../errors.js';
import type { LayerReport } from '../../../images/layer-files.js';
import { renderLayers } from './layers.js';

const BASE_ID = 'sha256:9b1b5e2c2c7d4e0f8a6b3c1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f' as Digest;
const TOP_ID = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' as Digest;

const REPORTS: LayerReport[] = [
  {
    diffId: BASE_ID,
    chainId: BASE_ID,
    createdBy: 'berth image bootstrap busybox (BusyBox v1.35.0 (Debian 1:1.35.0-4+b3) multi-call binary.)',
    created: '2024-01-01T00:00:00.000Z',
    emptyLayer: false,
    size: 2_162_000,
    added: ['/bin', '/bin/busybox', '/bin/ls', '/etc', '/etc/passwd'],
    changed: [],
    deleted: [],
  },
  { createdBy: 'CMD ["sh"]', emptyLayer: true, size: 0, added: [], changed: [], deleted: [] },
  {
    diffId: TOP_ID,
    chainId: 'sha256:feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface' as Digest,
    createdBy: "sh -c\techo hi > /new-file",
    comment: 'made by hand',
    emptyLayer: false,
    size: 1536,
    added: ['/new-file'],
    changed: ['/etc/passwd'],
    deleted: ['/bin/ls'],
  },
];

const render = (o: { files?: boolean; noTrunc?: boolean; format?: string } = {}): string =>
  renderLayers(REPORTS, { files: o.files === true, noTrunc: o.noTrunc === true, format: o.format ?? '' });

describe('image layers output', () => {
  it('prints LAYER SIZE ADDED CHANGED DELETED CREATED BY, oldest first, <metadata> for empty layers', () => {
    assert.equal(
      render(),
      [
        'LAYER          SIZE      ADDED     CHANGED   DELETED   CREATED BY',
        '9b1b5e2c2c7d   2.16MB    5         0         0         berth image bootstrap busybox (BusyBox v1.35…',
        '<metadata>     0B        0         0         0         CMD ["sh"]',
        '0123456789ab   1.54kB    1         1         1         sh -c echo hi > /new-file',
        '',
      ].join('\n'),
    );
  });

  it('lists each layer\'s files under its row with --files, in path order, columns unchanged', () => {
    const lines = render({ files: true }).split('\n');
    assert.deepEqual(lines, [
      'LAYER          SIZE      ADDED     CHANGED   DELETED   CREATED BY',
      '9b1b5e2c2c7d   2.16MB    5         0         0         berth image bootstrap busybox (BusyBox v1.35…',
      'A /bin',
      'A /bin/busybox',
      'A /bin/ls',
      'A /etc',
      'A /etc/passwd',
      '<metadata>     0B        0         0         0         CMD ["sh"]',
      '0123456789ab   1.54kB    1         1         1         sh -c echo hi > /new-file',
      'D /bin/ls',
      'C /etc/passwd',
      'A /new-file',
      '',
    ]);
  });

  it('prints full diff IDs and commands with --no-trunc', () => {
    const lines = render({ noTrunc: true }).split('\n');
    assert.ok(lines[1]!.startsWith(`${BASE_ID}   2.16MB`), lines[1]);
    assert.ok(lines[1]!.endsWith('multi-call binary.)'), lines[1]);
    assert.ok(lines[2]!.startsWith('<metadata>  '), lines[2]);
  });

  it('renders a custom template, with files after each layer', () => {
    assert.equal(render({ format: '{{.Layer}} {{.Added}}/{{.Changed}}/{{.Deleted}} {{.Comment}}' }), '9b1b5e2c2c7d 5/0/0 \n<metadata> 0/0/0 \n0123456789ab 1/1/1 made by hand\n');
    assert.equal(
      render({ format: '{{.Layer}}', files: true }),
      '9b1b5e2c2c7d\nA /bin\nA /bin/busybox\nA /bin/ls\nA /etc\nA /etc/passwd\n<metadata>\n0123456789ab\nD /bin/ls\nC /etc/passwd\nA /new-file\n',
    );
    assert.equal(render({ format: '{{range .Files}}{{.}};{{end}}' }).split('\n')[2], 'D /bin/ls;C /etc/passwd;A /new-file;');
  });

  it('marshals {{json .}} as Go does, escaping <metadata>', () => {
    const second = render({ format: 'json' }).split('\n')[1];
    assert.equal(
      second,
      '{"Added":0,"ChainID":"","Changed":0,"Comment":"","CreatedAt":"","CreatedBy":"CMD [\\"sh\\"]","Deleted":0,"DiffID":"","Layer":"\\u003cmetadata\\u003e","Size":"0B"}',
    );
  });

  it('refuses --files with a table template that prints several lines per layer', () => {
    assert.throws(() => render({ files: true, format: 'table {{.Layer}}\n{{.Size}}' }), InvalidArgumentError);
  });
});
