import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../errors.js';
import { isJsonFormat, isTableFormat, renderTable, templateString } from './table.js';

// Tests run from dist/; the golden files stay beside the sources.
const TESTDATA = new URL('../../../../src/cli/formatter/testdata/', import.meta.url);
const golden = (name: string) => readFileSync(new URL(name, TESTDATA), 'utf8');

const PS_HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', RunningFor: 'CREATED',
  Status: 'STATUS', Ports: 'PORTS', Names: 'NAMES',
};
const PS_DEFAULT = 'table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}';
const CONTAINERS = [
  { ID: 'b3f2c1d0e9a8', Image: 'busybox', Command: '"sh"', RunningFor: '2 minutes ago', Status: 'Up 2 minutes', Ports: '', Names: 'web' },
  {
    ID: '0a1b2c3d4e5f', Image: 'nginx:1.25-alpine', Command: '"/docker-entrypoint.…"', RunningFor: 'About an hour ago',
    Status: 'Exited (0) 5 minutes ago', Ports: '0.0.0.0:8080->80/tcp', Names: 'proxy',
  },
];

test('the default ps table aligns columns like docker (minwidth 10, padding 3)', () => {
  assert.equal(renderTable(PS_DEFAULT, CONTAINERS, PS_HEADERS), golden('table-ps-default.golden'));
});

test('a table with no rows prints its header only', () => {
  assert.equal(renderTable(PS_DEFAULT, [], PS_HEADERS), golden('table-header-only.golden'));
});

test('table headers ignore docker template functions (docker/cli special-headers case)', () => {
  const rows = ['foobar_baz', 'foobar_bar'].map((Names) => ({
    ID: 'containerID1', Image: 'ubuntu', RunningFor: '24 hours ago', Status: '', Ports: '', Names,
  }));
  const format = 'table {{truncate .ID 5}}\\t{{json .Image}} {{.RunningFor}}/{{title .Status}}/{{pad .Ports 2 2}}.{{upper .Names}} {{lower .Status}}';
  assert.equal(renderTable(format, rows, PS_HEADERS), golden('table-special-headers.golden'));
});

test('a trailing tab pads the last column, leaving trailing spaces', () => {
  assert.equal(renderTable('table {{.Name}}\\t', [{ Name: 'a' }, { Name: 'bb' }], { Name: 'NAME' }), golden('table-trailing-tab.golden'));
});

test('rows without a column split it into independently sized blocks', () => {
  const rows = [{ A: 'x', B: '1' }, { A: 'longer-value', B: '' }, { A: 'medium-long', B: '2' }];
  assert.equal(renderTable('table {{.A}}{{if .B}}\\t{{.B}}{{end}}', rows, { A: 'A', B: 'B' }), golden('table-column-blocks.golden'));
});

test('wide characters take two columns', () => {
  const rows = [{ Name: '数据库', Size: '1.2MB' }, { Name: 'web', Size: '4kB' }];
  assert.equal(renderTable('table {{.Name}}\\t{{.Size}}', rows, { Name: 'NAME', Size: 'SIZE' }), golden('table-wide-chars.golden'));
});

test('a header that cannot be rendered keeps what came before the failure', () => {
  class Row {
    get ID() { return 'abc'; }
    Label(key: string) { return key === 'k' ? 'v1' : ''; }
  }
  assert.equal(renderTable('table {{.ID}}\\t{{.Label "k"}}', [new Row()], { ID: 'CONTAINER ID' }), golden('table-header-error.golden'));
});

test('non-table formats print one line per row and no header', () => {
  assert.equal(renderTable('{{.Names}}\\t{{.Image}}', CONTAINERS, PS_HEADERS), golden('format-custom.golden'));
});

test('--format json prints {{json .}} per row without HTML escaping', () => {
  const rows = [
    { ID: 'b3f2c1d0e9a8', Names: 'web', Labels: 'a=<b>&c' },
    { ID: '0a1b2c3d4e5f', Names: 'proxy', Labels: '' },
  ];
  assert.equal(renderTable('json', rows, {}), golden('format-json.golden'));
});

test('a header field missing from the headers prints <no value>', () => {
  assert.equal(renderTable('table {{.Name}}\\t{{.Other}}', [], { Name: 'NAME' }), 'NAME      <no value>\n');
});

test('template errors carry docker\'s "template parsing error" prefix', () => {
  const fails = (format: string, message: string) =>
    assert.throws(() => renderTable(format, CONTAINERS, PS_HEADERS),
      (err: unknown) => err instanceof InvalidArgumentError && err.message === message);
  fails('table {{.ID', 'template parsing error: template: :1: unclosed action');
  fails('{{nope .ID}}', 'template parsing error: template: :1: function "nope" not defined');
  fails('table {{.ID}}\\t{{.Nope}}', 'template parsing error: template: :1:10: executing "" at <.Nope>: can\'t evaluate field Nope in type map[string]interface {}');
});

test('format classification and template strings follow docker', () => {
  assert.equal(isTableFormat('table'), true);
  assert.equal(isTableFormat('table {{.ID}}'), true);
  assert.equal(isTableFormat('{{.ID}}'), false);
  assert.equal(isJsonFormat('json'), true);
  assert.equal(isJsonFormat('{{json .}}'), false);
  assert.equal(templateString('json'), '{{json .}}');
  assert.equal(templateString('table'), '');
  assert.equal(templateString('table {{.Field}}\\t{{.Field2}}'), '{{.Field}}\t{{.Field2}}');
  assert.equal(templateString('   other   '), 'other');
  assert.equal(templateString('   other\n   '), 'other\n');
  assert.equal(templateString('{{.A}}\\n{{.B}}'), '{{.A}}\n{{.B}}');
});
