/**
 * `search`: berth's registry answers Docker Hub's v1 search from its
 * catalog; registries that follow only the distribution spec offer no search
 * API, and the user is told so clearly (which registry, what it answered);
 * a daemon that may reach loopback registries only refuses Docker Hub
 * without looking its name up.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliUnderTest, startDaemonWithBusybox, type TestDaemon } from '../../harness/daemon.js';
import { hasDistribution, startBerthRegistry, startDistribution, type RegistryProcess } from './client-registries.js';

describe('search', () => {
  let d: TestDaemon;
  let berthRegistry: RegistryProcess;
  const registries: RegistryProcess[] = [];
  before(async () => {
    d = await startDaemonWithBusybox();
    berthRegistry = await startBerthRegistry();
    if (hasDistribution) registries.push(await startDistribution());
    for (const repo of ['tools/busybox', 'tools/other']) {
      assert.equal(d.docker(['tag', 'busybox', `${berthRegistry.host}/${repo}:v1`]).code, 0);
      const pushed = d.docker(['push', `${berthRegistry.host}/${repo}:v1`]);
      assert.equal(pushed.code, 0, pushed.stderr);
    }
  });
  after(async () => {
    await berthRegistry?.stop();
    for (const r of registries) await r.stop();
    await d?.cleanup();
  });

  for (const which of cliUnderTest) {
    it(`berth's registry searches its catalog (${which} CLI)`, () => {
      const cli = (args: string[]) => (which === 'docker' ? d.docker(args) : d.berth(args));
      const res = cli(['search', `${berthRegistry.host}/BusyB`]);
      assert.equal(res.code, 0, res.stderr);
      const lines = res.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL/);
      assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), ['tools/busybox']);
      const all = cli(['search', '--limit', '1', `${berthRegistry.host}/tools`]);
      assert.equal(all.code, 0, all.stderr);
      assert.equal(all.stdout.trimEnd().split('\n').length, 2, all.stdout);
      const none = cli(['search', `${berthRegistry.host}/nothing-like-it`]);
      assert.equal(none.code, 0, none.stderr);
      assert.equal(none.stdout.trimEnd().split('\n').length, 1, none.stdout);
    });

    it(`a registry without a search API is a clear error (${which} CLI)`, { skip: !hasDistribution && 'no docker-registry installed' }, () => {
      for (const r of registries) {
        const res = which === 'docker' ? d.docker(['search', `${r.host}/busybox`]) : d.berth(['search', `${r.host}/busybox`]);
        assert.equal(res.code, 1, res.stdout);
        assert.match(res.stderr, new RegExp(`registry ${r.host.replace(/\./g, '\\.')} does not offer search \\(GET /v1/search answered 404\\)`));
      }
    });

    it(`Docker Hub is refused without a lookup when only local registries may be reached (${which} CLI)`, () => {
      const res = which === 'docker' ? d.docker(['search', 'busybox']) : d.berth(['search', 'busybox']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /registry docker\.io is not reachable: berthd runs with --local-registries-only/);
    });
  }
});
