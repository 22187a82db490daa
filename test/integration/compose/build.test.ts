/**
 * `compose build` / `up --build` against a real berthd: a service with
 * `build:` (context, dockerfile, args) and no `image:` is built as
 * `<project>-<service>`; a rebuilt image recreates its container even though
 * the compose file did not change; `down --rmi local` removes the image.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

describe('compose build (berth CLI)', () => {
  let d: TestDaemon;
  let dir: string;
  const compose = (args: string[]): RunResult => d.berth(['compose', '-f', path.join(dir, 'compose.yaml'), ...args], { timeoutMs: 120_000 });
  const ok = (args: string[]): string => {
    const r = compose(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const idOf = (name: string): string => d.berth(['inspect', '-f', '{{.Id}}', name]).stdout.trim();
  const dockerfile = (extra: string): void =>
    writeFileSync(path.join(dir, 'app', 'build.Dockerfile'), `FROM busybox\nARG GREETING\nRUN echo "$GREETING ${extra}" > /msg\nCMD ["sh", "-c", "cat /msg; exec sleep 300"]\n`);

  before(async () => {
    d = await startDaemonWithBusybox();
    dir = path.join(d.dir, 'bakery');
    mkdirSync(path.join(dir, 'app'), { recursive: true });
    writeFileSync(
      path.join(dir, 'compose.yaml'),
      'services:\n  web:\n    build:\n      context: ./app\n      dockerfile: build.Dockerfile\n      args: {GREETING: "${GREETING:-hello}"}\n    init: true\n',
    );
    dockerfile('v1');
  });
  after(async () => {
    await d?.cleanup();
  });

  it('up builds a missing image as <project>-<service> and runs it', async () => {
    ok(['up', '-d']);
    assert.equal(d.berth(['image', 'inspect', '-f', '{{.Id}}', 'bakery-web']).code, 0);
    assert.equal(ok(['exec', '-T', 'web', 'cat', '/msg']), 'hello v1\n');
    assert.equal(ok(['config', '--images']), 'bakery-web\n');
  });

  it('up --build rebuilds, and a new image recreates the container; an unchanged one does not', () => {
    const first = idOf('bakery-web-1');
    ok(['up', '-d', '--build']);
    assert.equal(idOf('bakery-web-1'), first, 'same Dockerfile, same image: container kept');
    dockerfile('v2');
    ok(['build']);
    ok(['up', '-d']);
    assert.notEqual(idOf('bakery-web-1'), first, 'the rebuilt image replaced the container');
    assert.equal(ok(['exec', '-T', 'web', 'cat', '/msg']), 'hello v2\n');
  });

  it('down --rmi local removes the built image', () => {
    ok(['down', '--rmi', 'local', '-t', '0']);
    assert.notEqual(d.berth(['image', 'inspect', 'bakery-web']).code, 0);
  });
});
