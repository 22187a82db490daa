import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { berth, configDir, scriptedDaemon, type Daemon } from './scripted-daemon.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One plain HTTP request over the daemon's unix socket. */
function request(d: Daemon, method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: d.host.replace(/^unix:\/\//, ''), method, path, headers }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => (text += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('scriptedDaemon', () => {
  it('answers from the script, then the defaults, then docker\'s 404, recording each request but the ping', async (t) => {
    const d = await scriptedDaemon(t, (r) => (r.path === '/a' ? { status: 200, body: 'script' } : undefined), {
      defaults: (r) => (r.path === '/a' || r.path === '/b' ? { status: 201, body: 'defaults' } : r.path === '/s' ? { status: 200, stream: '{"x":1}\n{"x":2}\n' } : undefined),
    });
    assert.equal((await request(d, 'GET', '/v1.45/a')).body, '"script"');
    assert.equal((await request(d, 'POST', '/b?k=v&a=1', '{"x":1}', { 'X-Registry-Auth': 'abc' })).body, '"defaults"');
    const missing = await request(d, 'GET', '/c');
    assert.deepEqual([missing.status, missing.body], [404, '{"message":"page not found: /c"}']);
    assert.equal((await request(d, 'GET', '/s')).body, '{"x":1}\r\n{"x":2}\r\n');
    const ping = await request(d, 'GET', '/_ping');
    assert.deepEqual([ping.body, ping.headers['api-version']], ['OK', '1.45']);
    assert.deepEqual(d.seen.map((s) => `${s.method} ${s.path} ${s.search} ${s.body}`), ['GET /a  ', 'POST /b k=v&a=1 {"x":1}', 'GET /c  ', 'GET /s  ']);
    assert.equal(d.seen[1]!.query.get('a'), '1');
    assert.equal(d.seen[1]!.headers['x-registry-auth'], 'abc');
  });

  it('announces the chosen API version on /_ping', async (t) => {
    const d = await scriptedDaemon(t, undefined, { apiVersion: '1.43' });
    assert.equal((await request(d, 'HEAD', '/_ping')).headers['api-version'], '1.43');
    assert.equal(d.seen.length, 0);
  });
});

describe('berth', () => {
  it('sets DOCKER_CONFIG and env for the run only, and reports the exit status as src/cmd/berth.ts does', async (t) => {
    const before = [process.env['DOCKER_CONFIG'], process.env['BERTH_SCRIPTED_TEST']];
    let during: Array<string | undefined> = [];
    const d = await scriptedDaemon(t, () => {
      during = [process.env['DOCKER_CONFIG'], process.env['BERTH_SCRIPTED_TEST']];
      return { status: 500, body: { message: 'no' } };
    });
    const config = configDir(t);
    const r = await berth(d.host, ['network', 'ls'], { config, env: { BERTH_SCRIPTED_TEST: 'x' } });
    assert.deepEqual(r, { stdout: '', stderr: 'Error response from daemon: no\n', status: 1 });
    assert.deepEqual(during, [config, 'x']);
    assert.deepEqual([process.env['DOCKER_CONFIG'], process.env['BERTH_SCRIPTED_TEST']], before);
  });
});
