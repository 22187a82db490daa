import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Digest } from '../../content/digest.js';
import type { ResolvedImage } from '../../images/image-service.js';
import { inspectJson } from './image-json.js';

const ID = `sha256:${'a'.repeat(64)}` as Digest;

function image(extra: Record<string, unknown> = {}): ResolvedImage {
  return {
    record: { id: ID, manifestDigest: ID, size: 10, added: '2026-01-01T00:00:00Z' },
    manifest: { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: ID, size: 1 }, layers: [] },
    config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Cmd: ['sh'] }, ...extra },
  } as ResolvedImage;
}

describe('image inspect JSON', () => {
  it('sends ContainerConfig before API 1.45, a zero config when the image has none (docker-compose 1.29 reads it)', () => {
    const json = inspectJson(image(), ['docker.io/library/busybox:latest'], '1.44');
    assert.deepEqual(json.ContainerConfig, {
      Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
      Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: '', Volumes: null,
      WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
    });
    assert.equal('Container' in json, false);
    // Key order as moby's struct: after Created, before DockerVersion.
    const keys = Object.keys(json);
    assert.equal(keys.indexOf('ContainerConfig'), keys.indexOf('Created') + 1);
  });

  it('carries the classic builder container and container_config', () => {
    const json = inspectJson(image({ container: 'abc123', container_config: { Cmd: ['/bin/sh', '-c', '#(nop) CMD ["sh"]'], Volumes: { '/data': {} } } }), [], '1.41');
    assert.equal(json.Container, 'abc123');
    const cc = json.ContainerConfig as Record<string, unknown>;
    assert.deepEqual(cc.Cmd, ['/bin/sh', '-c', '#(nop) CMD ["sh"]']);
    assert.deepEqual(cc.Volumes, { '/data': {} });
  });

  it('leaves Container and ContainerConfig out from API 1.45, as moby does', () => {
    const json = inspectJson(image({ container: 'abc123' }), [], '1.45');
    assert.equal('ContainerConfig' in json, false);
    assert.equal('Container' in json, false);
  });
});
