/**
 * The JSON message renderer against docker's own output. testdata/<name>.jsonl
 * are recorded daemon streams; testdata/<name>.<mode>.golden is what the
 * docker CLI 28.2.2 printed for them (see testdata/README.md for how they were
 * captured): `plain` through a pipe, `terminal-120` / `terminal-80` on a pty
 * of that many columns. The goldens hold the whole command output, so the
 * command's own first line ("Using default tag: latest") and last line (the
 * pulled reference) are cut off before comparing the renderer's part.
 */
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { JsonStreamMessage } from '../client/types.js';
import { JsonMessageDisplay, JsonMessageError, type DisplayMode } from './json-display.js';
import { displayJsonMessages } from './json-message.js';
import { goldenOutput, streamFixture } from './stream-fixtures.js';

process.env['TZ'] = 'UTC';

const MODES: Record<'plain' | 'terminal-120' | 'terminal-80', DisplayMode> = {
  plain: { terminal: false },
  'terminal-120': { terminal: true, width: 120 },
  'terminal-80': { terminal: true, width: 80 },
};

/** The renderer's part of docker's output: without the command's own first and last lines. */
function rendererPart(golden: string, prefix: string, suffix: string): string {
  assert.ok(golden.startsWith(prefix), `golden starts with ${JSON.stringify(prefix)}`);
  assert.ok(golden.endsWith(suffix), `golden ends with ${JSON.stringify(suffix)}`);
  return golden.slice(prefix.length, golden.length - suffix.length);
}

function renderAll(name: string, mode: DisplayMode): { text: string; error?: JsonMessageError } {
  const display = new JsonMessageDisplay({ ...mode, now: () => 0 });
  let text = '';
  for (const line of streamFixture(name).split('\n')) {
    if (line.trim() === '') continue;
    try {
      text += display.render(JSON.parse(line) as JsonStreamMessage, (t) => (text += t));
    } catch (err) {
      if (err instanceof JsonMessageError) return { text, error: err };
      throw err;
    }
  }
  return { text };
}

const CASES: Array<{ name: string; prefix: string; suffix: string; what: string }> = [
  { name: 'pull', prefix: 'Using default tag: latest\n', suffix: 'docker.io/library/busybox:latest\n', what: 'a two-layer pull' },
  { name: 'pull-all-tags', prefix: '', suffix: 'docker.io/library/busybox\n', what: 'pull -a, whose second tag starts fresh lines' },
  { name: 'push', prefix: 'Using default tag: latest\n', suffix: '', what: 'a push with an existing layer and an aux digest' },
  { name: 'progress-forms', prefix: 'Using default tag: latest\n', suffix: 'docker.io/library/busybox:latest\n', what: 'units, hidden counts, legacy progress, stream, from and time fields' },
];

describe('JSON message display (docker 28.2.2 goldens)', () => {
  for (const c of CASES) {
    for (const [modeName, mode] of Object.entries(MODES) as Array<[keyof typeof MODES, DisplayMode]>) {
      it(`renders ${c.what} as docker does (${modeName})`, () => {
        const expected = rendererPart(goldenOutput(c.name, modeName), c.prefix, c.suffix);
        assert.equal(renderAll(c.name, mode).text, expected);
      });
    }
  }

  for (const [modeName, mode] of Object.entries(MODES) as Array<[keyof typeof MODES, DisplayMode]>) {
    it(`stops at an errorDetail with its message, after what docker printed (${modeName})`, () => {
      const expected = rendererPart(goldenOutput('pull-error', modeName), 'Using default tag: latest\n', '');
      const { text, error } = renderAll('pull-error', mode);
      assert.equal(text, expected);
      assert.ok(error instanceof JsonMessageError);
      assert.equal(error.message, 'unauthorized: authentication required');
    });
  }

  it('keeps every status change of a layer off a terminal but no progress bar', () => {
    const { text } = renderAll('pull', { terminal: false });
    assert.doesNotMatch(text, /Downloading|Extracting|\x1b/);
    assert.match(text, /^a46fbb00284b: Pull complete$/m);
  });

  it('hands aux messages to nobody on screen', () => {
    const display = new JsonMessageDisplay({ terminal: true, width: 120 });
    assert.equal(display.render({ aux: { Digest: 'sha256:00' } }), '');
  });

  it('carries the error code of errorDetail', () => {
    const display = new JsonMessageDisplay({ terminal: false });
    assert.throws(
      () => display.render({ errorDetail: { code: 401, message: 'denied' }, error: 'denied' }),
      (e: unknown) => e instanceof JsonMessageError && e.statusCode === 401 && e.message === 'denied',
    );
  });
});

describe('displayJsonMessages', () => {
  const chunks = (text: string, size: number): Buffer[] => {
    const out: Buffer[] = [];
    for (let i = 0; i < text.length; i += size) out.push(Buffer.from(text.slice(i, i + size)));
    return out;
  };
  const collect = (): { out: PassThrough; text: () => string } => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => (written += c.toString()));
    return { out, text: () => written };
  };

  it('reads the terminal mode and width from the output stream', async () => {
    const { out, text } = collect();
    Object.assign(out, { isTTY: true, columns: 120 });
    await displayJsonMessages(Readable.from(chunks(streamFixture('push'), 13)), out);
    assert.equal(text(), rendererPart(goldenOutput('push', 'terminal-120'), 'Using default tag: latest\n', ''));
  });

  it('treats a stream that is not a tty as a log', async () => {
    const { out, text } = collect();
    await displayJsonMessages(Readable.from(chunks(streamFixture('pull'), 5)), out);
    assert.equal(text(), rendererPart(goldenOutput('pull', 'plain'), 'Using default tag: latest\n', 'docker.io/library/busybox:latest\n'));
  });

  it('shows nothing when quiet but still fails on an error', async () => {
    await assert.rejects(
      displayJsonMessages(Readable.from([Buffer.from(streamFixture('pull-error'))]), undefined),
      (e: unknown) => e instanceof JsonMessageError && e.message === 'unauthorized: authentication required',
    );
  });

  it('passes every message, aux included, to onMessage', async () => {
    const seen: string[] = [];
    await displayJsonMessages(Readable.from([Buffer.from(streamFixture('push'))]), undefined, {
      onMessage: (m) => {
        if (m.aux !== undefined) seen.push(String(m.aux['Digest']));
      },
    });
    assert.deepEqual(seen, [`sha256:${'d'.repeat(64)}`]);
  });
});
