/**
 * The other `berth compose` verbs against a real berthd: config, create,
 * start/stop/restart, pause/unpause, kill, rm, exec, run (--rm, one-off
 * labels), top, port, images, ls, profiles, and attached `up` streaming
 * every service's output behind its prefix until Ctrl-C stops the project.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BERTH, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

const PROJECT = `
name: tools
services:
  app:
    image: busybox
    command: sh -c 'while true; do echo tick-$$GREETING; sleep 1; done'
    init: true
    environment: {GREETING: hi}
    ports: ["80"]
    depends_on: [cache]
  cache:
    image: busybox
    command: sleep 3600
    init: true
    working_dir: /srv
    user: "1000"
  debug:
    image: busybox
    command: sleep 3600
    profiles: [dev]
volumes:
  scratch: {}
`;

describe('compose verbs (berth CLI)', () => {
  let d: TestDaemon;
  let file: string;
  const compose = (args: string[], input?: string): RunResult => d.berth(['compose', '-f', file, ...args], input !== undefined ? { input } : {});
  const ok = (args: string[]): string => {
    const r = compose(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const stateOf = (name: string): string => d.berth(['inspect', '-f', '{{.State.Status}}', name]).stdout.trim();

  before(async () => {
    d = await startDaemonWithBusybox();
    const dir = path.join(d.dir, 'proj');
    mkdirSync(dir);
    file = path.join(dir, 'compose.yaml');
    writeFileSync(file, PROJECT);
  });
  after(async () => {
    await d?.cleanup();
  });

  it('config prints the resolved model, its services, volumes and profiles', () => {
    const yaml = ok(['config']);
    assert.match(yaml, /^name: tools\nservices:\n {2}app:\n/);
    assert.match(yaml, /GREETING: hi/);
    assert.doesNotMatch(yaml, /debug:/);
    assert.equal(ok(['config', '--services']), 'app\ncache\n');
    assert.equal(ok(['config', '--volumes']), 'scratch\n');
    assert.equal(ok(['config', '--profiles']), 'dev\n');
    assert.equal(ok(['config', '-q']), '');
    assert.equal(d.berth(['compose', '-f', file, '--profile', 'dev', 'config', '--services']).stdout, 'app\ncache\ndebug\n');
    assert.equal(JSON.parse(ok(['config', '--format', 'json'])).services.cache.working_dir, '/srv');
  });

  it('create makes containers without starting them; start starts them in order', () => {
    ok(['create']);
    assert.equal(stateOf('tools-app-1'), 'created');
    assert.equal(stateOf('tools-cache-1'), 'created');
    const r = compose(['start']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.indexOf('tools-cache-1  Started') < r.stderr.indexOf('tools-app-1  Started'), r.stderr);
    assert.equal(stateOf('tools-app-1'), 'running');
  });

  it('stop, restart, pause and unpause act on the services', () => {
    const s = compose(['stop', '-t', '1']);
    assert.equal(s.code, 0, s.stderr);
    assert.ok(s.stderr.indexOf('tools-app-1  Stopped') < s.stderr.indexOf('tools-cache-1  Stopped'), 'dependents stop first');
    assert.equal(stateOf('tools-cache-1'), 'exited');
    ok(['restart', 'cache']);
    assert.equal(stateOf('tools-cache-1'), 'running');
    assert.equal(stateOf('tools-app-1'), 'exited');
    ok(['up', '-d']);
    ok(['pause', 'app']);
    assert.equal(stateOf('tools-app-1'), 'paused');
    ok(['unpause']);
    assert.equal(stateOf('tools-app-1'), 'running');
  });

  it('exec runs in the service container with its settings and exit code', () => {
    assert.equal(ok(['exec', '-T', 'cache', 'sh', '-c', 'echo $(id -u) $(pwd)']), '1000 /srv\n');
    assert.equal(ok(['exec', '-T', '-u', '0', '-w', '/', '-e', 'X=1', 'cache', 'sh', '-c', 'echo $(id -u) $(pwd) $X']), '0 / 1\n');
    assert.equal(compose(['exec', '-T', 'cache', 'sh', '-c', 'exit 7']).code, 7);
    const missing = compose(['exec', '-T', '--index', '2', 'cache', 'true']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /service "cache" is not running container #2/);
  });

  it('run makes a one-off container with the service config; --rm removes it', () => {
    assert.equal(ok(['run', '--rm', '-T', 'app', 'sh', '-c', 'echo $GREETING; exit 0']), 'hi\n');
    assert.equal(compose(['run', '--rm', '-T', 'app', 'sh', '-c', 'exit 4']).code, 4);
    assert.doesNotMatch(d.berth(['ps', '-a', '--format', '{{.Names}}']).stdout, /tools-app-run-/);
    ok(['run', '-T', '--name', 'kept-run', '-e', 'GREETING=yo', 'app', 'sh', '-c', 'echo $GREETING']);
    const labels = JSON.parse(d.berth(['inspect', 'kept-run']).stdout)[0].Config.Labels;
    assert.equal(labels['com.docker.compose.oneoff'], 'True');
    assert.equal(labels['com.docker.compose.service'], 'app');
    assert.equal(d.berth(['logs', 'kept-run']).stdout, 'yo\n');
    // One-off containers are not the service's: ps hides them, ps -a shows them.
    assert.doesNotMatch(ok(['ps']), /kept-run/);
    assert.match(ok(['ps', '-a']), /kept-run/);
    d.berth(['rm', '-f', 'kept-run']);
  });

  it('top, port, images and ls describe the running project', () => {
    assert.match(ok(['top', 'cache']), /^tools-cache-1\n.*PID.*\n(.*\n)*.*sleep 3600/);
    assert.match(ok(['port', 'app', '80']), /^0\.0\.0\.0:\d+\n$/);
    const images = ok(['images']);
    assert.match(images, /^CONTAINER\s+REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE\n/);
    assert.match(images, /tools-app-1\s+busybox\s+latest\s+[0-9a-f]{12}/);
    assert.match(ok(['ls']), new RegExp(`^NAME\\s+STATUS\\s+CONFIG FILES\\ntools\\s+running\\(2\\)\\s+${file.replace(/\//g, '\\/')}\\n$`));
  });

  it('kill and rm: killed containers are removed, running ones only with -s', () => {
    ok(['kill', 'app']);
    assert.equal(stateOf('tools-app-1'), 'exited');
    ok(['rm', '-f']);
    assert.equal(d.berth(['inspect', 'tools-app-1']).code, 1);
    assert.equal(stateOf('tools-cache-1'), 'running');
    ok(['rm', '-f', '-s', 'cache']);
    assert.equal(d.berth(['inspect', 'tools-cache-1']).code, 1);
  });

  it('attached up streams every service behind its prefix; Ctrl-C stops the project', async () => {
    const child = spawn(process.execPath, [BERTH, '-H', d.host, 'compose', '-f', file, 'up'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/app-1 +\| tick-hi\n[\s\S]*app-1 +\| tick-hi\n/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.match(out, /^Attaching to app-1, cache-1\n/);
      assert.match(out, /^app-1 {4}\| tick-hi$/m, "padded to the widest prefix, cache-1");
      child.kill('SIGINT');
      assert.equal(await exited, 0, err);
    } finally {
      child.kill('SIGKILL');
    }
    assert.match(err, /Gracefully stopping/);
    assert.equal(stateOf('tools-app-1'), 'exited');
    assert.equal(stateOf('tools-cache-1'), 'exited');
    ok(['down']);
  });
});
