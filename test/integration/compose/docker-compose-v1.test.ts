/**
 * The real `docker-compose` 1.29 (Debian's, Python, docker-py) against a real
 * berthd through DOCKER_HOST: the three-tier project of issue 7 (busybox
 * httpd web → api, healthy → db, healthy, with a named volume) brought
 * `up -d`, listed (`ps`), read (`logs`), entered (`exec -T`, through the
 * docker CLI as compose does by default and through docker-py's own exec
 * API), reconciled, and taken `down -v` without a trace; and attached `up`,
 * which streams logs over `/containers/{id}/attach`.
 *
 * docker-compose 1.29 asks /version and speaks the daemon's newest API
 * version (1.45). Its recreate path reads the image's `ContainerConfig`,
 * which moby leaves out from API 1.45 on — so against Docker 26+ and berthd
 * alike a recreate at 1.45 fails with KeyError: 'ContainerConfig'. The
 * recreate test speaks 1.41, the version Debian's own docker.io (20.10)
 * gives it, through COMPOSE_API_VERSION.
 *
 * Skips, saying so, when docker-compose is not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const DOCKER_COMPOSE = '/usr/bin/docker-compose';
const composeVersion = existsSync(DOCKER_COMPOSE) ? spawnSync(DOCKER_COMPOSE, ['version', '--short'], { encoding: 'utf8' }).stdout.trim() : '';
const skip = composeVersion === ''
  ? 'docker-compose is not installed (apt-get install docker-compose; scripts/install.sh installs it)'
  : !composeVersion.startsWith('1.')
    ? `${DOCKER_COMPOSE} is ${composeVersion}, not the Python docker-compose 1.x this file drives`
    : false;

const PORT = 20000 + Math.floor(Math.random() * 10000);

/** The three tiers; `mode` is api's environment, edited to force a recreate. */
function composeFile(mode: string): string {
  return `
services:
  web:
    image: busybox
    command: sh -c 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www'
    ports: ["127.0.0.1:${PORT}:80"]
    init: true
    depends_on:
      api: {condition: service_healthy}
  api:
    image: busybox
    command: sh -c 'mkdir -p /www && echo "api $$MODE" > /www/index.html && echo api-listening && exec httpd -f -p 80 -h /www'
    init: true
    environment:
      MODE: ${mode}
    volumes: [/cache]
    healthcheck: {test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://localhost/"], interval: 500ms, retries: 20}
    depends_on:
      db: {condition: service_healthy}
  db:
    image: busybox
    command: sh -c 'echo db-ready; [ -f /data/marker ] || echo stored > /data/marker; exec sleep 3600'
    init: true
    healthcheck: {test: ["CMD", "test", "-f", "/data/marker"], interval: 500ms}
    volumes: [dbdata:/data]
volumes:
  dbdata:
`;
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

interface EventMessage {
  status?: string;
  Action?: string;
  Actor?: { Attributes?: Record<string, string> };
  timeNano?: number;
}

describe('docker-compose 1.29 against berthd', { skip }, () => {
  let d: TestDaemon;
  let dir: string;
  let started = 0;
  /** Runs docker-compose on the project; `env` adds variables (COMPOSE_API_VERSION, …). */
  const compose = (args: string[], env: Record<string, string> = {}, project = 'tier'): RunResult => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COMPOSE_') && k !== 'DOCKER_API_VERSION'));
    const r = spawnSync(DOCKER_COMPOSE, ['--ansi', 'never', '-p', project, ...args], {
      cwd: path.join(d.dir, project),
      input: '',
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...clean, DOCKER_HOST: d.host, DOCKER_CONFIG: path.join(d.dir, 'docker-config'), ...env },
    });
    return { code: r.status ?? 128, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const ok = (r: RunResult, what: string): string => {
    assert.equal(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  /** name → ID of the project's containers, from the API with compose's own label filter. */
  const ids = async (project = 'tier'): Promise<Record<string, string>> => {
    const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
    const r = await d.api('GET', `/containers/json?all=1&filters=${filters}`);
    return Object.fromEntries((r.body as Array<{ Names: string[]; Id: string }>).map((c) => [c.Names[0]!.slice(1), c.Id]));
  };

  before(async () => {
    d = await startDaemonWithBusybox();
    dir = path.join(d.dir, 'tier');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'docker-compose.yml'), composeFile('one'));
  });
  after(async () => {
    if (d !== undefined) {
      compose(['down', '-v', '-t', '0']);
      compose(['down', '-t', '0'], {}, 'att');
    }
    await d?.cleanup();
  });

  it('up -d creates network, volume and containers, and starts web only once api is healthy, api once db is', async () => {
    started = Math.floor(Date.now() / 1000) - 1;
    const out = compose(['up', '-d']);
    ok(out, 'up -d');
    assert.match(out.stderr, /Creating network "tier_default" with the default driver/);
    assert.match(out.stderr, /Creating volume "tier_dbdata" with default driver/);
    assert.match(out.stderr, /Creating tier_db_1 \.\.\. done[\s\S]*Creating tier_api_1 \.\.\. done[\s\S]*Creating tier_web_1 \.\.\. done/);

    // The order, from berthd's own events: db healthy → api started → api healthy → web started.
    const until = Math.ceil(Date.now() / 1000) + 1;
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], label: ['com.docker.compose.project=tier'] }));
    const r = await d.api('GET', `/events?since=${started}&until=${until}&filters=${filters}`);
    const events = r.text.trim().split('\n').map((l) => JSON.parse(l) as EventMessage);
    const at = (service: string, status: string): number => {
      const i = events.findIndex((e) => e.Actor?.Attributes?.['com.docker.compose.service'] === service && e.status === status);
      assert.ok(i >= 0, `no "${status}" event for ${service}: ${r.text}`);
      return i;
    };
    assert.ok(at('db', 'health_status: healthy') < at('api', 'start'), 'api started after db turned healthy');
    assert.ok(at('api', 'health_status: healthy') < at('web', 'start'), 'web started after api turned healthy');

    const labels = JSON.parse(d.docker(['inspect', 'tier_api_1']).stdout)[0].Config.Labels;
    assert.equal(labels['com.docker.compose.project'], 'tier');
    assert.equal(labels['com.docker.compose.service'], 'api');
    assert.equal(labels['com.docker.compose.container-number'], '1');
    assert.equal(labels['com.docker.compose.version'], composeVersion);
  });

  it('ps lists the three containers, their health and the published port', () => {
    const ps = ok(compose(['ps']), 'ps');
    assert.match(ps, /tier_api_1 .* Up \(healthy\)/);
    assert.match(ps, /tier_db_1 .* Up \(healthy\)/);
    assert.match(ps, new RegExp(`tier_web_1 .* Up .*127\\.0\\.0\\.1:${PORT}->80/tcp`));
    assert.equal(ok(compose(['ps', '-q']), 'ps -q').trim().split('\n').length, 3);
    assert.deepEqual(ok(compose(['ps', '--services']), 'ps --services').trim().split('\n').sort(), ['api', 'db', 'web']);
  });

  it('logs prints each service behind its prefix', () => {
    const all = ok(compose(['logs']), 'logs');
    assert.match(all, /^db_1 +\| db-ready$/m);
    assert.match(all, /^api_1 +\| api-listening$/m);
    const one = ok(compose(['logs', '--tail', '1', '-t', 'db']), 'logs --tail 1 -t db');
    assert.match(one, /^db_1 +\| \d{4}-\d\d-\d\dT[\d:.]+Z db-ready$/m);
    assert.doesNotMatch(one, /api_1/);
  });

  it('exec -T: through the docker CLI and through docker-py, web reaches api by name, exit codes come back', async () => {
    assert.equal(ok(compose(['exec', '-T', 'web', 'wget', '-qO-', 'http://api/']), 'exec wget'), 'api one\n');
    assert.equal(await httpGet(PORT), 'hello-from-web\n');
    const script = ['exec', '-T', '-e', 'GREETING=hi', '-w', '/data', 'db', 'sh', '-c', 'echo "$GREETING $(pwd) $(cat marker)"; sleep 0.1; echo oops >&2; exit 3'];
    const viaCli = compose(script);
    assert.equal(viaCli.code, 3, viaCli.stderr);
    assert.equal(viaCli.stdout, 'hi /data stored\n');
    assert.match(viaCli.stderr, /oops/);
    // docker-py's exec (dockerpty) demultiplexes both streams onto its stdout.
    const viaPy = compose(script, { COMPOSE_INTERACTIVE_NO_CLI: '1' });
    assert.equal(viaPy.code, 3, viaPy.stderr);
    assert.equal(viaPy.stdout, 'hi /data stored\noops\n');
  });

  it('up -d again with nothing changed leaves every container alone', async () => {
    const before = await ids();
    const out = compose(['up', '-d']);
    ok(out, 'up -d');
    for (const c of ['tier_db_1', 'tier_api_1', 'tier_web_1']) assert.match(out.stderr, new RegExp(`${c} is up-to-date`));
    assert.deepEqual(await ids(), before);
  });

  it('an edited service is recreated (API 1.41) alone, keeping its anonymous and named volumes', async () => {
    const v141 = { COMPOSE_API_VERSION: '1.41' };
    ok(compose(['exec', '-T', 'api', 'sh', '-c', 'echo kept > /cache/f'], v141), 'write to the anonymous volume');
    const before = await ids();
    writeFileSync(path.join(dir, 'docker-compose.yml'), composeFile('two'));
    const out = compose(['up', '-d'], v141);
    ok(out, 'up -d after the edit');
    assert.match(out.stderr, /Recreating tier_api_1 \.\.\. done/);
    const after = await ids();
    assert.equal(after.tier_db_1, before.tier_db_1, 'db kept');
    assert.notEqual(after.tier_api_1, before.tier_api_1, 'api recreated');
    // docker-compose 1.x recreates a dependent only when it has links, is stopped, or with --always-recreate-deps.
    assert.equal(after.tier_web_1, before.tier_web_1, 'web kept');
    assert.equal(Object.keys(after).length, 3, `the old containers are gone: ${Object.keys(after).join(' ')}`);
    assert.equal(ok(compose(['exec', '-T', 'web', 'wget', '-qO-', 'http://api/'], v141), 'exec wget'), 'api two\n');
    assert.equal(ok(compose(['exec', '-T', 'api', 'cat', '/cache/f'], v141), 'anonymous volume'), 'kept\n');

    ok(compose(['exec', '-T', 'db', 'sh', '-c', 'echo rewritten > /data/marker'], v141), 'write to the named volume');
    ok(compose(['up', '-d', '--force-recreate', '--no-deps', 'db'], v141), 'up --force-recreate db');
    assert.notEqual((await ids()).tier_db_1, after.tier_db_1, 'db recreated');
    assert.equal(ok(compose(['exec', '-T', 'db', 'cat', '/data/marker'], v141), 'named volume'), 'rewritten\n');
  });

  it('attached up streams every service through /attach; --exit-code-from returns that service\'s code', async () => {
    const att = path.join(d.dir, 'att');
    mkdirSync(att);
    writeFileSync(path.join(att, 'docker-compose.yml'), `
services:
  job:
    image: busybox
    command: sh -c 'sleep 1; echo job-out; echo job-err >&2; exit 4'
  side:
    image: busybox
    command: sh -c 'echo side-out; exec sleep 60'
    init: true
`);
    const r = compose(['up', '--exit-code-from', 'job', '-t', '1'], {}, 'att');
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stdout, /^job_1 +\| job-out$/m);
    assert.match(r.stdout, /^job_1 +\| job-err$/m);
    assert.match(r.stdout, /^side_1 +\| side-out$/m);
    assert.match(r.stdout, /att_job_1 exited with code 4/);
    ok(compose(['down', '-t', '0'], {}, 'att'), 'down att');
    assert.deepEqual(await ids('att'), {});
  });

  it('down -v leaves no container, network or volume of the project', async () => {
    const out = compose(['down', '-v', '-t', '1']);
    ok(out, 'down -v');
    assert.match(out.stderr, /Removing network tier_default/);
    assert.match(out.stderr, /Removing volume tier_dbdata/);
    assert.deepEqual(await ids(), {});
    const label = encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project=tier'] }));
    assert.deepEqual((await d.api('GET', `/networks?filters=${label}`)).body, []);
    assert.deepEqual(((await d.api('GET', `/volumes?filters=${label}`)).body as { Volumes: unknown[] }).Volumes, []);
  });
});
