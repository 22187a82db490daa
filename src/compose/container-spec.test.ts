import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBody, orderedNetworks, replicaName, serviceImage } from './container-spec.js';
import type { ComposeProject, ServiceConfig } from './types.js';

function project(services: ServiceConfig[]): ComposeProject {
  return {
    name: 'shop',
    workingDir: '/srv/shop',
    configFiles: ['/srv/shop/compose.yaml', '/srv/shop/compose.override.yaml'],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    disabledServices: {},
    networks: { default: { name: 'shop_default' }, back: { name: 'shop_back' }, front: { name: 'custom-front' } },
    volumes: { data: { name: 'shop_data' } },
    environment: {},
    profiles: [],
  };
}

describe('service → container create body', () => {
  const api: ServiceConfig = {
    name: 'api',
    image: 'busybox',
    command: ['httpd', '-f'],
    environment: { A: '1', UNSET: null },
    labels: { team: 'x' },
    ports: [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }, { target: 53, protocol: 'udp', mode: 'ingress' }],
    expose: ['9000'],
    volumes: [
      { type: 'volume', source: 'data', target: '/data', read_only: true },
      { type: 'volume', target: '/cache' },
      { type: 'bind', source: '/srv/shop/site', target: '/www', bind: { create_host_path: true } },
      { type: 'tmpfs', target: '/run', tmpfs: { size: 1024 } },
    ],
    networks: { back: { aliases: ['backend'], priority: 0 }, front: null },
    healthcheck: { test: ['CMD', 'true'], interval: '1m30s', timeout: '1.5s', retries: 3 },
    restart: 'on-failure:3',
    deploy: { resources: { limits: { cpus: 0.5, memory: 64 * 1024 * 1024 } } },
    stop_grace_period: '5s',
    init: true,
    user: '1000',
    tmpfs: ['/tmp:size=1m'],
    depends_on: { db: { condition: 'service_healthy', restart: false, required: true } },
  };
  const p = project([api]);
  const body = createBody({ project: p, service: api, number: 2, configHash: 'abc', imageId: 'sha256:1' });

  it('names replicas and images as compose v2 does', () => {
    assert.equal(replicaName(p, api, 2), 'shop-api-2');
    assert.equal(replicaName(p, { ...api, container_name: 'fixed' }, 1), 'fixed');
    assert.match(replicaName(p, api, 1, true), /^shop-api-run-[0-9a-f]+$/);
    assert.equal(serviceImage(p, api), 'busybox');
    assert.equal(serviceImage(p, { name: 'web', build: { context: '/x' } }), 'shop-web');
  });

  it('carries the compose labels over the service labels', () => {
    assert.deepEqual(body.Labels, {
      team: 'x',
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'api',
      'com.docker.compose.container-number': '2',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.config-hash': 'abc',
      'com.docker.compose.project.working_dir': '/srv/shop',
      'com.docker.compose.project.config_files': '/srv/shop/compose.yaml,/srv/shop/compose.override.yaml',
      'com.docker.compose.version': '2.29.0',
      'com.docker.compose.depends_on': 'db:service_healthy:false',
      'com.docker.compose.image': 'sha256:1',
    });
  });

  it('maps argv, environment, ports, mounts and the healthcheck', () => {
    assert.deepEqual(body.Cmd, ['httpd', '-f']);
    assert.equal(body.Entrypoint, undefined);
    assert.deepEqual(body.Env, ['A=1']);
    assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '53/udp': {}, '9000/tcp': {} });
    assert.deepEqual(body.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }] });
    assert.deepEqual(body.Volumes, { '/cache': {} });
    assert.deepEqual(body.HostConfig.Mounts, [
      { Type: 'volume', Source: 'shop_data', Target: '/data', ReadOnly: true },
      { Type: 'bind', Source: '/srv/shop/site', Target: '/www', BindOptions: { CreateMountpoint: true } },
      { Type: 'tmpfs', Target: '/run', TmpfsOptions: { SizeBytes: 1024 } },
    ]);
    assert.deepEqual(body.HostConfig.Tmpfs, { '/tmp': 'size=1m' });
    assert.deepEqual(body.Healthcheck, { Test: ['CMD', 'true'], Interval: 90e9, Timeout: 1.5e9, Retries: 3 });
  });

  it('maps restart, limits, init, user and the stop timeout', () => {
    assert.deepEqual(body.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.equal(body.HostConfig.NanoCpus, 5e8);
    assert.equal(body.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(body.HostConfig.Init, true);
    assert.equal(body.User, '1000');
    assert.equal(body.StopTimeout, 5);
  });

  it('joins every network of the service with the service name as an alias', () => {
    assert.deepEqual(orderedNetworks(api), ['back', 'front']);
    assert.equal(body.HostConfig.NetworkMode, 'shop_back');
    assert.deepEqual(body.NetworkingConfig?.EndpointsConfig, {
      shop_back: { Aliases: ['api', 'backend'] },
      'custom-front': { Aliases: ['api'] },
    });
    const plain = createBody({ project: p, service: { name: 'web', image: 'busybox' }, number: 1, configHash: 'h' });
    assert.equal(plain.HostConfig.NetworkMode, 'shop_default');
    assert.deepEqual(plain.NetworkingConfig?.EndpointsConfig, { shop_default: { Aliases: ['web'] } });
    const host = createBody({ project: p, service: { name: 'h', image: 'busybox', network_mode: 'host' }, number: 1, configHash: 'h' });
    assert.equal(host.HostConfig.NetworkMode, 'host');
    assert.deepEqual(host.NetworkingConfig?.EndpointsConfig, {});
  });

  it('mounts the anonymous volumes of the container it replaces again', () => {
    const b = createBody({ project: p, service: api, number: 1, configHash: 'h', inheritedVolumes: { '/cache': 'f'.repeat(64), '/gone': 'e'.repeat(64) } });
    assert.deepEqual(b.Volumes, {});
    assert.deepEqual(b.HostConfig.Mounts?.find((m) => m.Target === '/cache'), { Type: 'volume', Source: 'f'.repeat(64), Target: '/cache' });
    assert.equal(b.HostConfig.Mounts?.some((m) => m.Target === '/gone'), false);
  });

  it('turns a disabled healthcheck into NONE', () => {
    const b = createBody({ project: p, service: { name: 'x', image: 'busybox', healthcheck: { disable: true } }, number: 1, configHash: 'h' });
    assert.deepEqual(b.Healthcheck, { Test: ['NONE'] });
  });
});
