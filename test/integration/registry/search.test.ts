/**
 * `search`: registries that follow the distribution spec offer no search
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
  const registries: RegistryProcess[] = [];
  before(async () => {
    d = await startDaemonWithBusybox();
    registries.push(await startBerthRegistry());
    if (hasDistribution) registries.push(await startDistribution());
  });
  after(async () => {
    for (const r of registries) await r.stop();
    await d?.cleanup();
  });

  for (const which of cliUnderTest) {
    it(`a registry without a search API is a clear error (${which} CLI)`, () => {
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
