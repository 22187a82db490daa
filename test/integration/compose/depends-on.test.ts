/**
 * `depends_on` conditions against a real berthd: a service waits for a
 * one-shot dependency to exit 0 (service_completed_successfully) and for
 * another to turn healthy (service_healthy); a failing job or an unhealthy
 * dependency stops `up` with a clear error; `up --wait` returns once
 * everything is healthy.
 *
 * The service_healthy cases need berthd to run healthchecks (issue 6, in
 * progress while this was written): they skip, saying so, while the daemon
 * reports no State.Health.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startDaemonWithBusybox, type RunResult, type TestDaemon } from '../../harness/daemon.js';

/** True when berthd reports State.Health for a container with a healthcheck. */
async function daemonRunsHealthchecks(d: TestDaemon): Promise<boolean> {
  const r = d.berth(['run', '-d', '--name', 'health-probe', '--health-cmd', 'true', '--health-interval', '200ms', 'busybox', 'sleep', '30']);
  if (r.code !== 0) return false;
  try {
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const state = JSON.parse(d.berth(['inspect', 'health-probe']).stdout)[0]?.State;
      if (state?.Health?.Status !== undefined) return true;
      await new Promise((res) => setTimeout(res, 200));
    }
    return false;
  } finally {
    d.berth(['rm', '-f', 'health-probe']);
  }
}

describe('compose depends_on conditions (berth CLI)', () => {
  let d: TestDaemon;
  let health = false;
  let n = 0;
  /** Writes a project and returns a runner for `compose -f <it>`. */
  const project = (text: string): ((args: string[]) => RunResult) => {
    const dir = path.join(d.dir, `dep${n++}`);
    mkdirSync(dir);
    const file = path.join(dir, 'compose.yaml');
    writeFileSync(file, text);
    return (args) => d.berth(['compose', '-f', file, ...args], { timeoutMs: 120_000 });
  };
  const state = (name: string): { StartedAt: string; FinishedAt: string; Running: boolean; ExitCode: number } =>
    JSON.parse(d.berth(['inspect', name]).stdout)[0].State;

  before(async () => {
    d = await startDaemonWithBusybox();
    health = await daemonRunsHealthchecks(d);
  });
  after(async () => {
    await d?.cleanup();
  });

  it('service_completed_successfully: the dependent starts after the job exited 0', () => {
    const compose = project(`
services:
  app:
    image: busybox
    command: sleep 300
    init: true
    depends_on:
      migrate: {condition: service_completed_successfully}
  migrate:
    image: busybox
    command: sh -c 'sleep 1; echo migrated'
`);
    const r = compose(['up', '-d']);
    assert.equal(r.code, 0, r.stderr);
    const job = state('dep0-migrate-1');
    const app = state('dep0-app-1');
    assert.equal(job.ExitCode, 0);
    assert.ok(Date.parse(app.StartedAt) >= Date.parse(job.FinishedAt), `app started ${app.StartedAt}, job finished ${job.FinishedAt}`);
    assert.equal(compose(['down', '-t', '0']).code, 0);
  });

  it('a job that fails stops up before its dependents are created', () => {
    const compose = project(`
services:
  app:
    image: busybox
    command: sleep 300
    depends_on:
      migrate: {condition: service_completed_successfully}
  migrate:
    image: busybox
    command: sh -c 'exit 3'
`);
    const r = compose(['up', '-d']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /service "migrate" didn't complete successfully: exit 3/);
    assert.doesNotMatch(d.berth(['ps', '-a', '--format', '{{.Names}}']).stdout, /dep1-app-1/);
    assert.equal(compose(['down']).code, 0);
  });

  it('service_healthy: web starts only after db and api are healthy', (t) => {
    if (!health) {
      t.skip('berthd does not report State.Health yet (healthchecks: issue 6)');
      return;
    }
    const compose = project(`
services:
  web:
    image: busybox
    command: sleep 300
    init: true
    depends_on:
      api: {condition: service_healthy}
  api:
    image: busybox
    command: sh -c 'sleep 1; touch /tmp/ready; exec sleep 300'
    init: true
    healthcheck: {test: test -f /tmp/ready, interval: 300ms, retries: 20}
    depends_on:
      db: {condition: service_healthy}
  db:
    image: busybox
    command: sleep 300
    init: true
    healthcheck: {test: ["CMD", "true"], interval: 300ms}
`);
    const r = compose(['up', '-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Container dep2-db-1 {2}Healthy[\s\S]*Container dep2-api-1 {2}Started[\s\S]*Container dep2-api-1 {2}Healthy[\s\S]*Container dep2-web-1 {2}Started/);
    assert.equal(JSON.parse(d.berth(['inspect', 'dep2-api-1']).stdout)[0].State.Health.Status, 'healthy');
    assert.equal(compose(['down', '-t', '0']).code, 0);
  });

  it('an unhealthy dependency stops up with a clear error; up --wait waits for health', (t) => {
    if (!health) {
      t.skip('berthd does not report State.Health yet (healthchecks: issue 6)');
      return;
    }
    const compose = project(`
services:
  web:
    image: busybox
    command: sleep 300
    depends_on:
      db: {condition: service_healthy}
  db:
    image: busybox
    command: sleep 300
    init: true
    healthcheck: {test: ["CMD", "false"], interval: 200ms, retries: 2}
`);
    const r = compose(['up', '-d']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dependency failed to start: container dep3-db-1 is unhealthy/);
    assert.doesNotMatch(d.berth(['ps', '-a', '--format', '{{.Names}}']).stdout, /dep3-web-1/);
    assert.equal(compose(['down', '-t', '0']).code, 0);

    const waiting = project(`
services:
  db:
    image: busybox
    command: sleep 300
    init: true
    healthcheck: {test: ["CMD", "true"], interval: 200ms}
`);
    const w = waiting(['up', '-d', '--wait']);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(JSON.parse(d.berth(['inspect', 'dep4-db-1']).stdout)[0].State.Health.Status, 'healthy');
    assert.equal(waiting(['down', '-t', '0']).code, 0);
  });

  it('restart: true: up restarts a dependent when it recreates the dependency, and so does compose restart; the others are left alone', () => {
    const text = (v: string): string => `
services:
  app:
    image: busybox
    command: sleep 300
    init: true
    depends_on:
      db: {condition: service_started, restart: true}
  other:
    image: busybox
    command: sleep 300
    init: true
    depends_on: [db]
  db:
    image: busybox
    command: sleep 300
    init: true
    environment: {V: "${v}"}
`;
    const dir = `dep${n}`;
    const compose = project(text('1'));
    assert.equal(compose(['up', '-d']).code, 0);
    const id = (name: string): string => JSON.parse(d.berth(['inspect', name]).stdout)[0].Id;
    const before = { app: id(`${dir}-app-1`), other: id(`${dir}-other-1`), db: id(`${dir}-db-1`) };
    const appStarted = state(`${dir}-app-1`).StartedAt;
    const otherStarted = state(`${dir}-other-1`).StartedAt;

    // Nothing changed: nobody restarts.
    const same = compose(['up', '-d']);
    assert.equal(same.code, 0, same.stderr);
    assert.doesNotMatch(same.stderr, /Restart/);
    assert.equal(state(`${dir}-app-1`).StartedAt, appStarted);

    writeFileSync(path.join(d.dir, dir, 'compose.yaml'), text('2'));
    const r = compose(['up', '-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`Container ${dir}-db-1 {2}Recreated[\\s\\S]*Container ${dir}-app-1 {2}Restarted`));
    assert.notEqual(id(`${dir}-db-1`), before.db, 'db recreated');
    assert.equal(id(`${dir}-app-1`), before.app, 'app restarted, not recreated');
    assert.ok(Date.parse(state(`${dir}-app-1`).StartedAt) > Date.parse(appStarted), 'app started again');
    assert.ok(state(`${dir}-app-1`).Running);
    assert.equal(id(`${dir}-other-1`), before.other);
    assert.equal(state(`${dir}-other-1`).StartedAt, otherStarted, 'other (no restart: true) left alone');

    // `compose restart db` restarts app with it (restart: true), not other.
    const appAgain = state(`${dir}-app-1`).StartedAt;
    const rs = compose(['restart', '-t', '0', 'db']);
    assert.equal(rs.code, 0, rs.stderr);
    assert.match(rs.stderr, new RegExp(`Container ${dir}-app-1 {2}Restarting`));
    assert.ok(Date.parse(state(`${dir}-app-1`).StartedAt) > Date.parse(appAgain), 'app restarted with db');
    assert.equal(state(`${dir}-other-1`).StartedAt, otherStarted, 'other not restarted');
    assert.equal(compose(['down', '-t', '0']).code, 0);
  });
});
