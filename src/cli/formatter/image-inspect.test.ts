import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goJsonStringify } from '../../units/go-json.js';
import { compileTemplate } from './go-template.js';
import { GoDuration, GoTime, ImageInspectView } from './image-inspect.js';

const RAW = {
  Id: 'sha256:' + 'f'.repeat(64),
  RepoTags: ['lab:v1'],
  RepoDigests: [],
  Parent: '',
  Comment: '',
  Created: '2024-03-01T12:00:00.5Z',
  DockerVersion: '',
  Author: '',
  Architecture: 'amd64',
  Os: 'linux',
  Size: 42,
  GraphDriver: { Data: null, Name: 'overlay2' },
  RootFS: { Type: 'layers', Layers: ['sha256:' + 'a'.repeat(64)] },
  Metadata: { LastTagTime: '2024-03-01T12:00:00.120Z' },
  Config: {
    Hostname: '', User: '', ExposedPorts: { '80/tcp': {} }, Env: ['A=1'], Cmd: ['sh'], Image: '', Volumes: null,
    WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: { z: '1', a: '2' },
    Healthcheck: { Test: ['CMD', 'true'], Interval: 30_000_000_000, Retries: 3 },
  },
};

const run = (tmpl: string) => compileTemplate(tmpl)(new ImageInspectView(RAW));

describe('image inspect as Go structs', () => {
  it('prints unset slices and maps as Go does: [] and map[], null in JSON', () => {
    assert.equal(run('{{.Config.Entrypoint}} {{json .Config.Entrypoint}} {{.Config.Volumes}} {{json .Config.Volumes}}'), '[] null map[] null');
  });

  it('promotes the embedded config fields and prints the struct in Go order', () => {
    assert.equal(run('{{.Config.Cmd}} {{.Config.ExposedPorts}} {{.Config.Labels}}'), '[sh] map[80/tcp:{}] map[a:2 z:1]');
    assert.equal(run('{{.Config.Healthcheck}}'), '{[CMD true] 30s 0s 0s 0s 3}');
    // (Go would print the nested Healthcheck pointer as an address: left out here.)
    const plain = new ImageInspectView({ ...RAW, Config: { ...RAW.Config, Healthcheck: undefined } });
    assert.equal(compileTemplate('{{.Config}}')(plain), '{{ map[80/tcp:{}] [A=1] [] [sh] map[]  map[a:2 z:1]  false} {<nil> [] []}}');
  });

  it('encodes JSON with the Go tags: Id, omitempty, sorted maps', () => {
    assert.equal(
      run('{{json .Config}}'),
      '{"ExposedPorts":{"80/tcp":{}},"Env":["A=1"],"Cmd":["sh"],"Labels":{"a":"2","z":"1"},"Healthcheck":{"Test":["CMD","true"],"Interval":30000000000,"Retries":3}}',
    );
    const all = JSON.parse(goJsonStringify(new ImageInspectView(RAW))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(all), ['Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'DockerVersion', 'Author', 'Config', 'Architecture', 'Os', 'Size', 'GraphDriver', 'RootFS', 'Metadata']);
  });

  it('has the Go field ID, not the JSON key Id', () => {
    assert.equal(run('{{.ID}}'), RAW.Id);
    assert.throws(() => run('{{.Id}}'), /can't evaluate field Id/);
  });

  it('prints times and durations as Go Stringers', () => {
    assert.equal(String(new GoTime('2024-03-01T12:00:00.120Z')), '2024-03-01 12:00:00.12 +0000 UTC');
    assert.equal(String(new GoTime('2024-03-01T12:00:00+02:00')), '2024-03-01 12:00:00 +0200 +0200');
    assert.equal(String(new GoTime('0001-01-01T00:00:00Z')), '0001-01-01 00:00:00 +0000 UTC');
    assert.equal(new GoTime('2024-03-01T12:00:00.120Z').toJSON(), '2024-03-01T12:00:00.12Z');
    assert.equal(new GoTime('2024-03-01T12:00:00.000+02:00').toJSON(), '2024-03-01T12:00:00+02:00');
    assert.equal(String(new GoDuration(90_000_000_000)), '1m30s');
    assert.equal(String(new GoDuration(3_600_000_000_000)), '1h0m0s');
    assert.equal(String(new GoDuration(1_500_000)), '1.5ms');
    assert.equal(String(new GoDuration(0)), '0s');
    assert.equal(run('{{.Metadata.LastTagTime}}'), '2024-03-01 12:00:00.12 +0000 UTC');
  });
});
