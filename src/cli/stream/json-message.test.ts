import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough, Readable } from 'node:stream';
import { JsonMessageError } from './json-display.js';
import { displayJsonMessages } from './json-message.js';

async function display(lines: string[], chunkSize = 7): Promise<string> {
  const text = lines.join('');
  const chunks: Buffer[] = [];
  for (let i = 0; i < text.length; i += chunkSize) chunks.push(Buffer.from(text.slice(i, i + chunkSize)));
  const out = new PassThrough();
  let written = '';
  out.on('data', (c: Buffer) => (written += c.toString()));
  await displayJsonMessages(Readable.from(chunks), out);
  return written;
}

describe('JSON message stream display', () => {
  it('prints stream text as is and status lines with their id (a legacy progress string without a line end, as docker)', async () => {
    const out = await display([
      '{"stream":"Loaded image: busybox:latest\\n"}\n',
      '{"status":"Pulling fs layer","id":"abc123"}\n',
      '{"status":"Downloading","id":"abc123","progress":"[=>  ] 1MB/2MB"}\n',
      '{"status":"Digest: sha256:00"}\n',
    ]);
    assert.equal(out, 'Loaded image: busybox:latest\nabc123: Pulling fs layer\nabc123: Downloading [=>  ] 1MB/2MBDigest: sha256:00\n');
  });

  it('turns an error line into a JsonMessageError with its message', async () => {
    await assert.rejects(
      display(['{"status":"Pulling"}\n', '{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n']),
      (err: unknown) => err instanceof JsonMessageError && err.message === 'manifest unknown',
    );
  });

  it('accepts a last message without a trailing newline', async () => {
    assert.equal(await display(['{"stream":"done\\n"}']), 'done\n');
  });
});
