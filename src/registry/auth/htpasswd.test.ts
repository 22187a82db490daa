import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import bcrypt from 'bcryptjs';
import { HtpasswdFile, parseHtpasswd } from './htpasswd.js';

const HTPASSWD_BIN = '/usr/bin/htpasswd';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-htpasswd-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `htpasswd -nbB` prints `user:$2y$…`: the format operators will hand us. */
function apacheLine(user: string, password: string): string {
  return execFileSync(HTPASSWD_BIN, ['-nbB', '-C', '5', user, password], { encoding: 'utf8' }).trim();
}

test('accepts $2y$ hashes written by apache htpasswd -B', { skip: !existsSync(HTPASSWD_BIN) }, async (t) => {
  const dir = await tempDir(t);
  const line = apacheLine('alice', 's3cret:with:colons');
  assert.match(line, /^alice:\$2y\$05\$/);
  await fs.writeFile(path.join(dir, 'htpasswd'), `${line}\n`);
  const users = new HtpasswdFile(path.join(dir, 'htpasswd'));
  await users.open();
  assert.equal(await users.verify('alice', 's3cret:with:colons'), true);
  assert.equal(await users.verify('alice', 's3cret'), false);
  assert.equal(await users.verify('bob', 's3cret:with:colons'), false);
});

test('accepts $2a$ and $2b$ hashes', async (t) => {
  const dir = await tempDir(t);
  const b = bcrypt.hashSync('pw-b', 4);
  const a = b.replace(/^\$2b\$/, '$2a$');
  assert.match(b, /^\$2b\$/);
  await fs.writeFile(path.join(dir, 'htpasswd'), `# users\nbee:${b}\n\nay:${a}\n`);
  const users = new HtpasswdFile(path.join(dir, 'htpasswd'));
  await users.open();
  assert.equal(await users.verify('bee', 'pw-b'), true);
  assert.equal(await users.verify('ay', 'pw-b'), true);
  assert.equal(await users.verify('ay', 'pw-a'), false);
});

test('ignores entries that are not bcrypt and refuses lines without a colon', () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    const users = parseHtpasswd('md5:$apr1$abc$def\nsha:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n');
    assert.equal(users.size, 0);
  } finally {
    process.off('warning', onWarning);
  }
  assert.throws(() => parseHtpasswd('nocolon\n'), /line 1: expected user:hash/);
});

test('re-reads the file when it changes: new users work, removed users stop', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'htpasswd');
  await fs.writeFile(file, `alice:${bcrypt.hashSync('one', 4)}\n`);
  const users = new HtpasswdFile(file);
  await users.open();
  assert.equal(await users.verify('alice', 'one'), true);
  // A fresh file (as `htpasswd -B` writes it: new inode) with a new password and a new user.
  await fs.writeFile(`${file}.new`, `alice:${bcrypt.hashSync('two', 4)}\ncarol:${bcrypt.hashSync('three', 4)}\n`);
  await fs.rename(`${file}.new`, file);
  assert.equal(await users.verify('alice', 'one'), false, 'the remembered old password must not survive the change');
  assert.equal(await users.verify('alice', 'two'), true);
  assert.equal(await users.verify('carol', 'three'), true);
});

test('a missing file fails open() with ENOENT', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(new HtpasswdFile(path.join(dir, 'none')).open(), /ENOENT/);
});
