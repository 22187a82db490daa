import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, promises as fs, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { receiveTar, type KeptTar } from './context-receiver.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The bytes in uneven chunks, as a socket delivers them. */
function chunked(b: Buffer): Readable {
  const parts: Buffer[] = [];
  for (let at = 0, n = 1; at < b.length; n = (n * 7 + 3) % 70_000 + 1) {
    parts.push(b.subarray(at, at + n));
    at += n;
  }
  return Readable.from(parts);
}

async function withDir(fn: (dir: string, keep: (b: Buffer) => Promise<KeptTar>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync('/tmp/berth-ctxrecv-');
  try {
    await fn(dir, async (b) => {
      const file = path.join(dir, `kept-${randomBytes(4).toString('hex')}`);
      await fs.writeFile(file, b);
      return { file, digest: sha(b) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const data = randomBytes(900_000);

test('with no previous tar the bytes are written and hashed', () =>
  withDir(async (dir) => {
    const file = path.join(dir, 'in.tar');
    const got = await receiveTar(chunked(data), file, undefined);
    assert.equal(got.same, false);
    assert.equal(got.digest, sha(data));
    assert.deepEqual(await fs.readFile(file), data);
  }));

test('the same bytes as the previous tar write nothing and give its digest', () =>
  withDir(async (dir, keep) => {
    const prev = await keep(data);
    const file = path.join(dir, 'in.tar');
    const got = await receiveTar(chunked(data), file, prev);
    assert.deepEqual(got, { same: true, digest: sha(data) });
    assert.equal(existsSync(file), false);
  }));

test('bytes differing in the middle are written whole: the prefix copied from the previous tar', () =>
  withDir(async (dir, keep) => {
    const prev = await keep(data);
    const changed = Buffer.from(data);
    changed[654_321] ^= 0xff;
    const file = path.join(dir, 'in.tar');
    const got = await receiveTar(chunked(changed), file, prev);
    assert.equal(got.same, false);
    assert.equal(got.digest, sha(changed));
    assert.deepEqual(await fs.readFile(file), changed);
  }));

test('a shorter or a longer tar than the previous one is not the same', () =>
  withDir(async (dir, keep) => {
    const prev = await keep(data);
    for (const [name, bytes] of [
      ['short', data.subarray(0, 500_000)],
      ['long', Buffer.concat([data, Buffer.from('more')])],
    ] as const) {
      const file = path.join(dir, `${name}.tar`);
      const got = await receiveTar(chunked(bytes), file, prev);
      assert.equal(got.same, false, name);
      assert.equal(got.digest, sha(bytes), name);
      assert.deepEqual(await fs.readFile(file), bytes, name);
    }
  }));

test('a previous tar that is gone is treated as none', () =>
  withDir(async (dir) => {
    const file = path.join(dir, 'in.tar');
    const got = await receiveTar(chunked(data), file, { file: path.join(dir, 'missing'), digest: sha(data) });
    assert.equal(got.same, false);
    assert.equal(got.digest, sha(data));
  }));

test('a failing input leaves no file behind', () =>
  withDir(async (dir, keep) => {
    const prev = await keep(data);
    const file = path.join(dir, 'in.tar');
    const broken = new Readable({
      read() {
        this.push(Buffer.from('different bytes'));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(receiveTar(broken, file, prev), /connection reset/);
    assert.equal(existsSync(file), false);
  }));
