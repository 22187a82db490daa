import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkSummary } from '../client/networks.js';
import { compileTemplate } from './go-template.js';
import { assertGolden } from './golden-file.js';
import { NETWORK_HEADERS, NetworkContext, networkFormat, networkRows, naturalLess, sortNetworks } from './network.js';
import { NetworkInspectView } from './network-inspect.js';
import { renderTable } from './table.js';

const base = {
  Scope: 'local',
  Driver: 'bridge',
  EnableIPv6: false,
  Internal: false,
  Attachable: false,
  Ingress: false,
  ConfigFrom: { Network: '' },
  ConfigOnly: false,
  Containers: {},
  Options: {},
};

/** The daemon's answer, in the daemon's (unsorted) order. The goldens were checked against docker 28.2.2's output for it. */
const NETWORKS: NetworkSummary[] = [
  {
    ...base,
    Name: 'zeta',
    Id: 'aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111',
    Created: '2024-03-01T12:00:00.123456789Z',
    IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
    Internal: true,
    Labels: { a: '1', b: '2' },
  },
  {
    ...base,
    Name: 'bridge',
    Id: 'bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222',
    Created: '2024-03-01T13:00:00+01:00',
    IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
    Options: { 'com.docker.network.bridge.name': 'docker0' },
    Labels: {},
  },
  { ...base, Name: 'net10', Id: 'cccccccccccc', Created: '2024-03-01T12:00:00Z', IPAM: { Driver: 'default', Options: null, Config: [] }, Labels: null },
  { ...base, Name: 'net9', Id: 'dddddddddddd', Created: '2024-03-01T12:00:00Z', Driver: 'null', EnableIPv6: true, IPAM: { Driver: 'default', Options: null, Config: [] }, Labels: {} },
];

function render(format: string, o: { quiet?: boolean; trunc?: boolean } = {}): string {
  return renderTable(networkFormat(format, o.quiet === true), networkRows(NETWORKS, o.trunc !== false), NETWORK_HEADERS);
}

describe('network ls output', () => {
  it('prints NETWORK ID, NAME, DRIVER, SCOPE sorted naturally by name', () => assertGolden('network-list-default', render('')));
  it('prints full ids with --no-trunc', () => assertGolden('network-list-no-trunc', render('', { trunc: false })));
  it('prints only ids with -q', () => assertGolden('network-list-quiet', render('', { quiet: true })));
  it('lets a custom format win over -q', () => assert.equal(render('{{.Name}}', { quiet: true }), 'bridge\nnet9\nnet10\nzeta\n'));
  it('renders the raw format', () => assertGolden('network-list-raw', render('raw')));
  it('renders a table with the IPv4/IPv6/Internal/CreatedAt columns', () =>
    assertGolden('network-list-custom-table', render('table {{.Name}}\t{{.Driver}}\t{{.IPv4}}\t{{.IPv6}}\t{{.Internal}}\t{{.CreatedAt}}')));
  it('renders a template with .Label and .Labels', () =>
    assertGolden('network-list-template', render('{{.ID}} {{.Name}} ipv6={{.IPv6}} internal={{.Internal}} a={{.Label "a"}} [{{.Labels}}] {{.CreatedAt}}')));
  it('renders json rows with sorted keys', () => assertGolden('network-list-json', render('json')));

  it('prints Created as Go prints a time.Time, the daemon\'s zone kept', () => {
    const at = (Created: string): string => new NetworkContext({ ...NETWORKS[0]!, Created }, true).CreatedAt;
    assert.equal(at('2024-03-01T12:00:00.123456789Z'), '2024-03-01 12:00:00.123456789 +0000 UTC');
    assert.equal(at('2024-03-01T12:00:00.500Z'), '2024-03-01 12:00:00.5 +0000 UTC');
    assert.equal(at('2024-03-01T13:00:00+01:00'), '2024-03-01 13:00:00 +0100 +0100');
    assert.equal(at(''), '0001-01-01 00:00:00 +0000 UTC');
  });

  it('escapes <, > and & in {{json .}} as docker\'s json.Marshal does', () => {
    const ctx = new NetworkContext({ ...NETWORKS[0]!, Labels: { x: '<a&b>' } }, true);
    assert.match(renderTable('json', [ctx], NETWORK_HEADERS), /"Labels":"x=\\u003ca\\u0026b\\u003e"/);
  });

  it('reports an unknown field with Go\'s words', () => {
    assert.throws(() => render('{{.Nope}}'), /template parsing error: template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type \*NetworkContext/);
  });
});

describe('natural sort (fvbommel/sortorder)', () => {
  it('orders digit runs as numbers and digits before other characters', () => {
    const names = ['net10', 'net9', 'net09', 'Net1', 'net', 'net1a', 'net1', 'a_b', 'a-b', 'a1'];
    assert.deepEqual(
      sortNetworks(names.map((Name) => ({ Name }))).map((n) => n.Name),
      ['Net1', 'a1', 'a-b', 'a_b', 'net', 'net1', 'net1a', 'net9', 'net09', 'net10'],
    );
  });

  it('is a strict order', () => {
    assert.equal(naturalLess('x', 'x'), false);
    assert.equal(naturalLess('x01', 'x1'), false);
    assert.equal(naturalLess('x1', 'x01'), true);
  });
});

describe('network inspect templates (the Go-typed view)', () => {
  const raw = {
    ...NETWORKS[0]!,
    Containers: {
      ['f'.repeat(64)]: { Name: 'web', EndpointID: '1234', MacAddress: '02:42:ac:12:00:02', IPv4Address: '172.18.0.2/16', IPv6Address: '' },
    },
  };
  const run = (tmpl: string, data: unknown = raw): string => compileTemplate(tmpl)(new NetworkInspectView(data));

  it('prints fields as docker 28 does (checked against it)', () => {
    assert.equal(
      run('{{.Name}} {{.Created}} {{.IPAM.Config}} {{.Labels}} {{.ConfigFrom}} {{.Containers}} {{.Options}} {{.IPAM}} {{json .IPAM}}'),
      'zeta 2024-03-01 12:00:00.123456789 +0000 UTC [{172.18.0.0/16  172.18.0.1 map[]}] map[a:1 b:2] {} ' +
        `map[${'f'.repeat(64)}:{web 1234 02:42:ac:12:00:02 172.18.0.2/16 }] map[] {default map[] [{172.18.0.0/16  172.18.0.1 map[]}]} ` +
        '{"Driver":"default","Options":null,"Config":[{"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"}]}',
    );
    assert.equal(run('{{.Peers}} {{.Services}} {{.EnableIPv4}} {{.IPAM.Options}} {{range .Containers}}{{.IPv4Address}}{{end}}'), '[] map[] false map[] 172.18.0.2/16');
    assert.equal(run('{{.ID}}'), raw.Id);
  });

  it('encodes {{json .}} with Go\'s keys: Id, EnableIPv4, no empty Peers/Services', () => {
    const j = JSON.parse(run('{{json .}}')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j), [
      'Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv4', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress', 'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels',
    ]);
    assert.equal(j['Created'], '2024-03-01T12:00:00.123456789Z');
    assert.deepEqual(j['ConfigFrom'], { Network: '' });
  });

  it('keeps nil maps apart from empty ones ({{json}}: null vs {})', () => {
    assert.equal(run('{{json .Labels}} {{json .Options}} {{.Labels}}', { ...raw, Labels: null, Options: {} }), 'null {} map[]');
  });

  it('fails on a field the struct lacks, so docker falls back to the raw JSON', () => {
    assert.throws(() => run('{{.Id}}'), /can't evaluate field Id in type \*NetworkInspectView/);
  });
});
