/**
 * save, load and import end to end through the real docker CLI: round trips
 * keep the image ID and tags, archives are both docker-archive and OCI
 * layout, hostile archives fail clearly and leave nothing behind, and an
 * imported root filesystem runs with its --change instructions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { listTar, makeTar, collect } from '../../../src/archive/tar-fixtures.js';
import { packDirectory } from '../../../src/archive/tar-pack.js';
import { digestOf } from '../../../src/content/digest.js';
import { hasDocker, startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

describe('image transfer', { skip: !hasDocker && 'needs the docker CLI' }, () => {
  let d: TestDaemon;
  let work: string;
  before(async () => {
    d = await startDaemonWithBusybox();
    work = path.join(d.dir, 'work');
    await fs.mkdir(work);
  });
  after(async () => {
    await d?.cleanup();
  });

  const ok = (args: string[]) => {
    const r = d.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const imageId = (ref: string) => ok(['image', 'inspect', '-f', '{{.Id}}', ref]).trim();
  const blobs = async () => (await fs.readdir(path.join(d.dataRoot, 'content', 'blobs', 'sha256'))).sort();
  const imageIds = () => ok(['images', '-qa', '--no-trunc']).split('\n').filter(Boolean).sort();

  it('saves, removes and loads an image keeping its ID and tags, and it runs', async () => {
    ok(['tag', 'busybox', 'example.com/team/box:v1']);
    const id = imageId('busybox');
    const file = path.join(work, 'two.tar');
    ok(['save', '-o', file, 'busybox', 'example.com/team/box:v1']);
    ok(['rmi', 'busybox', 'example.com/team/box:v1']);
    assert.deepEqual(imageIds(), []);

    const r = d.docker(['load', '-i', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Loaded image: busybox:latest$/m);
    assert.match(r.stdout, /^Loaded image: example.com\/team\/box:v1$/m);
    assert.equal(imageId('busybox'), id);
    assert.equal(imageId('example.com/team/box:v1'), id);
    assert.equal(ok(['run', '--rm', 'example.com/team/box:v1', 'echo', 'runs after load']), 'runs after load\n');
    ok(['rmi', 'example.com/team/box:v1']);
  });

  it('writes one tar that is both a docker-archive and an OCI image layout', async () => {
    const file = path.join(work, 'one.tar');
    ok(['save', '-o', file, 'busybox:latest']);
    const tar = await fs.readFile(file);
    const names = (await listTar(tar)).map((e) => e.name);
    for (const n of ['oci-layout', 'index.json', 'manifest.json', 'repositories']) assert.ok(names.includes(n), `${n} missing`);
    const read = (name: string) => spawnSync('tar', ['-xOf', file, name], { encoding: 'utf8' }).stdout;
    const manifest = JSON.parse(read('manifest.json'));
    assert.deepEqual(manifest[0].RepoTags, ['busybox:latest']);
    assert.equal(manifest[0].Config, `blobs/sha256/${imageId('busybox').slice(7)}`);
    for (const l of manifest[0].Layers) assert.ok(names.includes(l), `layer ${l} missing`);
    const index = JSON.parse(read('index.json'));
    assert.equal(index.manifests[0].annotations['io.containerd.image.name'], 'docker.io/library/busybox:latest');
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'latest');
    assert.ok(names.includes(`blobs/sha256/${index.manifests[0].digest.slice(7)}`));
    // Every blob is what its name says.
    const blobNames = names.filter((n) => /^blobs\/sha256\/[a-f0-9]{64}$/.test(n));
    for (const n of blobNames) {
      const bytes = spawnSync('tar', ['-xOf', file, n], { maxBuffer: 1 << 30 }).stdout;
      assert.equal(digestOf(bytes).slice(7), n.slice('blobs/sha256/'.length));
    }
    // The same image saves to the same bytes.
    const again = path.join(work, 'again.tar');
    ok(['save', '-o', again, 'busybox:latest']);
    assert.ok(tar.equals(await fs.readFile(again)));
  });

  it('loads a gzipped archive through stdin-like upload', async () => {
    const file = path.join(work, 'one.tar');
    const gz = path.join(work, 'one.tar.gz');
    await fs.writeFile(gz, gzipSync(await fs.readFile(file)));
    ok(['rmi', 'busybox']);
    const r = d.docker(['load', '-i', gz]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Loaded image: busybox:latest/);
  });

  it('refuses an archive with a ../ entry, writing nothing outside the data root and registering nothing', async () => {
    const before = imageIds();
    const blobsBefore = await blobs();
    const file = path.join(work, 'evil.tar');
    await fs.writeFile(file, await makeTar([{ name: 'manifest.json', content: '[]' }, { name: '../evil', content: 'pwned' }]));
    const r = d.docker(['load', '-i', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /invalid archive: tar entry "\.\.\/evil" escapes the destination/);
    for (const dir of [d.dir, d.dataRoot, path.dirname(d.dataRoot), process.cwd(), work, path.dirname(work)]) {
      assert.equal(existsSync(path.join(dir, 'evil')), false, `evil written in ${dir}`);
    }
    assert.deepEqual(imageIds(), before);
    assert.deepEqual(await blobs(), blobsBefore);
  });

  it('refuses an archive whose layer does not match its digest, keeping no blob of it', async () => {
    // An image the store does not have yet, so its blobs would be new.
    const c = ok(['run', '-d', 'busybox', 'sh', '-c', 'head -c 3000000 /dev/urandom > /noise; sleep 60']).trim();
    await waitFor(() => d.docker(['exec', c, 'test', '-s', '/noise']).code === 0);
    ok(['commit', c, 'tamper:me']);
    ok(['rm', '-f', c]);
    const good = path.join(work, 'tamper.tar');
    ok(['save', '-o', good, 'tamper:me']);
    ok(['rmi', 'tamper:me']);
    const before = imageIds();
    const blobsBefore = await blobs();

    const bad = path.join(work, 'tampered.tar');
    await fs.writeFile(bad, await flipLayerByte(await fs.readFile(good)));
    const r = d.docker(['load', '-i', bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /invalid archive: blobs\/sha256\/[a-f0-9]{64}: digest mismatch: expected sha256:[a-f0-9]{64}, got sha256:[a-f0-9]{64}/);
    assert.deepEqual(imageIds(), before);
    assert.deepEqual(await blobs(), blobsBefore);
    assert.equal(d.docker(['image', 'inspect', 'tamper:me']).code, 1);
  });

  it('loads a legacy docker-archive (<id>/layer.tar) and an OCI layout without manifest.json', async () => {
    const file = path.join(work, 'one.tar');
    const read = (name: string) => spawnSync('tar', ['-xOf', file, name], { maxBuffer: 1 << 30 }).stdout as Buffer;
    const manifest = JSON.parse(read('manifest.json').toString());
    const config = read(manifest[0].Config);
    const layer = read(manifest[0].Layers[0]);
    const id = digestOf(config);
    ok(['rmi', '-f', 'busybox']);

    const legacy = await makeTar([
      { name: 'l1/', type: 'directory' },
      { name: 'l1/layer.tar', content: layer },
      { name: 'l1/VERSION', content: '1.0' },
      { name: `${id.slice(7)}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${id.slice(7)}.json`, RepoTags: ['legacy:v1'], Layers: ['l1/layer.tar'] }]) },
    ]);
    const r1 = await d.api('POST', '/images/load?quiet=1', legacy);
    assert.equal(r1.status, 200, r1.text);
    assert.match(r1.text, /\{"stream":"Loaded image: legacy:v1\\n"\}/);
    assert.equal(imageId('legacy:v1'), id);

    ok(['rmi', '-f', 'legacy:v1']);
    const ociNames = (await listTar(await fs.readFile(file))).map((e) => e.name).filter((n) => n.startsWith('blobs/sha256/') && n.length > 20);
    const oci = await makeTar([
      { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
      ...ociNames.map((n) => ({ name: n, content: read(n) })),
      { name: 'index.json', content: JSON.stringify({ ...JSON.parse(read('index.json').toString()), manifests: JSON.parse(read('index.json').toString()).manifests.map((m: object) => ({ ...m, annotations: { 'org.opencontainers.image.ref.name': 'oci/only:v2' } })) }) },
    ]);
    const r2 = await d.api('POST', '/images/load', oci);
    assert.equal(r2.status, 200, r2.text);
    assert.match(r2.text, /Loaded image: oci\/only:v2/);
    assert.equal(imageId('oci/only:v2'), id);
    ok(['tag', 'oci/only:v2', 'busybox:latest']);

    // A legacy layer has no digest in its name: its content is checked against the config's diff ID.
    const before = imageIds();
    const tampered = Buffer.from(layer);
    tampered[1000] ^= 0xff;
    const bad = await makeTar([
      { name: 'l1/layer.tar', content: tampered },
      { name: `${id.slice(7)}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${id.slice(7)}.json`, RepoTags: ['legacy:bad'], Layers: ['l1/layer.tar'] }]) },
    ]);
    const r3 = await d.api('POST', '/images/load', bad);
    assert.equal(r3.status, 400, r3.text);
    assert.match(r3.text, /invalid archive: layer l1\/layer.tar does not match diff id sha256:[a-f0-9]{64} in the image config/);
    assert.deepEqual(imageIds(), before);
  });

  it('imports a root filesystem tar with --change and runs it', async () => {
    const root = path.join(work, 'rootfs');
    await fs.mkdir(path.join(root, 'bin'), { recursive: true });
    await fs.copyFile('/bin/busybox', path.join(root, 'bin', 'busybox'));
    await fs.chmod(path.join(root, 'bin', 'busybox'), 0o755);
    await fs.symlink('busybox', path.join(root, 'bin', 'sh'));
    await fs.writeFile(path.join(root, 'hello.txt'), 'from the import\n');

    const packed = path.join(work, 'rootfs.tar');
    await fs.writeFile(packed, await collect(packDirectory(root, { whiteouts: 'none' })));
    const r = d.docker(['import', '--change', 'CMD ["/bin/sh","-c","echo imported"]', '--change', 'ENV WHO=berth', '-m', 'first import', packed, 'imported:v1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^sha256:[a-f0-9]{64}$/);
    assert.equal(ok(['run', '--rm', 'imported:v1']), 'imported\n');
    assert.equal(ok(['run', '--rm', 'imported:v1', 'sh', '-c', 'echo $WHO; cat /hello.txt']), 'berth\nfrom the import\n');
    assert.match(ok(['history', '--format', '{{.CreatedBy}}|{{.Comment}}', 'imported:v1']), /^Imported from -\|first import$/m);

    // The same tree made by tar(1), gzipped, through stdin.
    const gz = spawnSync('tar', ['-C', root, '-czf', '-', '.'], { maxBuffer: 1 << 30 }).stdout as Buffer;
    const r2 = spawnSync('/usr/local/bin/docker', ['import', '-c', 'CMD ["/bin/busybox","cat","/hello.txt"]', '-', 'imported:v2'], {
      input: gz,
      env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: path.join(d.dir, 'docker-config') },
    });
    assert.equal(r2.status, 0, r2.stderr.toString());
    assert.equal(ok(['run', '--rm', 'imported:v2']), 'from the import\n');
  });

  it('refuses an import whose --change is not a config instruction, naming it', () => {
    const r = d.docker(['import', '--change', 'RUN echo hi', path.join(work, 'rootfs.tar'), 'nope:v1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /run is not a valid change command/);
    assert.equal(d.docker(['image', 'inspect', 'nope:v1']).code, 1);
  });
});

/** Flips one byte inside the largest blob of a saved archive, keeping its name. */
async function flipLayerByte(tar: Buffer): Promise<Buffer> {
  const entries = await listTar(tar);
  const biggest = entries.filter((e) => e.name.startsWith('blobs/sha256/')).sort((a, b) => b.size - a.size)[0]!;
  // Find its data: the entry header is 512 bytes before the data; search by name in the raw tar.
  const nameAt = tar.indexOf(Buffer.from(biggest.name));
  const out = Buffer.from(tar);
  out[nameAt + 512 + 1000] ^= 0xff;
  return out;
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
