import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSummary } from '../client/types.js';
import { CONTAINER_HEADERS, ContainerContext, containerFormat, displayablePorts } from './container.js';
import { assertGolden } from './golden-file.js';
import { renderTable } from './table.js';

process.env['TZ'] = 'UTC';

/** Fixed clock: 2024-03-01T12:00:00Z. */
const NOW = Date.UTC(2024, 2, 1, 12, 0, 0);
const sec = (ms: number): number => Math.floor(ms / 1000);

const CONTAINERS: ContainerSummary[] = [
  {
    Id: 'e90b8831a4b8a3fa4da2eb6ff62f2c9d7c5a3b2e1f0d9c8b7a6f5e4d3c2b1a09',
    Names: ['/web'],
    Image: 'nginx:1.25',
    ImageID: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
    Command: 'nginx -g daemon off;',
    Created: sec(NOW - 3 * 3600 * 1000),
    Ports: [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { PrivatePort: 443, Type: 'tcp' },
      { PrivatePort: 444, Type: 'tcp' },
    ],
    SizeRw: 1234,
    SizeRootFs: 187_654_321,
    Labels: { 'com.example.tier': 'front', app: 'web' },
    State: 'running',
    Status: 'Up 3 hours',
    Mounts: [{ Name: '', Source: '/srv/www/very/long/path/html', Driver: '' }],
    NetworkSettings: { Networks: { bridge: {} } },
  },
  {
    Id: '3f1c2b4a5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70',
    Names: ['/job-1'],
    Image: 'sha256:2222222222222222222222222222222222222222222222222222222222222222',
    ImageID: 'sha256:2222222222222222222222222222222222222222222222222222222222222222',
    Command: 'sh -c "echo a very long command line that gets cut"',
    Created: sec(NOW - 45 * 1000),
    Ports: [],
    SizeRw: 0,
    SizeRootFs: 0,
    Labels: null,
    State: 'exited',
    Status: 'Exited (1) 10 seconds ago',
  },
];

function render(format: string, quiet = false, size = false, trunc = true): string {
  const rows = CONTAINERS.map((c) => new ContainerContext(c, trunc, NOW));
  return renderTable(containerFormat(format, quiet, size), rows, CONTAINER_HEADERS);
}

describe('ps output', () => {
  it('prints the default table', () => assertGolden('container-list-default', render('')));
  it('prints full ids, names and commands with --no-trunc', () => assertGolden('container-list-no-trunc', render('', false, false, false)));
  it('adds the SIZE column with -s', () => assertGolden('container-list-size', render('table', false, true)));
  it('prints only ids with -q', () => assertGolden('container-list-quiet', render('', true)));
  it('renders a custom table with labels, networks and mounts', () =>
    assertGolden('container-list-custom-table', render('table {{.Names}}\t{{.State}}\t{{.Labels}}\t{{.Networks}}\t{{.Mounts}}')));
  it('renders a non-table template once per container, with .Label calls', () =>
    assertGolden('container-list-template', render('{{.ID}}: {{.Names}} ({{.Status}}) app={{.Label "app"}} {{.CreatedAt}}')));
  it('renders json rows', () => assertGolden('container-list-json', render('json')));
});

describe('ps port column', () => {
  it('groups consecutive ports and lists host mappings last, as docker does', () => {
    assert.equal(
      displayablePorts([
        { PrivatePort: 9001, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { PrivatePort: 9000, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 53, Type: 'udp' },
        { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { PrivatePort: 9003, Type: 'tcp' },
      ]),
      // A run cut short is emitted at once; open groups follow in first-seen order, then host mappings.
      '9000-9001/tcp, 0.0.0.0:53->53/udp, 9003/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp',
    );
  });

  it('is empty without ports', () => assert.equal(displayablePorts([]), ''));
});
