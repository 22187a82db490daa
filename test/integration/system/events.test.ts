/**
 * `events` through the berth CLI and the real docker CLI: a run/stop/rm
 * sequence replayed in order between --since and --until, filters, the
 * formats, image/volume/network events, live streaming, clear errors for
 * bad input, and events that survive a berthd restart (clean and kill -9).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { BERTH, DOCKER, cliUnderTest, startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';
import { hasBerthRegistry, startBerthRegistry } from '../registry/client-registries.js';

/** The API's "seconds.nanoseconds" for a wall-clock time in ms: since rounds down, until up. */
const apiTime = (ms: number, up = false) => {
  const whole = up ? Math.ceil(ms) : Math.floor(ms);
  return `${Math.floor(whole / 1000)}.${String(whole % 1000).padStart(3, '0')}000000`;
};
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(?:Z|[+-]\d\d:\d\d)) (\w+) (\S+) (\S*)(?: \((.*)\))?$/;

interface Parsed {
  type: string;
  action: string;
  id: string;
  attrs: Record<string, string>;
}

/** A default-format line, as docker prints it, taken apart. */
function parseLine(line: string): Parsed {
  const m = LINE.exec(line);
  assert.ok(m, `not an event line: ${JSON.stringify(line)}`);
  const attrs: Record<string, string> = {};
  for (const kv of (m[5] ?? '').split(', ').filter(Boolean)) {
    const eq = kv.indexOf('=');
    attrs[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { type: m[2]!, action: m[3]!, id: m[4]!, attrs };
}

const lines = (out: string) => out.split('\n').filter(Boolean);

for (const which of cliUnderTest) describe(`events (${which} CLI)`, () => {
  let d: TestDaemon;
  let cli: (args: string[], opts?: { input?: string; timeoutMs?: number }) => RunResult;
  const ok = (args: string[]) => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** Starts `events ARGS` in the background; read() is what it printed so far. */
  const follow = (args: string[]): { proc: ChildProcess; read: () => string; exited: Promise<number | null> } => {
    const proc =
      which === 'docker'
        ? spawn(DOCKER, ['events', ...args], { env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: path.join(d.dir, 'docker-config') } })
        : spawn(process.execPath, [BERTH, '-H', d.host, 'events', ...args]);
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    return { proc, read: () => out, exited };
  };
  const eventually = async (what: string, check: () => boolean, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    d = await startDaemonWithBusybox();
    cli = (args, opts) => (which === 'docker' ? d.docker(args, opts) : d.berth(args, opts));
  });
  after(async () => {
    await d?.cleanup();
  });

  it('replays a run/stop/rm sequence in order between --since and --until', () => {
    const since = apiTime(Date.now());
    const id = ok(['run', '-d', '--name', 'seq', '-l', 'test=seq', 'busybox', 'sh', '-c', 'trap "exit 3" TERM; while true; do sleep 0.1; done']).trim();
    ok(['stop', 'seq']);
    ok(['rm', 'seq']);
    const until = apiTime(Date.now(), true);
    const out = ok(['events', '--since', since, '--until', until, '--filter', 'container=seq']);
    const events = lines(out).map(parseLine);
    assert.deepEqual(events.map((e) => `${e.type} ${e.action}`), ['container create', 'container start', 'container kill', 'container die', 'container stop', 'container destroy']);
    for (const e of events) {
      assert.equal(e.id, id);
      assert.equal(e.attrs['name'], 'seq');
      assert.equal(e.attrs['image'], 'busybox');
      assert.equal(e.attrs['test'], 'seq');
    }
    assert.equal(events[2]!.attrs['signal'], '15');
    assert.equal(events[3]!.attrs['exitCode'], '3');
    assert.match(events[3]!.attrs['execDuration'] ?? '', /^\d+$/);
    // The exact default line: the attributes sorted, comma separated.
    assert.match(lines(out)[0]!, new RegExp(`^\\S+ container create ${id} \\(image=busybox, name=seq, test=seq\\)$`));

    // A window that ends before the stop: the stream ends there too.
    const onlyCreate = ok(['events', '--since', since, '--until', since, '--filter', 'container=seq']);
    assert.equal(onlyCreate, '');
  });

  it('filters by type, event, label and image, and formats with a template and json', () => {
    const since = apiTime(Date.now());
    ok(['run', '--name', 'filt', '-l', 'team=blue', 'busybox', 'true']);
    ok(['rm', 'filt']);
    const until = apiTime(Date.now(), true);
    const window = ['--since', since, '--until', until];
    assert.equal(ok(['events', ...window, '--filter', 'event=die', '--filter', 'label=team=blue', '--format', '{{.Action}} {{.Actor.Attributes.exitCode}} {{.Actor.Attributes.name}}']), 'die 0 filt\n');
    assert.equal(ok(['events', ...window, '--filter', 'label=team=red']), '');
    const containerOnly = lines(ok(['events', ...window, '--filter', 'type=container', '--filter', 'image=busybox', '--format', '{{.Type}} {{.Action}}']));
    assert.ok(containerOnly.every((l) => l.startsWith('container ')), containerOnly.join('\n'));
    assert.ok(containerOnly.includes('container destroy'));
    const json = lines(ok(['events', ...window, '--filter', 'event=create', '--filter', 'type=container', '--format', 'json']));
    assert.equal(json.length, 1);
    const msg = JSON.parse(json[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(msg), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
    assert.equal(msg['status'], 'create');
    assert.equal(msg['from'], 'busybox');
    assert.equal(msg['scope'], 'local');
    assert.match(json[0]!, /"timeNano":\d{19}\}$/);
  });

  it('reports image tag, untag and delete events, and the container commit', () => {
    const since = apiTime(Date.now());
    ok(['tag', 'busybox', 'evtag:v1']);
    ok(['rmi', 'evtag:v1']);
    ok(['create', '--name', 'tocommit', 'busybox', 'true']);
    const imageId = ok(['commit', 'tocommit', 'evcommit:v2']).trim();
    ok(['rmi', 'evcommit:v2']);
    ok(['rm', 'tocommit']);
    const until = apiTime(Date.now(), true);
    const busyboxId = ok(['image', 'inspect', '-f', '{{.Id}}', 'busybox']).trim();
    const images = lines(ok(['events', '--since', since, '--until', until, '--filter', 'type=image'])).map(parseLine);
    assert.deepEqual(
      images.map((e) => `${e.action} ${e.id} ${e.attrs['name']}`),
      [`tag ${busyboxId} evtag:v1`, `untag ${busyboxId} ${busyboxId}`, `tag ${imageId} evcommit:v2`, `untag ${imageId} ${imageId}`, `delete ${imageId} ${imageId}`],
    );
    const commit = lines(ok(['events', '--since', since, '--until', until, '--filter', 'event=commit'])).map(parseLine);
    assert.equal(commit.length, 1);
    assert.equal(commit[0]!.attrs['imageID'], imageId);
    assert.equal(commit[0]!.attrs['imageRef'], 'evcommit:v2');
    assert.equal(commit[0]!.attrs['name'], 'tocommit');
  });

  it('reports push and pull, named as the user named the image', { skip: !hasBerthRegistry() && 'berth registry serve is not built' }, async (t) => {
    const reg = await startBerthRegistry();
    t.after(() => reg.stop());
    const ref = `${reg.host}/ev/pushed:v1`;
    const since = apiTime(Date.now());
    ok(['tag', 'busybox', ref]);
    ok(['push', ref]);
    ok(['rmi', ref]);
    ok(['pull', ref]);
    ok(['rmi', ref]);
    const until = apiTime(Date.now(), true);
    const out = ok(['events', '--since', since, '--until', until, '--filter', 'event=push', '--filter', 'event=pull', '--format', '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}']);
    assert.equal(out, `image push ${ref} ${reg.host}/ev/pushed\nimage pull ${ref} ${reg.host}/ev/pushed\n`);
  });

  it('reports volume and network events of a container’s life', () => {
    const since = apiTime(Date.now());
    ok(['volume', 'create', 'evvol']);
    const netId = ok(['network', 'create', 'evnet']).trim();
    ok(['run', '--name', 'volnet', '--network', 'evnet', '-v', 'evvol:/data', 'busybox', 'true']);
    const id = ok(['inspect', '-f', '{{.Id}}', 'volnet']).trim();
    ok(['rm', 'volnet']);
    ok(['network', 'rm', 'evnet']);
    ok(['volume', 'rm', 'evvol']);
    const until = apiTime(Date.now(), true);
    const window = ['--since', since, '--until', until];
    const vols = lines(ok(['events', ...window, '--filter', 'type=volume'])).map(parseLine);
    assert.deepEqual(vols.map((e) => `${e.action} ${e.id}`), ['create evvol', 'mount evvol', 'unmount evvol', 'destroy evvol']);
    assert.deepEqual(vols[0]!.attrs, { driver: 'local' });
    assert.deepEqual(vols[1]!.attrs, { container: id, destination: '/data', driver: 'local', propagation: '', 'read/write': 'true' });
    const nets = lines(ok(['events', ...window, '--filter', 'type=network', '--filter', 'network=evnet'])).map(parseLine);
    assert.deepEqual(nets.map((e) => `${e.action} ${e.id}`), [`create ${netId}`, `connect ${netId}`, `disconnect ${netId}`, `destroy ${netId}`]);
    assert.deepEqual(nets[1]!.attrs, { container: id, name: 'evnet', type: 'bridge' });
  });

  it('streams live events as they happen, and stops at a future --until', async () => {
    const live = follow(['--filter', 'type=volume', '--format', '{{.Action}} {{.Actor.ID}}']);
    try {
      // The subscription is in place once the daemon answered: give the request a moment, then act.
      await new Promise((r) => setTimeout(r, 500));
      ok(['volume', 'create', 'livevol']);
      await eventually('the live create', () => live.read().includes('create livevol\n'));
      ok(['volume', 'rm', 'livevol']);
      await eventually('the live destroy', () => live.read().includes('destroy livevol\n'));
      assert.equal(live.read(), 'create livevol\ndestroy livevol\n');
    } finally {
      live.proc.kill('SIGTERM');
      await live.exited;
    }
    const bounded = follow(['--since', apiTime(Date.now()), '--until', apiTime(Date.now() + 1500, true), '--filter', 'volume=boundvol', '--format', '{{.Action}}']);
    await new Promise((r) => setTimeout(r, 300));
    ok(['volume', 'create', 'boundvol']);
    const code = await Promise.race([bounded.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
    if (code === 'hung') bounded.proc.kill('SIGKILL');
    assert.equal(code, 0);
    assert.equal(bounded.read(), 'create\n');
    ok(['volume', 'rm', 'boundvol']);
  });

  it('gives clear errors for bad filters, times and formats', () => {
    const unknown = cli(['events', '--since', '0', '--until', '1', '--filter', 'nope=x']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Error response from daemon: invalid filter 'nope'/);
    const badType = cli(['events', '--since', '0', '--until', '1', '--filter', 'type=contianer']);
    assert.equal(badType.code, 1);
    assert.match(badType.stderr, /invalid filter 'type=contianer'/);
    const noEq = cli(['events', '--filter', 'nope']);
    assert.notEqual(noEq.code, 0);
    assert.match(noEq.stderr, /bad format of filter \(expected name=value\)/);
    const badSince = cli(['events', '--since', 'yesterday', '--until', '1']);
    assert.notEqual(badSince.code, 0);
    assert.match(badSince.stderr, /failed to parse value as time or duration: "yesterday"/);
    const reversed = cli(['events', '--since', '20', '--until', '10']);
    assert.equal(reversed.code, 1);
    assert.match(reversed.stderr, /`since` time \(20\) cannot be after `until` time \(10\)/);
    const badFormat = cli(['events', '--format', '{{.Nope}}']);
    assert.equal(badFormat.code, 64);
    assert.match(badFormat.stderr, /Error parsing format: template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type \*events.Message/);
  });

  it('keeps events across a berthd restart, clean or kill -9', async () => {
    const since = apiTime(Date.now());
    ok(['volume', 'create', 'before-stop']);
    await d.stop('SIGTERM');
    await d.start();
    ok(['volume', 'create', 'before-kill']);
    await new Promise((r) => setTimeout(r, 300)); // past the journal's batching delay
    await d.stop('SIGKILL');
    await d.start();
    const until = apiTime(Date.now(), true);
    const out = ok(['events', '--since', since, '--until', until, '--filter', 'type=volume', '--filter', 'event=create', '--format', '{{.Actor.ID}}']);
    assert.equal(out, 'before-stop\nbefore-kill\n');
    ok(['volume', 'rm', 'before-stop', 'before-kill']);
  });
});

describe('GET /events', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemonWithBusybox();
  });
  after(async () => {
    await d?.cleanup();
  });

  it('answers bad input with a 400 before any event', async () => {
    const unknown = await d.api('GET', `/events?since=0&until=1&filters=${encodeURIComponent('{"nope":["x"]}')}`);
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, { message: "invalid filter 'nope'" });
    const malformed = await d.api('GET', '/events?since=0&until=1&filters=%7Bnot-json');
    assert.equal(malformed.status, 400);
    const badTime = await d.api('GET', '/events?since=abc');
    assert.equal(badTime.status, 400);
    assert.match((badTime.body as { message: string }).message, /^invalid value for 'since': /);
  });

  it('replays JSON lines in moby’s shape, with the old {"k":{"v":true}} filter form too', async () => {
    const since = apiTime(Date.now());
    assert.equal((await d.api('POST', '/volumes/create', { Name: 'apivol', Labels: { a: 'b' } })).status, 201);
    const until = apiTime(Date.now(), true);
    const r = await d.api('GET', `/v1.45/events?since=${since}&until=${until}&filters=${encodeURIComponent('{"type":{"volume":true}}')}`);
    assert.equal(r.status, 200);
    const got = r.text.split('\n').filter(Boolean);
    assert.equal(got.length, 1);
    assert.match(got[0]!, /^\{"Type":"volume","Action":"create","Actor":\{"ID":"apivol","Attributes":\{"driver":"local"\}\},"scope":"local","time":\d+,"timeNano":\d+\}$/);
    await d.api('DELETE', '/volumes/apivol');
  });
});
