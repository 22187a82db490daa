/**
 * Inputs for the spec tests: the facts of a typical cgroup v1 host and a
 * minimal container. Plain data (no kernel is faked): the builder is a pure
 * function of (input, facts), and the runc smoke test checks the real host.
 */
import { KNOWN_CAPABILITIES } from './default-capabilities.js';
import type { HostFacts } from './host-facts.js';
import type { ContainerSpecInput } from './types.js';

/** Facts of a typical cgroup v1 host with every capability; tests vary them. */
export function v1Facts(over: Partial<HostFacts> = {}): HostFacts {
  return {
    cpuCount: 2,
    cgroupVersion: 1,
    cgroup: { memory: true, swap: true, oomKillDisable: true, pids: true, cpuCfs: true, cpuShares: true, cpuset: true },
    onlineCpus: '0-1',
    capabilities: [...KNOWN_CAPABILITIES],
    sysctls: { pingGroupRange: true, unprivilegedPortStart: true },
    thermalThrottlePaths: [],
    hostDevices: () => [{ path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }],
    ...over,
  };
}

export function baseInput(over: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
  return {
    id: 'c1',
    rootfs: '/var/lib/berth/rootfs/c1',
    readonlyRootfs: false,
    args: ['/bin/sh', '-c', 'echo hi'],
    env: ['FOO=bar'],
    cwd: '',
    user: { uid: 0, gid: 0, additionalGids: [0] },
    hostname: 'c1host',
    tty: false,
    privileged: false,
    capAdd: [],
    capDrop: [],
    resources: {},
    tmpfs: {},
    binds: [],
    network: { mode: 'private' },
    init: false,
    cgroupsPath: '/berth/c1',
    ...over,
  };
}
