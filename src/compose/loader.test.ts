import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadProject } from './loader.js';
import type { ProjectOptions } from './types.js';

const root = mkdtempSync(path.join(tmpdir(), 'compose-load-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh project directory holding `files` (name → content). */
function project(files: Record<string, string>, dirName?: string): string {
  const dir = path.join(root, dirName ?? `p${n++}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const load = (dir: string, o: ProjectOptions = {}) => loadProject({ cwd: dir, env: { HOME: '/root' }, ...o });

describe('compose loader', () => {
  it('finds compose.yaml first, names the project after the normalised directory', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n', 'docker-compose.yml': 'services:\n  b:\n    image: x\n' }, 'My.App_1');
    const { project: p } = load(dir);
    assert.equal(p.name, 'myapp_1');
    assert.deepEqual(Object.keys(p.services), ['a']);
    assert.deepEqual(p.configFiles, [path.join(dir, 'compose.yaml')]);
    assert.equal(p.workingDir, dir);
  });

  it('falls back to docker-compose.yml, and looks in parent directories', () => {
    const dir = project({ 'docker-compose.yml': 'services:\n  b:\n    image: x\n', 'sub/deeper/.keep': '' });
    assert.deepEqual(Object.keys(load(path.join(dir, 'sub', 'deeper')).project.services), ['b']);
    assert.throws(() => load(project({ 'x.txt': '' })), /no configuration file provided/);
  });

  it('takes the name from -p, then COMPOSE_PROJECT_NAME, then `name:`', () => {
    const dir = project({ 'compose.yaml': 'name: fromfile\nservices:\n  a:\n    image: x\n' });
    assert.equal(load(dir).project.name, 'fromfile');
    assert.equal(load(dir, { env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).project.name, 'fromenv');
    assert.equal(load(dir, { projectName: 'flag', env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).project.name, 'flag');
    assert.throws(() => load(dir, { projectName: 'Bad Name' }), /invalid project name "Bad Name" \(-p\)/);
  });

  it('merges -f files in order with the spec rules', () => {
    const dir = project({
      'base.yml': 'services:\n  web:\n    image: busybox\n    command: [httpd, -f]\n    ports: ["8080:80"]\n    environment: [A=1, B=2]\n',
      'override.yml': 'services:\n  web:\n    command: sleep 1\n    ports: ["9090:90"]\n    environment:\n      B: 3\n  db:\n    image: db\n',
    });
    const { project: p } = load(dir, { files: ['base.yml', 'override.yml'] });
    const web = p.services['web']!;
    assert.deepEqual(web.command, ['sleep', '1']);
    assert.deepEqual(web.ports?.map((x) => x.published), ['8080', '9090']);
    assert.deepEqual(web.environment, { A: '1', B: '3' });
    assert.deepEqual(Object.keys(p.services).sort(), ['db', 'web']);
    assert.deepEqual(p.configFiles, [path.join(dir, 'base.yml'), path.join(dir, 'override.yml')]);
  });

  it('interpolates from .env under the process environment, or from --env-file instead', () => {
    const dir = project({
      'compose.yaml': 'services:\n  web:\n    image: "busybox:${TAG:-latest}"\n    environment:\n      MODE: ${MODE}\n      FROM_SHELL:\n',
      '.env': 'TAG=1.36\nMODE=dev\n',
      'prod.env': 'MODE=prod\n',
    });
    const web = (o: ProjectOptions) => load(dir, o).project.services['web']!;
    assert.equal(web({}).image, 'busybox:1.36');
    assert.deepEqual(web({ env: { MODE: 'shell', FROM_SHELL: 'yes' } }).environment, { MODE: 'shell', FROM_SHELL: 'yes' });
    const prod = web({ envFiles: ['prod.env'] });
    assert.equal(prod.image, 'busybox:latest');
    assert.deepEqual(prod.environment, { MODE: 'prod', FROM_SHELL: null });
  });

  it('reads env_file under environment, relative to the project directory', () => {
    const dir = project({
      'compose.yaml': 'services:\n  web:\n    image: x\n    env_file: [conf/web.env, {path: missing.env, required: false}]\n    environment: {B: over}\n',
      'conf/web.env': 'A=1\nB=2\n',
    });
    assert.deepEqual(load(dir).project.services['web']!.environment, { A: '1', B: 'over' });
    const bad = project({ 'compose.yaml': 'services:\n  web:\n    image: x\n    env_file: nope.env\n' });
    assert.throws(() => load(bad), /services\.web\.env_file: env file .*nope\.env not found/);
  });

  it('enables services by profile, COMPOSE_PROFILES, or by naming them', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: x\n  debug:\n    image: x\n    profiles: [dev]\n  all:\n    image: x\n    profiles: [a, b]\n' });
    assert.deepEqual(Object.keys(load(dir).project.services), ['web']);
    assert.deepEqual(Object.keys(load(dir).project.disabledServices), ['debug', 'all']);
    assert.deepEqual(Object.keys(load(dir, { profiles: ['dev'] }).project.services), ['web', 'debug']);
    assert.deepEqual(Object.keys(load(dir, { env: { COMPOSE_PROFILES: 'b' } }).project.services), ['web', 'all']);
    assert.deepEqual(Object.keys(load(dir, { profiles: ['*'] }).project.services), ['web', 'debug', 'all']);
    assert.deepEqual(Object.keys(load(dir, { services: ['debug'] }).project.services), ['web', 'debug']);
  });

  it('resolves extends in the same file and from another file, with its paths', () => {
    const dir = project({
      'compose.yaml': [
        'services:',
        '  base:',
        '    image: busybox',
        '    environment: {A: "1"}',
        '    command: sleep 1',
        '  web:',
        '    extends: base',
        '    environment: {B: "2"}',
        '  worker:',
        '    extends: {file: common/common.yml, service: job}',
        '    command: [run]',
      ].join('\n'),
      'common/common.yml': 'services:\n  job:\n    build: ./ctx\n    volumes: ["./data:/data"]\n    environment: [J=1]\n',
    });
    const { services } = load(dir).project;
    assert.deepEqual(services['web']!.environment, { A: '1', B: '2' });
    assert.deepEqual(services['web']!.command, ['sleep', '1']);
    assert.equal(services['worker']!.build?.context, path.join(dir, 'common', 'ctx'));
    assert.equal(services['worker']!.volumes?.[0]?.source, path.join(dir, 'common', 'data'));
    assert.deepEqual(services['worker']!.command, ['run']);
    assert.deepEqual(services['worker']!.environment, { J: '1' });
    const loop = project({ 'compose.yaml': 'services:\n  a:\n    extends: b\n    image: x\n  b:\n    extends: a\n' });
    assert.throws(() => load(loop), /circular extends: a → b → a/);
  });

  it('supports YAML anchors, aliases and merge keys', () => {
    const dir = project({
      'compose.yaml': [
        'x-common: &common',
        '  image: busybox',
        '  restart: always',
        '  environment: &env {A: "1"}',
        'services:',
        '  a:',
        '    <<: *common',
        '  b:',
        '    <<: *common',
        '    restart: "no"',
        '    labels: *env',
      ].join('\n'),
    });
    const { services } = load(dir).project;
    assert.equal(services['a']!.restart, 'always');
    assert.equal(services['b']!.restart, 'no');
    assert.deepEqual(services['b']!.labels, { A: '1' });
    assert.equal(services['b']!.image, 'busybox');
  });

  it('normalises short and long syntaxes', () => {
    const dir = project({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: busybox',
        '    build: ./web',
        '    depends_on: [db]',
        '    networks:',
        '      front: {aliases: [www]}',
        '      back:',
        '    healthcheck: {test: wget -q localhost, interval: 90s, timeout: 1500ms, retries: 3}',
        '    deploy: {replicas: 2, resources: {limits: {cpus: "0.5", memory: 64M}}}',
        '    stop_grace_period: 1m30s',
        '    mem_limit: 1g',
        '    extra_hosts: ["host.example=10.0.0.1"]',
        '  db:',
        '    image: busybox',
        '    depends_on: {cache: {condition: service_healthy, restart: true}}',
        '    volumes: [data:/var/lib/db]',
        '    networks: [back]',
        '  cache:',
        '    image: busybox',
        '    healthcheck: {test: [CMD, "true"]}',
        '    networks: [back]',
        'networks: {front: {}, back: {}}',
        'volumes: {data: {}}',
      ].join('\n'),
    });
    const { project: p } = load(dir);
    const web = p.services['web']!;
    assert.equal(web.build?.context, path.join(dir, 'web'));
    assert.deepEqual(web.depends_on, { db: { condition: 'service_started', restart: false, required: true } });
    assert.deepEqual(web.networks, { front: { aliases: ['www'] }, back: null });
    assert.deepEqual(web.healthcheck, { test: ['CMD-SHELL', 'wget -q localhost'], interval: '1m30s', timeout: '1.5s', retries: 3 });
    assert.deepEqual(web.deploy, { replicas: 2, resources: { limits: { cpus: 0.5, memory: 64 * 1024 * 1024 } } });
    assert.equal(web.stop_grace_period, '1m30s');
    assert.equal(web.mem_limit, 1024 ** 3);
    assert.deepEqual(web.extra_hosts, ['host.example:10.0.0.1']);
    assert.equal(p.services['db']!.depends_on?.['cache']?.condition, 'service_healthy');
    assert.deepEqual(p.networks, { front: { name: `${p.name}_front` }, back: { name: `${p.name}_back` } });
    assert.deepEqual(p.volumes, { data: { name: `${p.name}_data` } });
  });

  it('adds the default network only when a service uses it, and keeps external names', () => {
    const dir = project({
      'compose.yaml': 'services:\n  a:\n    image: x\n  b:\n    image: x\n    networks: [shared]\nnetworks:\n  shared:\n    external: true\nvolumes:\n  v:\n    name: exact\n  w:\n    external: {name: old}\n',
    });
    const { project: p } = load(dir, { projectName: 'pr' });
    assert.deepEqual(p.networks, { shared: { name: 'shared', external: true }, default: { name: 'pr_default' } });
    assert.deepEqual(p.volumes, { v: { name: 'exact' }, w: { name: 'old', external: true } });
  });
});
