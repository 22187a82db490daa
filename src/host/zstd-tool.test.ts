import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { ZSTD, zstdDecoder } from './zstd-tool.js';

const skip = !existsSync(ZSTD) && 'needs zstd';

async function decode(data: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of zstdDecoder(Readable.from([data]))) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('decodes what the zstd tool encoded', { skip }, async () => {
  const plain = Buffer.alloc(3 * 1024 * 1024, 'layer bytes ');
  const packed = spawnSync(ZSTD, ['-q', '-c'], { input: plain, maxBuffer: 1 << 26 }).stdout;
  assert.ok(packed.length < plain.length);
  assert.ok((await decode(packed)).equals(plain));
});

test('fails rather than ending early on truncated or garbage input', { skip }, async () => {
  const packed = spawnSync(ZSTD, ['-q', '-c'], { input: Buffer.alloc(1 << 20, 'x') }).stdout;
  await assert.rejects(decode(packed.subarray(0, packed.length - 8)), /^Error: zstd: /);
  await assert.rejects(decode(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0])), /^Error: zstd: /);
});
