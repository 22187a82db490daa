import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withRestartDependents } from './service-ops.js';
import type { ComposeProject, ServiceConfig } from './types.js';

/** name → [dependency, restart?] edges. */
function project(edges: Record<string, Array<[string, boolean]>>): ComposeProject {
  const services: Record<string, ServiceConfig> = Object.fromEntries(
    Object.entries(edges).map(([name, deps]) => [
      name,
      { name, image: 'busybox', depends_on: Object.fromEntries(deps.map(([d, restart]) => [d, { condition: 'service_started' as const, restart, required: true }])) },
    ]),
  );
  return { name: 'p', workingDir: '/', configFiles: [], services, disabledServices: {}, networks: {}, volumes: {}, environment: {}, profiles: [] };
}

describe('compose restart targets', () => {
  it('adds the services that depend on a named one with restart: true, transitively, and no others', () => {
    const p = project({ db: [], api: [['db', true]], web: [['api', true]], worker: [['db', false]], lone: [] });
    assert.deepEqual(withRestartDependents(p, ['db']).sort(), ['api', 'db', 'web']);
    assert.deepEqual(withRestartDependents(p, ['api']).sort(), ['api', 'web']);
    assert.deepEqual(withRestartDependents(p, ['worker']), ['worker']);
  });

  it('means every service when none is named, and rejects an unknown one', () => {
    const p = project({ db: [], api: [['db', true]] });
    assert.deepEqual(withRestartDependents(p, []), []);
    assert.throws(() => withRestartDependents(p, ['nope']), /no such service: nope/);
  });
});
