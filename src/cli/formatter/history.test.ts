import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryItem } from '../client/types.js';
import { assertGolden } from './golden-file.js';
import { HISTORY_HEADERS, HistoryContext, historyFormat } from './history.js';
import { renderTable } from './table.js';

process.env['TZ'] = 'UTC';

const NOW = Date.UTC(2024, 2, 1, 12, 0, 0);

const HISTORY: HistoryItem[] = [
  {
    Id: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
    Created: NOW / 1000 - 5 * 86400,
    CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]',
    Tags: ['busybox:latest'],
    Size: 0,
    Comment: '',
  },
  {
    Id: '<missing>',
    Created: NOW / 1000 - 6 * 86400,
    CreatedBy: '/bin/sh -c #(nop) ADD file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7fd3443cef785fd1 in / ',
    Tags: null,
    Size: 4_261_550,
    Comment: 'imported\tfrom host',
  },
  {
    Id: '<missing>',
    Created: 0,
    CreatedBy: '',
    Tags: null,
    Size: 0,
    Comment: '',
  },
];

function render(format: string, o: { quiet?: boolean; human?: boolean; trunc?: boolean } = {}): string {
  const human = o.human !== false;
  const rows = HISTORY.map((h) => new HistoryContext(h, o.trunc !== false, human, NOW));
  return renderTable(historyFormat(format, o.quiet === true, human), rows, HISTORY_HEADERS);
}

describe('history output', () => {
  it('prints the default human table', () => assertGolden('history-default', render('')));
  it('prints raw sizes and RFC 3339 dates with -H=false', () => assertGolden('history-non-human', render('', { human: false })));
  it('prints full ids and commands with --no-trunc', () => assertGolden('history-no-trunc', render('', { trunc: false })));
  it('prints ids only with -q', () => assertGolden('history-quiet', render('', { quiet: true })));
  it('renders a custom template', () => assertGolden('history-template', render('{{.ID}} {{.CreatedSince}} {{.Size}}')));
  it('marshals {{json .}} as docker/cli does, escaping <missing>', () => {
    const last = render('{{json .}}').split('\n').at(-2)!;
    assert.equal(last, '{"Comment":"","CreatedAt":"1970-01-01T00:00:00Z","CreatedBy":"","CreatedSince":"N/A","ID":"\\u003cmissing\\u003e","Size":"0B"}');
  });
});
