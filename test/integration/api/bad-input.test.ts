/**
 * Bad requests get a clear `{"message"}` with Docker's status code, and the
 * daemon stays up and keeps its state.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';

describe('bad input over the API', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startDaemonWithBusybox();
  });
  after(async () => {
    await d?.cleanup();
  });

  const cases: Array<[string, string, string, unknown, number, RegExp]> = [
    ['malformed JSON body', 'POST', '/containers/create', '{"Image": "busybox",', 400, /malformed JSON/],
    ['a body that is not an object', 'POST', '/containers/create', '[1,2]', 400, /Image is required|JSON object/],
    ['an image name of the wrong type', 'POST', '/containers/create', { Image: 5 }, 400, /Image is required/],
    ['an unknown image', 'POST', '/containers/create', { Image: 'nosuch:1' }, 404, /No such image: nosuch:1/],
    ['a memory value that is not a number', 'POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Memory: 'lots' } }, 400, /Memory/],
    ['a memory limit below 6MB', 'POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Memory: 1024 } }, 400, /Minimum memory limit allowed is 6MB/],
    ['an invalid container name', 'POST', '/containers/create?name=bad%20name', { Image: 'busybox', Cmd: ['true'] }, 400, /Invalid container name \(bad name\)/],
    ['a relative working dir', 'POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], WorkingDir: 'rel' }, 400, /needs to be an absolute path/],
    ['an unknown container', 'GET', '/containers/nope/json', undefined, 404, /No such container: nope/],
    ['an unknown exec', 'GET', '/exec/nope/json', undefined, 404, /No such exec instance: nope/],
    ['an unknown route', 'GET', '/no/such/route', undefined, 404, /page not found/],
    ['a bad filter', 'GET', '/containers/json?filters=%7Bnot-json', undefined, 400, /invalid filter/],
    ['an unknown filter key', 'GET', '/containers/json?filters=%7B%22color%22%3A%5B%22red%22%5D%7D', undefined, 400, /invalid filter 'color'/],
    ['a kill signal that does not exist', 'POST', '/containers/nope/kill?signal=SIGNOPE', undefined, 404, /No such container/],
    ['an API version from the future', 'GET', '/v1.99/version', undefined, 400, /client version 1.99 is too new/],
    ['an API version too old', 'GET', '/v1.12/version', undefined, 400, /too old/],
  ];
  for (const [what, method, url, body, status, message] of cases) {
    it(`answers ${status} for ${what}`, async () => {
      const r = await d.api(method, url, body);
      assert.equal(r.status, status, r.text);
      assert.match((r.body as { message: string }).message, message);
    });
  }

  it('is still up, with its state, after all of that', async () => {
    assert.ok(await d.ping());
    const images = (await d.api('GET', '/images/json')).body as Array<{ RepoTags: string[] }>;
    assert.deepEqual(images.map((i) => i.RepoTags), [['busybox:latest']]);
    const list = (await d.api('GET', '/containers/json?all=1')).body as unknown[];
    assert.deepEqual(list, []);
  });

  it('rejects a bad signal for a running container', async () => {
    await d.api('POST', '/containers/create?name=sig', { Image: 'busybox', Cmd: ['sleep', '30'] });
    assert.equal((await d.api('POST', '/containers/sig/start')).status, 204);
    const r = await d.api('POST', '/containers/sig/kill?signal=SIGNOPE');
    assert.equal(r.status, 400);
    assert.match((r.body as { message: string }).message, /invalid signal: SIGNOPE/);
    assert.equal((await d.api('DELETE', '/containers/sig?force=1')).status, 204);
  });
});
