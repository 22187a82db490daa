import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Digest } from '../content/digest.js';
import { initialState, ZERO_TIME, type ContainerId, type ContainerRecord, type ContainerStatus } from './container.js';
import { selectContainers } from './container-filter.js';

function rec(name: string, id: string, created: string, status: ContainerStatus, exitCode = 0, labels: Record<string, string> = {}, image?: string): ContainerRecord {
  const started = status === 'created' ? ZERO_TIME : created;
  return {
    id: id.padEnd(64, '0') as ContainerId,
    name,
    created,
    image: 'busybox',
    imageId: (image ?? (status === 'created' ? 'sha256:other' : 'sha256:busybox')) as Digest,
    path: 'true',
    args: [],
    config: { Labels: labels },
    hostConfig: {},
    state: { ...initialState(), status, exitCode, startedAt: started },
    snapshotKey: '',
    restartCount: 0,
    hasBeenManuallyStopped: false,
  };
}

// Created within one millisecond: only the nanoseconds order them.
const withMounts = (r: ContainerRecord): ContainerRecord => ({
  ...r,
  mounts: [
    { type: 'volume', name: 'dbdata', source: '/v/dbdata/_data', destination: '/var/lib/db', driver: 'local', mode: 'z', rw: true, propagation: '' },
    { type: 'bind', source: '/srv/conf', destination: '/etc/app', mode: '', rw: false, propagation: 'rprivate' },
  ],
});
const ALL = [
  withMounts(rec('ok', 'aa11', '2024-01-01T00:00:00.000000100Z', 'exited', 0)),
  rec('three', 'aa22', '2024-01-01T00:00:00.0000002Z', 'exited', 3, {}, 'sha256:child'),
  rec('up', 'bb33', '2024-01-01T00:00:00.00000021Z', 'running', 0, { tier: 'web' }),
  rec('fresh', 'cc44', '2024-01-01T00:00:00.0000003Z', 'created', 0, { tier: 'db' }),
];

function names(opts: { all?: boolean; limit?: number; filters?: Record<string, string[]> }): string[] {
  return selectContainers(ALL, {
    all: opts.all ?? false,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    filters: new Map(Object.entries(opts.filters ?? {})),
    imageAndDescendants: (n) => (n === 'busybox' ? ['sha256:busybox', 'sha256:child'] : n === 'child' ? ['sha256:child'] : []),
  }).map((c) => c.name);
}

describe('container selection (ps)', () => {
  it('filters by volume name, bind source or mount destination', () => {
    for (const v of ['dbdata', '/srv/conf', '/var/lib/db', '/etc/app']) assert.deepEqual(names({ all: true, filters: { volume: [v] } }), ['ok'], v);
    assert.deepEqual(names({ all: true, filters: { volume: ['other'] } }), []);
  });

  it('lists newest first, running only unless -a, a limit or a status filter', () => {
    assert.deepEqual(names({}), ['up']);
    assert.deepEqual(names({ all: true }), ['fresh', 'up', 'three', 'ok']);
    assert.deepEqual(names({ limit: 2 }), ['fresh', 'up']);
    assert.deepEqual(names({ filters: { status: ['exited'] } }), ['three', 'ok']);
  });

  it('matches exited= only among stopped containers, and only with -a', () => {
    assert.deepEqual(names({ filters: { exited: ['0'] } }), []);
    assert.deepEqual(names({ all: true, filters: { exited: ['0'] } }), ['ok']);
    assert.deepEqual(names({ all: true, filters: { exited: ['0', '3'] } }), ['three', 'ok']);
    assert.throws(() => names({ filters: { exited: ['x'] } }), /invalid filter 'exited=x': strconv.Atoi: parsing "x": invalid syntax/);
  });

  it('matches names as unanchored patterns, with or without the slash', () => {
    assert.deepEqual(names({ all: true, filters: { name: ['^/t'] } }), ['three']);
    assert.deepEqual(names({ all: true, filters: { name: ['e$'] } }), ['three']);
    assert.deepEqual(names({ all: true, filters: { name: ['(bad'] } }), []);
  });

  it('matches ids by full id or unique prefix only', () => {
    assert.deepEqual(names({ all: true, filters: { id: ['aa2'] } }), ['three']);
    assert.deepEqual(names({ all: true, filters: { id: ['aa'] } }), []);
    assert.deepEqual(names({ all: true, filters: { id: ['aa', 'bb'] } }), ['up']);
  });

  it('matches labels, ancestors, and several keys together', () => {
    assert.deepEqual(names({ all: true, filters: { label: ['tier'] } }), ['fresh', 'up']);
    assert.deepEqual(names({ all: true, filters: { label: ['tier=db'] } }), ['fresh']);
    assert.deepEqual(names({ all: true, filters: { label: ['tier', 'tier=web'] } }), ['up']);
    // An image stands for itself and every image built on it.
    assert.deepEqual(names({ all: true, filters: { ancestor: ['busybox'] } }), ['up', 'three', 'ok']);
    assert.deepEqual(names({ all: true, filters: { ancestor: ['child'] } }), ['three']);
    assert.deepEqual(names({ all: true, filters: { ancestor: ['nope'] } }), []);
    assert.deepEqual(names({ all: true, filters: { label: ['tier'], status: ['created'] } }), ['fresh']);
  });

  it('selects before and since a container', () => {
    assert.deepEqual(names({ all: true, filters: { before: ['up'] } }), ['three', 'ok']);
    assert.deepEqual(names({ all: true, filters: { since: ['three'] } }), ['fresh', 'up']);
  });

  it('matches health by its status, "none" for a container without a healthcheck, stopped ones included', () => {
    const withHealth = (r: ContainerRecord, Status: 'starting' | 'healthy' | 'unhealthy'): ContainerRecord => ({ ...r, state: { ...r.state, health: { Status, FailingStreak: 0, Log: [] } } });
    const list = [withHealth(ALL[0]!, 'unhealthy'), ALL[1]!, withHealth(ALL[2]!, 'healthy'), ALL[3]!];
    const pick = (health: string[], all = true) =>
      selectContainers(list, { all, filters: new Map([['health', health]]), imageAndDescendants: () => [] }).map((c) => c.name);
    assert.deepEqual(pick(['healthy']), ['up']);
    assert.deepEqual(pick(['unhealthy']), ['ok']);
    assert.deepEqual(pick(['unhealthy'], false), []);
    assert.deepEqual(pick(['none']), ['fresh', 'three']);
    assert.deepEqual(pick(['healthy', 'unhealthy']), ['up', 'ok']);
    assert.throws(() => pick(['great']), {
      message: "invalid filter 'health=great': invalid value for health (great): must be one of none, starting, healthy, unhealthy",
    });
  });

  it("rejects unknown keys and states with Docker's messages", () => {
    assert.throws(() => names({ filters: { colour: ['red'] } }), { message: "invalid filter 'colour'" });
    assert.throws(() => names({ filters: { status: ['asleep'] } }), {
      message: "invalid filter 'status=asleep': invalid value for state (asleep): must be one of created, running, paused, restarting, removing, exited, dead",
    });
  });
});
