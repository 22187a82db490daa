import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { AlreadyExistsError } from '../../errors.js';
import { ipJson } from '../../host/ip-tool.js';
import { createNetns, isNetnsFile, removeNetns, runInNetns, unmountNetnsDir } from './netns.js';

interface LinkJson {
  ifname: string;
  flags: string[];
}

async function mountsUnder(dir: string): Promise<string[]> {
  const text = await fs.readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length > 6 && (f[4] === dir || f[4]!.startsWith(dir + '/')))
    .map((f) => `${f[4]} ${f.slice(6, f.indexOf('-', 6)).join(' ')}`);
}

async function tempNetnsDir(t: TestContext): Promise<{ base: string; dir: string }> {
  const base = await fs.realpath(await fs.mkdtemp(path.join(tmpdir(), 'berth-netns-')));
  const dir = path.join(base, 'run', 'netns');
  t.after(async () => {
    await unmountNetnsDir(dir).catch(() => {});
    await fs.rm(base, { recursive: true, force: true });
  });
  return { base, dir };
}

test('creates a namespace bound at a file, with only loopback and loopback up', async (t) => {
  const { dir } = await tempNetnsDir(t);
  const file = path.join(dir, 'c1');
  t.after(() => removeNetns(file).catch(() => {}));
  await createNetns(file);
  assert.equal(await isNetnsFile(file), true);
  const links = await ipJson<LinkJson[]>(['link', 'show'], { netnsFile: file });
  assert.deepEqual(links.map((l) => l.ifname), ['lo']);
  assert.ok(links[0]!.flags.includes('UP'), 'lo is up');
  assert.match(await runInNetns(file, ['/bin/busybox', 'ping', '-c1', '-W1', '127.0.0.1']), /1 packets received/);
  const host = await fs.readlink('/proc/self/ns/net');
  const inside = (await runInNetns(file, ['/bin/busybox', 'readlink', '/proc/self/ns/net'])).trim();
  assert.notEqual(inside, host, 'a namespace of its own');
});

test('the directory becomes a shared mount point of its own, once', async (t) => {
  const { dir } = await tempNetnsDir(t);
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  t.after(() => Promise.all([removeNetns(a), removeNetns(b)]).catch(() => {}));
  await createNetns(a);
  await createNetns(b);
  const mounts = await mountsUnder(dir);
  assert.equal(mounts.length, 3, mounts.join('\n'));
  assert.match(mounts.find((m) => m.startsWith(dir + ' '))!, /shared:\d+/);
  assert.ok(mounts.some((m) => m.startsWith(a + ' ')));
  assert.ok(mounts.some((m) => m.startsWith(b + ' ')));
});

test('creating over a live namespace is refused; a plain leftover file is reused', async (t) => {
  const { dir } = await tempNetnsDir(t);
  const file = path.join(dir, 'c1');
  t.after(() => removeNetns(file).catch(() => {}));
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(file, '');
  await createNetns(file);
  await assert.rejects(createNetns(file), AlreadyExistsError);
  assert.equal((await mountsUnder(dir)).filter((m) => m.startsWith(file + ' ')).length, 1, 'not bound twice');
});

test('remove unbinds and deletes the file, and is idempotent', async (t) => {
  const { dir } = await tempNetnsDir(t);
  const file = path.join(dir, 'c1');
  t.after(() => removeNetns(file).catch(() => {}));
  await createNetns(file);
  await removeNetns(file);
  await assert.rejects(fs.stat(file), { code: 'ENOENT' });
  const left = await mountsUnder(dir);
  assert.equal(left.length, 1, left.join('\n'));
  assert.ok(left[0]!.startsWith(dir + ' '), 'only the directory mount is left');
  await removeNetns(file);
  await removeNetns(path.join(dir, 'never-made'));
});

test('unmountNetnsDir leaves no mount behind, even with namespaces still bound', async (t) => {
  const { base, dir } = await tempNetnsDir(t);
  await createNetns(path.join(dir, 'x'));
  await unmountNetnsDir(dir);
  assert.deepEqual(await mountsUnder(base), []);
});

test('a relative path is refused before anything is made', async () => {
  await assert.rejects(createNetns('netns/x'), { name: 'InvalidArgumentError' });
});
