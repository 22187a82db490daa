import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES } from './default-capabilities.js';
import { buildContainerSpec, specToJson } from './spec-builder.js';
import { baseInput, v1Facts } from './test-fixtures.js';
import type { ContainerSpecInput, OciSpec } from './types.js';

const build = (over: Partial<ContainerSpecInput> = {}, facts = v1Facts()): OciSpec => buildContainerSpec(baseInput(over), facts);
const mount = (s: OciSpec, dest: string) => s.mounts.find((m) => m.destination === dest);

describe('buildContainerSpec defaults', () => {
  it('fills process, root and hostname from the input', () => {
    const s = build();
    assert.equal(s.ociVersion, '1.0.2');
    assert.deepEqual(s.process.args, ['/bin/sh', '-c', 'echo hi']);
    assert.equal(s.process.cwd, '/');
    assert.equal(s.process.terminal, false);
    assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0] });
    assert.deepEqual(s.root, { path: '/var/lib/berth/rootfs/c1', readonly: false });
    assert.equal(s.hostname, 'c1host');
    assert.equal(s.linux.cgroupsPath, '/berth/c1');
    assert.equal(s.process.oomScoreAdj, 0);
    assert.equal(s.process.rlimits, undefined);
    assert.equal(s.process.noNewPrivileges, undefined);
  });

  it('puts the default PATH and HOSTNAME first and TERM with a tty', () => {
    assert.deepEqual(build().process.env, [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=c1host',
      'FOO=bar',
    ]);
    const s = build({ tty: true, env: ['PATH=/bin', 'HOSTNAME=other'] });
    assert.deepEqual(s.process.env, ['PATH=/bin', 'HOSTNAME=other', 'TERM=xterm']);
    assert.equal(s.process.terminal, true);
  });

  it("gives Docker's default capabilities to bounding, effective and permitted only", () => {
    const caps = build().process.capabilities!;
    assert.deepEqual(caps.bounding, DEFAULT_CAPABILITIES);
    assert.deepEqual(caps.effective, DEFAULT_CAPABILITIES);
    assert.deepEqual(caps.permitted, DEFAULT_CAPABILITIES);
    assert.equal(caps.inheritable, undefined);
    assert.equal(caps.ambient, undefined);
  });

  it("has Docker's default mounts in order, with /dev/shm sized 64 MiB", () => {
    const s = build();
    assert.deepEqual(
      s.mounts.map((m) => `${m.destination}:${m.type}`),
      ['/proc:proc', '/dev:tmpfs', '/dev/pts:devpts', '/sys:sysfs', '/sys/fs/cgroup:cgroup', '/dev/mqueue:mqueue', '/dev/shm:tmpfs'],
    );
    assert.deepEqual(mount(s, '/dev')!.options, ['nosuid', 'strictatime', 'mode=755', 'size=65536k']);
    assert.deepEqual(mount(s, '/dev/pts')!.options, ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
    assert.ok(mount(s, '/sys')!.options!.includes('ro'));
    assert.ok(mount(s, '/sys/fs/cgroup')!.options!.includes('ro'));
    assert.deepEqual(mount(s, '/dev/shm')!.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864']);
    assert.ok(build({ shmSize: 1 << 20 }).mounts.find((m) => m.destination === '/dev/shm')!.options!.includes('size=1048576'));
  });

  it("masks Docker's paths and makes /proc/sys and friends read-only", () => {
    const s = build({}, v1Facts({ thermalThrottlePaths: ['/sys/devices/system/cpu/cpu0/thermal_throttle'] }));
    assert.ok(s.linux.maskedPaths!.includes('/proc/kcore'));
    assert.ok(s.linux.maskedPaths!.includes('/sys/firmware'));
    assert.ok(s.linux.maskedPaths!.includes('/proc/interrupts'));
    assert.equal(s.linux.maskedPaths!.at(-1), '/sys/devices/system/cpu/cpu0/thermal_throttle');
    assert.deepEqual(s.linux.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  });

  it('denies all devices but the standard ones and denies fuse', () => {
    const s = build();
    const rules = s.linux.resources!.devices!;
    assert.deepEqual(rules[0], { allow: false, access: 'rwm' });
    const allowed = rules.filter((r) => r.allow).map((r) => `${r.major}:${r.minor}`);
    assert.deepEqual(allowed, ['1:5', '1:3', '1:9', '1:8', '5:0', '5:1']);
    assert.deepEqual(rules.at(-1), { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' });
    assert.deepEqual(s.linux.devices, []);
  });

  it('creates pid, ipc, uts, mount and network namespaces, and a cgroup one only on v2', () => {
    assert.deepEqual(build().linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc']);
    assert.deepEqual(
      build({}, v1Facts({ cgroupVersion: 2 })).linux.namespaces.map((n) => n.type),
      ['mount', 'network', 'uts', 'pid', 'ipc', 'cgroup'],
    );
  });

  it("always passes Docker's disableOOMKiller=false on v1 and sets its default network sysctls", () => {
    const s = build();
    assert.deepEqual(s.linux.resources!.memory, { disableOOMKiller: false });
    assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' });
  });
});

describe('buildContainerSpec options', () => {
  it('leaves out the network namespace for host networking, and joins a given netns', () => {
    const host = build({ network: { mode: 'host' } });
    assert.ok(!host.linux.namespaces.some((n) => n.type === 'network'));
    assert.equal(host.linux.sysctl, undefined);
    const joined = build({ network: { mode: 'private', netnsPath: '/run/netns/c1' } });
    assert.deepEqual(joined.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/c1' });
  });

  it('shares the host pid and ipc namespaces when asked, binding the host /dev/shm', () => {
    const s = build({ pid: 'host', ipc: 'host' });
    assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts']);
    assert.deepEqual(mount(s, '/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  });

  it('runs tini as docker-init with a read-only bind of the host binary', () => {
    const s = build({ init: true });
    assert.deepEqual(s.process.args, ['/sbin/docker-init', '--', '/bin/sh', '-c', 'echo hi']);
    assert.deepEqual(mount(s, '/sbin/docker-init'), {
      destination: '/sbin/docker-init',
      type: 'bind',
      source: '/usr/bin/tini-static',
      options: ['bind', 'ro'],
    });
    const hostPid = build({ init: true, pid: 'host' });
    assert.deepEqual(hostPid.process.args, ['/bin/sh', '-c', 'echo hi']);
    assert.equal(mount(hostPid, '/sbin/docker-init'), undefined);
  });

  it('makes a privileged container unmasked, with writable /sys and cgroups and every host device', () => {
    const facts = v1Facts({ capabilities: KNOWN_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE') });
    const s = build({ privileged: true }, facts);
    assert.equal(s.linux.maskedPaths, undefined);
    assert.equal(s.linux.readonlyPaths, undefined);
    assert.ok(!mount(s, '/sys')!.options!.includes('ro'));
    assert.ok(!mount(s, '/sys/fs/cgroup')!.options!.includes('ro'));
    assert.deepEqual(s.linux.resources!.devices, [{ allow: true, access: 'rwm' }]);
    assert.equal(s.linux.devices![0]!.path, '/dev/null');
    assert.deepEqual(s.process.capabilities!.bounding, facts.capabilities);
  });

  it('adds ro to default mounts of a read-only rootfs except the ones that must stay writable', () => {
    const s = build({ readonlyRootfs: true, init: true, tmpfs: { '/tmp': '' } });
    assert.equal(s.root.readonly, true);
    for (const dest of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/tmp']) {
      assert.ok(!mount(s, dest)!.options!.includes('ro'), dest);
    }
    assert.equal(mount(s, '/sys')!.options!.filter((o) => o === 'ro').length, 1);
    assert.ok(mount(s, '/sbin/docker-init')!.options!.includes('ro'));
  });

  it('turns tmpfs options into merged mount options with Docker defaults', () => {
    const s = build({ tmpfs: { '/run': 'rw,exec,size=64m', '/tmp': '' } });
    assert.deepEqual(mount(s, '/run')!.options, ['nosuid', 'nodev', 'rprivate', 'rw', 'exec', 'size=64m']);
    assert.deepEqual(mount(s, '/tmp')!.options, ['noexec', 'nosuid', 'nodev', 'rprivate']);
    assert.throws(() => build({ tmpfs: { '/run': 'bogus' } }), /invalid tmpfs option "bogus"/);
  });

  it('puts user mounts after the defaults, parents before children, and lets them replace defaults', () => {
    const s = build({
      binds: [
        { source: '/h/deep', destination: '/data/a/b', readonly: true },
        { source: '/h/data', destination: '/data', readonly: false },
        { source: '/h/shm', destination: '/dev/shm', readonly: false },
        { source: '/h/hosts', destination: '/etc/hosts', readonly: false },
      ],
      tmpfs: { '/data/a': '' },
    });
    const dests = s.mounts.map((m) => m.destination);
    assert.deepEqual(dests.slice(0, 6), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue']);
    assert.deepEqual(dests.slice(6), ['/data', '/dev/shm', '/etc/hosts', '/data/a', '/data/a/b']);
    assert.deepEqual(mount(s, '/data/a/b')!.options, ['rbind', 'ro', 'rprivate']);
    assert.equal(mount(s, '/dev/shm')!.type, 'bind');
  });

  it('makes a non-recursive bind a plain "bind" (--mount bind-nonrecursive)', () => {
    const s = build({ binds: [{ source: '/h', destination: '/h', readonly: true, nonRecursive: true }] });
    assert.deepEqual(mount(s, '/h')!.options, ['bind', 'ro', 'rprivate']);
  });

  it('drops every default under /dev when /dev itself is bind-mounted', () => {
    const s = build({ binds: [{ source: '/dev', destination: '/dev', readonly: false }] });
    assert.deepEqual(s.mounts.map((m) => m.destination), ['/proc', '/sys', '/sys/fs/cgroup', '/dev']);
  });

  it('sets rootfs propagation for shared and slave binds', () => {
    const shared = build({ binds: [{ source: '/a', destination: '/a', readonly: false, propagation: 'rshared' }] });
    assert.equal(shared.linux.rootfsPropagation, 'shared');
    assert.deepEqual(mount(shared, '/a')!.options, ['rbind', 'rshared']);
    const slave = build({ binds: [{ source: '/a', destination: '/a', readonly: false, propagation: 'slave' }] });
    assert.equal(slave.linux.rootfsPropagation, 'rslave');
    assert.equal(build().linux.rootfsPropagation, undefined);
  });

  it('rejects a relative or root mount destination with Docker’s message', () => {
    assert.throws(
      () => build({ tmpfs: { x: '' } }),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message === `invalid mount config for type "tmpfs": invalid mount path: 'x' mount path must be absolute`,
    );
    assert.throws(
      () => build({ binds: [{ source: '/a', destination: 'rel/p', readonly: false }] }),
      { message: `invalid mount config for type "bind": invalid mount path: 'rel/p' mount path must be absolute` },
    );
    assert.throws(() => build({ tmpfs: { '/': '' } }), /destination can't be '\/'/);
  });

  it('merges user sysctls over the defaults and passes no_new_privileges and oom score', () => {
    const s = build({ sysctls: { 'net.ipv4.ip_unprivileged_port_start': '1024', 'kernel.msgmax': '1' }, noNewPrivileges: true, oomScoreAdj: 500 });
    assert.equal(s.linux.sysctl!['net.ipv4.ip_unprivileged_port_start'], '1024');
    assert.equal(s.linux.sysctl!['kernel.msgmax'], '1');
    assert.equal(s.process.noNewPrivileges, true);
    assert.equal(s.process.oomScoreAdj, 500);
  });

  it('writes unlimited rlimits as RLIM_INFINITY in the JSON', () => {
    const s = build({ resources: { ulimits: [{ name: 'nofile', soft: 1024, hard: -1 }] } });
    assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: -1, soft: 1024 }]);
    const json = specToJson(s);
    assert.match(json, /"hard": 18446744073709551615,/);
    assert.match(json, /"soft": 1024/);
  });

  it('rejects an empty command', () => {
    assert.throws(() => build({ args: [] }), { message: 'No command specified' });
  });
});
