import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import tarStream from 'tar-stream';
import { InvalidArgumentError } from '../../errors.js';
import { collect, tempDir } from '../../archive/tar-fixtures.js';
import { newExtraDockerfileName, packContext } from './context-tar.js';
import { contextFromStream, isArchive } from './stream-context.js';

interface Member {
  name: string;
  type: string;
  uid: number;
  gid: number;
  mode: number;
  content: string;
}

/** Every member of a tar, read with tar-stream (not our reader). */
async function members(tar: Buffer): Promise<Member[]> {
  const ex = tarStream.extract();
  const out: Member[] = [];
  const done = (async () => {
    for await (const entry of ex as unknown as AsyncIterable<Readable & { header: tarStream.Header }>) {
      const h = entry.header;
      const body = await collect(entry);
      out.push({ name: h.name, type: h.type ?? 'file', uid: h.uid ?? -1, gid: h.gid ?? -1, mode: h.mode ?? 0, content: body.toString() });
    }
  })();
  ex.end(tar);
  await done;
  return out;
}

async function context(t: Parameters<typeof tempDir>[0], files: Record<string, string>): Promise<string> {
  const root = await tempDir(t, 'berth-ctx-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
    fs.chownSync(path.join(root, name), 1234, 5678);
  }
  return root;
}

describe('packing a build context', () => {
  it('applies .dockerignore, keeps the Dockerfile and .dockerignore, and owns everything by 0:0', async (t) => {
    const root = await context(t, {
      Dockerfile: 'FROM busybox\n',
      '.dockerignore': '**/*.log\nDockerfile\n.dockerignore\nsecret\n',
      'app/main.sh': 'echo hi\n',
      'app/debug.log': 'noise',
      'secret/key': 'k',
    });
    const tar = await collect(await packContext(root));
    const got = await members(tar);
    assert.deepEqual(got.map((m) => m.name), ['.dockerignore', 'Dockerfile', 'app/', 'app/main.sh']);
    assert.ok(got.every((m) => m.uid === 0 && m.gid === 0), JSON.stringify(got));
    assert.equal(got.find((m) => m.name === 'app/main.sh')?.content, 'echo hi\n');
  });

  it('is the same bytes for the same tree', async (t) => {
    const root = await context(t, { Dockerfile: 'FROM x\n', 'a/b': '1', 'a/c': '2', '.dockerignore': 'a/c' });
    const first = await collect(await packContext(root));
    const second = await collect(await packContext(root));
    assert.ok(first.equals(second));
  });

  it('keeps a Dockerfile named with -f inside an excluded directory', async (t) => {
    const root = await context(t, { 'build/prod.Dockerfile': 'FROM x\n', 'build/junk': 'j', '.dockerignore': 'build\n' });
    const got = await members(await collect(await packContext(root, { dockerfile: 'build/prod.Dockerfile' })));
    assert.deepEqual(got.map((m) => m.name), ['.dockerignore', 'build/prod.Dockerfile']);
  });

  it('adds a Dockerfile from elsewhere and lists it in .dockerignore', async (t) => {
    const root = await context(t, { 'main.go': 'package main', '.dockerignore': '*.md' });
    const name = newExtraDockerfileName();
    assert.match(name, /^\.dockerfile\.[0-9a-f]{20}$/);
    const got = await members(await collect(await packContext(root, { extraDockerfile: { name, content: Buffer.from('FROM y\n') } })));
    assert.deepEqual(got.map((m) => m.name), ['main.go', '.dockerignore', name]);
    assert.equal(got[1]!.content, `*.md\n${name}\n`);
    assert.deepEqual([got[2]!.content, got[2]!.mode, got[2]!.uid], ['FROM y\n', 0o600, 0]);
  });

  it('writes a .dockerignore naming itself when the context had none', async (t) => {
    const root = await context(t, { a: 'a' });
    const name = newExtraDockerfileName();
    const got = await members(await collect(await packContext(root, { extraDockerfile: { name, content: Buffer.from('FROM z') } })));
    assert.deepEqual(got.map((m) => [m.name, m.content]), [['a', 'a'], ['.dockerignore', `.dockerignore\n${name}\n`], [name, 'FROM z']]);
  });

  it('refuses an invalid .dockerignore pattern', async (t) => {
    const root = await context(t, { Dockerfile: 'FROM x', '.dockerignore': 'a[\n' });
    await assert.rejects(packContext(root), InvalidArgumentError);
  });
});

describe('a context from stdin', () => {
  it('passes a tar through untouched', async (t) => {
    const root = await context(t, { Dockerfile: 'FROM x\n', 'big.bin': 'x'.repeat(100_000) });
    const tar = await collect(await packContext(root));
    const chunks = [tar.subarray(0, 100), tar.subarray(100, 700), tar.subarray(700)];
    const got = await contextFromStream(Readable.from(chunks));
    assert.equal(got.dockerfileOnly, false);
    assert.ok((await collect(got.tar)).equals(tar));
  });

  it('passes a gzip stream through', async () => {
    const gz = Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]);
    const got = await contextFromStream(Readable.from([gz]));
    assert.equal(got.dockerfileOnly, false);
    assert.ok((await collect(got.tar)).equals(gz));
  });

  it('turns anything else into a context holding only a Dockerfile', async () => {
    const got = await contextFromStream(Readable.from([Buffer.from('FROM busybox\n'), Buffer.from('RUN true\n')]));
    assert.equal(got.dockerfileOnly, true);
    const m = await members(await collect(got.tar));
    assert.deepEqual(m.map((x) => [x.name, x.content, x.mode]), [['Dockerfile', 'FROM busybox\nRUN true\n', 0o644]]);
  });

  it('recognises a tar header only with a valid checksum', async (t) => {
    const root = await context(t, { f: 'x' });
    const tar = await collect(await packContext(root));
    assert.equal(isArchive(tar.subarray(0, 512)), true);
    const broken = Buffer.from(tar.subarray(0, 512));
    broken[0] = broken[0]! ^ 1;
    assert.equal(isArchive(broken), false);
    assert.equal(isArchive(Buffer.alloc(512)), false);
  });
});
