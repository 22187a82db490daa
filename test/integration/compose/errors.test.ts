/**
 * Bad compose files fail before anything is created: a YAML syntax error
 * (file:line:column), a dependency cycle (spelled out), a depends_on on an
 * unknown service, a missing required variable, an unknown key, and an
 * external network that does not exist.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

const CASES: Array<{ name: string; text: string; error: RegExp }> = [
  {
    name: 'a YAML syntax error names file, line and column',
    text: 'services:\n  web:\n    image: busybox\n    ports: [80\n  db:\n    image: busybox\n',
    error: /^yaml: \/.*\/compose\.yaml:\d+:\d+: /m,
  },
  {
    name: 'a dependency cycle is spelled out',
    text: 'services:\n  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n    depends_on: [a]\n  c:\n    image: busybox\n',
    error: /dependency cycle detected: a → b → a/,
  },
  {
    name: 'depends_on an unknown service',
    text: 'services:\n  web:\n    image: busybox\n    depends_on: [ghost]\n',
    error: /service "web" depends on undefined service "ghost"/,
  },
  {
    name: 'a missing required variable',
    text: 'services:\n  db:\n    image: busybox\n    environment:\n      PASSWORD: ${COMPOSE_TEST_SECRET:?the secret must be set}\n',
    error: /required variable COMPOSE_TEST_SECRET is missing a value: the secret must be set/,
  },
  {
    name: 'an unknown key names the service and the key',
    text: 'services:\n  web:\n    image: busybox\n    portz: ["80"]\n',
    error: /services\.web additional property "portz" is not allowed/,
  },
  {
    name: 'an external network that does not exist',
    text: 'services:\n  web:\n    image: busybox\n    networks: [outside]\n  db:\n    image: busybox\n    volumes: [data:/data]\nnetworks:\n  outside:\n    external: true\nvolumes:\n  data: {}\n',
    error: /network outside declared as external, but could not be found/,
  },
];

describe('compose rejects bad files before creating anything (berth CLI)', () => {
  let d: TestDaemon;
  const snapshot = (): string =>
    ['ps -a --format {{.Names}}', 'network ls --format {{.Name}}', 'volume ls --format {{.Name}}']
      .map((cmd) => d.berth(cmd.split(' ')).stdout)
      .join('|');

  before(async () => {
    d = await startDaemonWithBusybox();
  });
  after(async () => {
    await d?.cleanup();
  });

  CASES.forEach((c, i) => {
    it(c.name, () => {
      const dir = path.join(d.dir, `bad${i}`);
      mkdirSync(dir);
      const file = path.join(dir, 'compose.yaml');
      writeFileSync(file, c.text);
      const before = snapshot();
      const r = d.berth(['compose', '-f', file, 'up', '-d']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, c.error);
      assert.equal(snapshot(), before, 'nothing was created');
      // `config` reports the same problem (except the engine-side external check).
      if (!c.name.includes('external')) assert.match(d.berth(['compose', '-f', file, 'config']).stderr, c.error);
    });
  });
});
