import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadProject } from './loader.js';

const root = mkdtempSync(path.join(tmpdir(), 'compose-bad-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** Loads a compose.yaml holding `text`; returns the error it fails with. */
function failure(text: string, env: Record<string, string> = {}): { message: string; file: string } {
  const dir = mkdtempSync(path.join(root, `p${n++}-`));
  const file = path.join(dir, 'compose.yaml');
  writeFileSync(file, text);
  try {
    loadProject({ cwd: dir, env });
  } catch (err) {
    return { message: (err as Error).message, file };
  }
  assert.fail('the load did not fail');
}

describe('compose loader errors', () => {
  it('a YAML syntax error names the file, line and column', () => {
    const { message, file } = failure('services:\n  web:\n    image: busybox\n   ports: [80\n');
    assert.match(message, new RegExp(`^yaml: ${file.replace(/\//g, '\\/')}:\\d+:\\d+: `));
    const dup = failure('services:\n  web:\n    image: a\n    image: b\n');
    assert.match(dup.message, /compose\.yaml:4:5: map keys must be unique/);
  });

  it('an unknown key names the service and the key', () => {
    assert.match(failure('services:\n  web:\n    imgae: busybox\n').message, /validating .*compose\.yaml: services\.web additional property "imgae" is not allowed/);
    assert.match(failure('servics: {}\n').message, /additional property "servics" is not allowed/);
    assert.match(failure('services:\n  web:\n    image: x\n    healthcheck: {tset: [CMD, x]}\n').message, /services\.web\.healthcheck additional property "tset"/);
  });

  it('a wrong type names the service and the key', () => {
    assert.match(failure('services:\n  web:\n    image: x\n    ports: "80:80"\n').message, /services\.web\.ports must be a list/);
    assert.match(failure('services:\n  web:\n    image: x\n    read_only: maybe\n').message, /services\.web\.read_only must be a boolean/);
    assert.match(failure('services:\n  web:\n    image: [x]\n').message, /services\.web\.image must be a string or a number/);
    assert.match(failure('services:\n  web:\n    image: x\n    deploy: {replicas: many}\n').message, /services\.web\.deploy\.replicas must be a number/);
  });

  it('x- extensions are allowed anywhere', () => {
    const dir = mkdtempSync(path.join(root, 'ext-'));
    writeFileSync(path.join(dir, 'compose.yaml'), 'x-top: 1\nservices:\n  web:\n    image: x\n    x-mine: {a: 1}\n');
    assert.deepEqual(Object.keys(loadProject({ cwd: dir, env: {} }).project.services), ['web']);
  });

  it('depends_on an unknown service is refused', () => {
    assert.match(failure('services:\n  web:\n    image: x\n    depends_on: [db]\n').message, /service "web" depends on undefined service "db"/);
  });

  it('a dependency cycle is spelled out', () => {
    const text = 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n';
    assert.match(failure(text).message, /dependency cycle detected: a → b → c → a/);
  });

  it('a missing required variable is refused with its message', () => {
    assert.match(failure('services:\n  db:\n    image: x\n    environment:\n      PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}\n').message, /required variable DB_PASSWORD is missing a value: set DB_PASSWORD/);
  });

  it('a service without image or build, an unknown network or volume, a bad condition', () => {
    assert.match(failure('services:\n  web:\n    command: x\n').message, /service "web" has neither an image nor a build context specified/);
    assert.match(failure('services:\n  web:\n    image: x\n    networks: [front]\n').message, /service "web" refers to undefined network front/);
    assert.match(failure('services:\n  web:\n    image: x\n    volumes: [data:/data]\n').message, /service "web" refers to undefined volume data/);
    assert.match(failure('services:\n  web:\n    image: x\n    depends_on: {db: {condition: service_ready}}\n  db:\n    image: x\n').message, /services\.web\.depends_on\.db\.condition must be one of/);
    assert.match(failure('services:\n  web:\n    image: x\n    restart: sometimes\n').message, /services\.web\.restart: invalid restart policy "sometimes"/);
    assert.match(failure('services:\n  web:\n    image: x\n    healthcheck: {test: [CMD], interval: soon}\n').message, /services\.web\.healthcheck\.interval: invalid duration "soon"/);
  });
});
