/**
 * `berth registry serve` with real clients: skopeo pushing, inspecting,
 * listing, copying between repositories and pulling; over TLS; and with
 * htpasswd and token authentication in front (the server asks the
 * Authorizer about every request).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { call, startRegistry, tempDir, type Cleanup } from './server-harness.js';

const exec = promisify(execFile);
const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Layout {
  dir: string;
  manifest: string;
  layers: string[];
  config: string;
}

/** An OCI image layout with gzip layers (skopeo copies them unchanged, so digests are known). */
async function ociLayout(t: Cleanup, layerSizes: number[]): Promise<Layout> {
  const dir = path.join(tempDir(t), 'layout');
  await fs.mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = async (b: Buffer): Promise<{ digest: string; size: number }> => {
    await fs.writeFile(path.join(dir, 'blobs', 'sha256', sha(b).slice(7)), b);
    return { digest: sha(b), size: b.length };
  };
  const layers = [];
  const diffIds = [];
  for (const size of layerSizes) {
    const raw = randomBytes(size);
    diffIds.push(sha(raw));
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...(await put(gzipSync(raw, { level: 1 }))) });
  }
  const config = await put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } })));
  const manifest = await put(
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers })),
  );
  await fs.writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] }),
  );
  await fs.writeFile(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  return { dir, manifest: manifest.digest, layers: layers.map((l) => l.digest), config: config.digest };
}

async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await exec('skopeo', args, { maxBuffer: 16 << 20 });
  return stdout;
}

test('skopeo pushes, inspects, lists tags, copies across repositories and pulls back', async (t) => {
  const reg = await startRegistry(t, { args: ['--access-log'] });
  const img = await ociLayout(t, [300_000, 200_000, 1000]);
  const dest = `docker://${reg.hostPort}/skopeo/app`;
  await skopeo('copy', '--dest-tls-verify=false', `oci:${img.dir}:latest`, `${dest}:v1`);
  await skopeo('copy', '--dest-tls-verify=false', `oci:${img.dir}:latest`, `${dest}:v2`);

  const inspect = JSON.parse(await skopeo('inspect', '--tls-verify=false', `${dest}:v1`)) as { Digest: string; Layers: string[]; RepoTags: string[]; Os: string };
  assert.equal(inspect.Digest, img.manifest);
  assert.deepEqual(inspect.Layers, img.layers);
  assert.equal(inspect.Os, 'linux');
  const tags = JSON.parse(await skopeo('list-tags', '--tls-verify=false', dest)) as { Tags: string[] };
  assert.deepEqual(tags.Tags, ['v1', 'v2']);

  // Registry to registry: blobs are mounted, not uploaded again, and stored once.
  await skopeo('copy', '--src-tls-verify=false', '--dest-tls-verify=false', `${dest}:v1`, `docker://${reg.hostPort}/skopeo/copy:latest`);
  const blobDir = path.join(reg.root, 'blobs', 'sha256');
  let files = 0;
  for (const prefix of await fs.readdir(blobDir)) files += (await fs.readdir(path.join(blobDir, prefix))).length;
  assert.equal(files, 5, 'three layers, a config and a manifest, once each');
  // (skopeo mounts the layers; it uploads the small config again.)
  const mounts = reg.output().match(/POST \/v2\/skopeo\/copy\/blobs\/uploads\/\?from=skopeo%2Fapp&mount=sha256%3A[0-9a-f]{64} 201/g) ?? [];
  assert.equal(mounts.length, img.layers.length, reg.output());

  const out = path.join(tempDir(t), 'pulled');
  await skopeo('copy', '--src-tls-verify=false', `docker://${reg.hostPort}/skopeo/copy:latest`, `oci:${out}:v1`);
  const index = JSON.parse(await fs.readFile(path.join(out, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  assert.equal(index.manifests[0]!.digest, img.manifest);
  for (const d of [...img.layers, img.config]) {
    const bytes = await fs.readFile(path.join(out, 'blobs', 'sha256', d.slice(7)));
    assert.equal(sha(bytes), d);
  }

  await skopeo('delete', '--tls-verify=false', `${dest}:v2`);
  assert.equal((await call(reg.url, 'GET', '/v2/skopeo/app/manifests/v2')).status, 404);
  const catalog = (await call(reg.url, 'GET', '/v2/_catalog')).json<{ repositories: string[] }>();
  assert.deepEqual(catalog.repositories, ['skopeo/app', 'skopeo/copy']);
});

test('serves HTTPS with the given certificate and key', async (t) => {
  const dir = tempDir(t);
  const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
  await exec('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  const reg = await startRegistry(t, { args: ['--tls-cert', cert, '--tls-key', key] });
  assert.match(reg.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const r = await call(reg.url, 'GET', '/v2/', { insecure: true });
  assert.equal(r.status, 200);
  await assert.rejects(call(reg.url, 'GET', '/v2/'), /self.signed|certificate/i);
  const img = await ociLayout(t, [5000]);
  await skopeo('copy', `--dest-cert-dir=${dir}`, '--dest-tls-verify=false', `oci:${img.dir}:latest`, `docker://${reg.hostPort}/tls/app:v1`);
  const inspect = JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${reg.hostPort}/tls/app:v1`)) as { Digest: string };
  assert.equal(inspect.Digest, img.manifest);
});

test('with htpasswd auth every request is checked, and it may listen beyond loopback', async (t) => {
  const dir = tempDir(t);
  const htpasswd = path.join(dir, 'htpasswd');
  await fs.writeFile(htpasswd, `alice:${bcrypt.hashSync('wonderland', 4)}\n`);
  const reg = await startRegistry(t, { args: ['--addr', '0.0.0.0:0', '--auth', 'htpasswd', '--htpasswd', htpasswd] });
  const base = reg.url.replace('0.0.0.0', '127.0.0.1');
  const basic = `Basic ${Buffer.from('alice:wonderland').toString('base64')}`;
  const anon = await call(base, 'GET', '/v2/');
  assert.equal(anon.status, 401);
  assert.match(String(anon.headers['www-authenticate']), /^Basic realm=/);
  assert.equal(anon.headers['docker-distribution-api-version'], 'registry/2.0');
  assert.equal(anon.code(), 'UNAUTHORIZED');
  assert.equal((await call(base, 'GET', '/v2/', { headers: { Authorization: basic } })).status, 200);
  assert.equal((await call(base, 'GET', '/v2/_catalog', { headers: { Authorization: `Basic ${Buffer.from('alice:wrong').toString('base64')}` } })).status, 401);
  assert.equal((await call(base, 'POST', '/v2/x/blobs/uploads/')).status, 401);

  const img = await ociLayout(t, [4000]);
  const hostPort = new URL(base).host;
  await assert.rejects(skopeo('copy', '--dest-tls-verify=false', `oci:${img.dir}:latest`, `docker://${hostPort}/auth/app:v1`));
  await skopeo('copy', '--dest-tls-verify=false', '--dest-creds', 'alice:wonderland', `oci:${img.dir}:latest`, `docker://${hostPort}/auth/app:v1`);
  const tags = JSON.parse(await skopeo('list-tags', '--tls-verify=false', '--creds', 'alice:wonderland', `docker://${hostPort}/auth/app`)) as { Tags: string[] };
  assert.deepEqual(tags.Tags, ['v1']);
});

test('with token auth the registry serves its token endpoint and honours the tokens', async (t) => {
  const dir = tempDir(t);
  const htpasswd = path.join(dir, 'htpasswd');
  await fs.writeFile(htpasswd, `bob:${bcrypt.hashSync('builder', 4)}\n`);
  const reg = await startRegistry(t, { args: ['--auth', 'token', '--htpasswd', htpasswd] });
  const anon = await call(reg.url, 'GET', '/v2/tok/app/tags/list');
  assert.equal(anon.status, 401);
  assert.match(String(anon.headers['www-authenticate']), /^Bearer realm="[^"]+",service="[^"]+",scope="repository:tok\/app:pull"/);
  const img = await ociLayout(t, [4000]);
  await skopeo('copy', '--dest-tls-verify=false', '--dest-creds', 'bob:builder', `oci:${img.dir}:latest`, `docker://${reg.hostPort}/tok/app:v1`);
  const inspect = JSON.parse(await skopeo('inspect', '--tls-verify=false', '--creds', 'bob:builder', `docker://${reg.hostPort}/tok/app:v1`)) as { Digest: string };
  assert.equal(inspect.Digest, img.manifest);
  await assert.rejects(skopeo('inspect', '--tls-verify=false', '--creds', 'bob:wrong', `docker://${reg.hostPort}/tok/app:v1`));
});
