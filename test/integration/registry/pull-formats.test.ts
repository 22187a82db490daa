/**
 * berthd pulls what other clients push: Docker schema 2 manifests with
 * gzip layers, OCI manifests with zstd layers, and indexes of several
 * platforms (linux/amd64 by default, `--platform` honoured). The images are
 * put into the registry over plain HTTP by the test itself, as another
 * client would, then pulled through the docker CLI and run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar } from '../../../src/archive/tar-fixtures.js';
import { digestOf } from '../../../src/content/digest.js';
import { MediaTypes } from '../../../src/images/oci-types.js';
import { hasDocker, startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';
import { hasBerthRegistry, hasDistribution, putBlob, putManifest, startBerthRegistry, startDistribution, type RegistryProcess } from './client-registries.js';

const hasZstd = existsSync('/usr/bin/zstd');
const OCI_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';

const registries = [
  { kind: 'distribution', start: startDistribution, skip: !hasDistribution && 'needs docker-registry (Debian)' },
  { kind: 'berth', start: startBerthRegistry, skip: !hasBerthRegistry() && 'berth registry serve is not built' },
];

interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

const blob = (mediaType: string, bytes: Buffer): Blob => ({ mediaType, digest: digestOf(bytes), size: bytes.length, bytes });
const descriptor = (b: Blob) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });

for (const reg of registries) {
  describe(`pulling other clients' images from the ${reg.kind} registry`, { skip: (!hasDocker && 'needs the docker CLI') || reg.skip }, () => {
    let d: TestDaemon;
    let r: RegistryProcess;
    let base: Blob;
    before(async () => {
      d = await startDaemonWithBusybox();
      r = await reg.start();
      // busybox's layer, uncompressed, straight from berthd's content store.
      const diffId = d.docker(['image', 'inspect', '-f', '{{index .RootFS.Layers 0}}', 'busybox']).stdout.trim();
      base = blob(MediaTypes.ociLayer, await fs.readFile(path.join(d.dataRoot, 'content', 'blobs', 'sha256', diffId.slice(7))));
    });
    after(async () => {
      await d?.cleanup();
      await r?.stop();
    });

    const ok = (args: string[]): string => {
      const res = d.docker(args);
      assert.equal(res.code, 0, `docker ${args.join(' ')}: ${res.stderr}`);
      return res.stdout;
    };

    /** busybox plus a layer holding /message, compressed as asked; returns the manifest's bytes and media type. */
    async function putImage(repo: string, message: string, opts: { compression: 'gzip' | 'zstd'; docker: boolean; architecture?: string }) {
      const tar = await makeTar([{ name: 'message', content: `${message}\n` }]);
      const packed = opts.compression === 'gzip' ? gzipSync(tar) : spawnSync('zstd', ['-q', '-c'], { input: tar, maxBuffer: 1 << 26 }).stdout;
      const layerType = opts.compression === 'gzip' ? (opts.docker ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip) : OCI_ZSTD;
      const top = blob(layerType, packed);
      const bottom = { ...base, mediaType: opts.docker ? MediaTypes.dockerLayer : MediaTypes.ociLayer };
      const config = blob(
        opts.docker ? MediaTypes.dockerConfig : MediaTypes.ociConfig,
        Buffer.from(
          JSON.stringify({
            architecture: opts.architecture ?? 'amd64',
            os: 'linux',
            config: { Cmd: ['cat', '/message'] },
            rootfs: { type: 'layers', diff_ids: [base.digest, digestOf(tar)] },
          }),
        ),
      );
      for (const b of [bottom, top, config]) await putBlob(r.host, repo, b.bytes, b.digest);
      const mediaType = opts.docker ? MediaTypes.dockerManifest : MediaTypes.ociManifest;
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, config: descriptor(config), layers: [descriptor(bottom), descriptor(top)] }));
      return { manifest, mediaType, digest: digestOf(manifest) };
    }

    it('pulls a Docker schema 2 image with a gzip layer, and it runs', async () => {
      const img = await putImage('formats/gzip', 'from a gzip layer', { compression: 'gzip', docker: true });
      await putManifest(r.host, 'formats/gzip', 'v1', img.mediaType, img.manifest);
      const out = ok(['pull', `${r.host}/formats/gzip:v1`]);
      assert.match(out, /: Already exists$/m, 'busybox layer is already in the store');
      assert.match(out, /: Pull complete$/m);
      assert.equal(ok(['run', '--rm', `${r.host}/formats/gzip:v1`]), 'from a gzip layer\n');
    });

    it('pulls an OCI image with a zstd layer, and it runs', { skip: !hasZstd && 'needs zstd' }, async () => {
      const img = await putImage('formats/zstd', 'from a zstd layer', { compression: 'zstd', docker: false });
      await putManifest(r.host, 'formats/zstd', 'v1', img.mediaType, img.manifest);
      ok(['pull', `${r.host}/formats/zstd:v1`]);
      assert.equal(ok(['run', '--rm', `${r.host}/formats/zstd:v1`]), 'from a zstd layer\n');
    });

    it('chooses linux/amd64 from an index, or the platform asked for', async () => {
      const amd = await putImage('formats/multi', 'amd64 entry', { compression: 'gzip', docker: false, architecture: 'amd64' });
      const arm = await putImage('formats/multi', 'arm64 entry', { compression: 'gzip', docker: false, architecture: 'arm64' });
      for (const m of [amd, arm]) await putManifest(r.host, 'formats/multi', m.digest, m.mediaType, m.manifest);
      const entry = (m: typeof amd, architecture: string, variant?: string) => ({
        mediaType: m.mediaType,
        digest: m.digest,
        size: m.manifest.length,
        platform: { architecture, os: 'linux', ...(variant ? { variant } : {}) },
      });
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [entry(arm, 'arm64', 'v8'), entry(amd, 'amd64')] }));
      await putManifest(r.host, 'formats/multi', 'v1', MediaTypes.ociIndex, index);

      const out = ok(['pull', `${r.host}/formats/multi:v1`]);
      assert.match(out, new RegExp(`^Digest: ${digestOf(index)}$`, 'm'), 'the digest shown is the index digest');
      assert.equal(ok(['run', '--rm', `${r.host}/formats/multi:v1`]), 'amd64 entry\n');
      // The index digest names the image it was pulled by (RepoDigests), as in Docker.
      assert.equal(ok(['run', '--rm', `${r.host}/formats/multi@${digestOf(index)}`]), 'amd64 entry\n');
      ok(['rmi', `${r.host}/formats/multi:v1`]);

      ok(['pull', '--platform', 'linux/arm64', `${r.host}/formats/multi:v1`]);
      assert.equal(ok(['image', 'inspect', '-f', '{{.Architecture}}', `${r.host}/formats/multi:v1`]).trim(), 'arm64');

      const none = d.docker(['pull', '--platform', 'linux/s390x', `${r.host}/formats/multi:v1`]);
      assert.notEqual(none.code, 0);
      assert.match(none.stderr, /no matching manifest for linux\/s390x in the manifest list entries/);
    });
  });
}
