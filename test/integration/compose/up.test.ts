/**
 * `berth compose` against a real berthd: a three-service project (web on
 * busybox httpd → api → db with a named volume; init so httpd stops on
 * SIGTERM) brought up, reached by
 * service name and on its published port, scaled, reconciled after an edit
 * (only the edited service is recreated), and taken down without a trace.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const PORT = 20000 + Math.floor(Math.random() * 10000);

/** The project file; `apiMode` is the api service's environment, edited to force a recreate. */
function composeFile(apiMode: string): string {
  return `
services:
  web:
    image: busybox
    command: sh -c 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www'
    ports: ["127.0.0.1:${PORT}:80"]
    init: true
    depends_on: [api]
  api:
    image: busybox
    command: sh -c 'mkdir -p /www && echo "api $$HOSTNAME $$MODE" > /www/index.html && exec httpd -f -p 80 -h /www'
    init: true
    volumes: [/cache]
    environment:
      MODE: ${apiMode}
    depends_on:
      db: {condition: service_started}
  db:
    image: busybox
    command: sh -c 'echo db-ready; echo stored > /data/marker; exec sleep 3600'
    stop_grace_period: 1s
    volumes: [dbdata:/data]
volumes:
  dbdata:
`;
}

function httpGet(port: number, urlPath = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function eventually<T>(fn: () => Promise<T> | T, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('compose up/down (berth CLI)', () => {
  let d: TestDaemon;
  let dir: string;
  let file: string;
  const compose = (args: string[]): RunResult => d.berth(['compose', '-f', file, ...args]);
  const ok = (r: RunResult, what: string): string => {
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    return r.stdout;
  };
  const berthOk = (args: string[]): string => ok(d.berth(args), args.join(' '));
  /** name → ID of the project's containers. */
  const ids = (): Record<string, string> =>
    Object.fromEntries(
      berthOk(['ps', '-a', '--filter', 'label=com.docker.compose.project=shop', '--format', '{{.Names}} {{.ID}}'])
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split(' ') as [string, string]),
    );

  before(async () => {
    d = await startDaemonWithBusybox();
    dir = path.join(d.dir, 'shop');
    mkdirSync(dir);
    file = path.join(dir, 'compose.yaml');
    writeFileSync(file, composeFile('one'));
  });
  after(async () => {
    if (d !== undefined) d.berth(['compose', '-f', file, 'down', '-v', '-t', '0']);
    await d?.cleanup();
  });

  it('up -d creates the network, the volume and the containers, labelled as compose does', () => {
    const out = compose(['up', '-d']);
    ok(out, 'up -d');
    assert.match(out.stderr, /Network shop_default {2}Created/);
    assert.match(out.stderr, /Volume "shop_dbdata" {2}Created/);
    // Dependency order: db before api before web.
    const started = [...out.stderr.matchAll(/Container (shop-\w+-1) {2}Started/g)].map((m) => m[1]);
    assert.deepEqual(started, ['shop-db-1', 'shop-api-1', 'shop-web-1']);

    const ps = ok(compose(['ps']), 'ps');
    assert.match(ps, /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS\n/);
    for (const s of ['web', 'api', 'db']) assert.match(ps, new RegExp(`shop-${s}-1\\s+busybox\\s+.*\\s${s}\\s`));
    assert.match(ps, new RegExp(`127\\.0\\.0\\.1:${PORT}->80/tcp`));
    assert.deepEqual(ok(compose(['ps', '--services']), 'ps --services').trim().split('\n').sort(), ['api', 'db', 'web']);
    assert.equal(ok(compose(['ps', '-q']), 'ps -q').trim().split('\n').length, 3);

    const labels = JSON.parse(berthOk(['inspect', 'shop-api-1']))[0].Config.Labels;
    assert.equal(labels['com.docker.compose.project'], 'shop');
    assert.equal(labels['com.docker.compose.service'], 'api');
    assert.equal(labels['com.docker.compose.container-number'], '1');
    assert.equal(labels['com.docker.compose.oneoff'], 'False');
    assert.equal(labels['com.docker.compose.project.working_dir'], dir);
    assert.equal(labels['com.docker.compose.project.config_files'], file);
    assert.match(labels['com.docker.compose.config-hash'], /^[0-9a-f]{64}$/);
    const hash = ok(compose(['config', '--hash', 'api']), 'config --hash').trim();
    assert.equal(hash, `api ${labels['com.docker.compose.config-hash']}`);

    const net = JSON.parse(berthOk(['network', 'inspect', 'shop_default']))[0];
    assert.equal(net.Labels['com.docker.compose.project'], 'shop');
    assert.equal(net.Labels['com.docker.compose.network'], 'default');
    const vol = JSON.parse(berthOk(['volume', 'inspect', 'shop_dbdata']))[0];
    assert.equal(vol.Labels['com.docker.compose.volume'], 'dbdata');
  });

  it('web reaches api by service name, the published port answers, db wrote to its volume', async () => {
    const body = await eventually(() => ok(compose(['exec', '-T', 'web', 'wget', '-qO-', 'http://api/index.html']), 'exec wget'));
    assert.match(body, /^api \w+ one\n$/);
    const res = await eventually(() => httpGet(PORT, '/index.html'));
    assert.equal(res.body, 'hello-from-web\n');
    assert.equal(ok(compose(['exec', '-T', 'db', 'cat', '/data/marker']), 'cat marker'), 'stored\n');
    assert.equal(ok(compose(['port', 'web', '80']), 'port'), `127.0.0.1:${PORT}\n`);
  });

  it('logs shows each service behind its prefix', async () => {
    const out = await eventually(() => {
      const text = ok(compose(['logs', 'db']), 'logs');
      assert.match(text, /^db-1 {2}\| db-ready$/m);
      return text;
    });
    assert.doesNotMatch(out, /api-1/);
    assert.match(ok(compose(['logs', '--no-log-prefix', 'db']), 'logs'), /^db-ready$/m);
  });

  it('up -d again with nothing changed leaves every container alone', () => {
    const before = ids();
    const out = compose(['up', '-d']);
    ok(out, 'up -d');
    assert.doesNotMatch(out.stderr, /Creat|Recreat/);
    assert.deepEqual(ids(), before);
  });

  it('--scale api=3 gives three replicas, all resolvable by name', async () => {
    const before = ids();
    ok(compose(['up', '-d', '--scale', 'api=3']), 'up --scale');
    const after = ids();
    assert.deepEqual(Object.keys(after).sort(), ['shop-api-1', 'shop-api-2', 'shop-api-3', 'shop-db-1', 'shop-web-1']);
    for (const name of ['shop-api-1', 'shop-db-1', 'shop-web-1']) assert.equal(after[name], before[name], `${name} kept`);
    const addresses = new Set<string>();
    for (const n of [1, 2, 3]) {
      const ip = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(ok(compose(['exec', '-T', '--index', String(n), 'api', 'ip', '-4', 'addr', 'show', 'eth0']), 'ip addr'))?.[1];
      assert.ok(ip !== undefined);
      addresses.add(ip);
      const byName = ok(compose(['exec', '-T', 'web', 'nslookup', `shop-api-${n}`]), 'nslookup replica');
      assert.match(byName, new RegExp(`Address:\\s+${ip.replace(/\./g, '\\.')}`));
    }
    assert.equal(addresses.size, 3);
    const all = ok(compose(['exec', '-T', 'web', 'nslookup', 'api']), 'nslookup api');
    for (const ip of addresses) assert.match(all, new RegExp(`Address:\\s+${ip.replace(/\./g, '\\.')}\\b`), all);
    // Each replica answers on the service name too.
    await eventually(() => assert.match(ok(compose(['exec', '-T', 'web', 'wget', '-qO-', 'http://api/index.html']), 'wget api'), /^api /));
  });

  it('changing one service\'s environment recreates that service only, keeping the scale and its anonymous volume', () => {
    ok(compose(['exec', '-T', 'api', 'sh', '-c', 'echo kept > /cache/f']), 'write to the anonymous volume');
    const before = ids();
    writeFileSync(file, composeFile('two'));
    const out = compose(['up', '-d', '--scale', 'api=3']);
    ok(out, 'up after edit');
    const after = ids();
    assert.equal(after['shop-web-1'], before['shop-web-1']);
    assert.equal(after['shop-db-1'], before['shop-db-1']);
    for (const n of [1, 2, 3]) assert.notEqual(after[`shop-api-${n}`], before[`shop-api-${n}`], `api-${n} recreated`);
    assert.match(ok(compose(['exec', '-T', 'api', 'sh', '-c', 'echo $MODE']), 'env'), /^two$/m);
    assert.equal(ok(compose(['exec', '-T', 'api', 'cat', '/cache/f']), 'anonymous volume'), 'kept\n', 'the replacement mounts the same anonymous volume');
    // Scaling back down removes the extra replicas, highest numbers first.
    ok(compose(['up', '-d']), 'up back to 1');
    assert.deepEqual(Object.keys(ids()).sort(), ['shop-api-1', 'shop-db-1', 'shop-web-1']);
  });

  it('down -v leaves no container, network or volume of the project', async () => {
    ok(compose(['down', '-v']), 'down -v');
    assert.deepEqual(ids(), {});
    assert.doesNotMatch(berthOk(['network', 'ls']), /shop_/);
    assert.doesNotMatch(berthOk(['volume', 'ls']), /shop_/);
    assert.equal(berthOk(['volume', 'ls', '-q']), '', 'anonymous volumes went with their containers');
    await assert.rejects(httpGet(PORT, '/index.html'));
    assert.equal(ok(compose(['ls', '-a']), 'ls').trim(), 'NAME      STATUS    CONFIG FILES');
  });
});
