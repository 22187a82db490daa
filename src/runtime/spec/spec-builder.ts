/**
 * Builds the OCI runtime spec (config.json) runc runs for a container, as
 * moby's createSpec does: Docker's defaults (oci/defaults.go) adjusted by the
 * container's configuration (daemon/oci_linux.go).
 *
 * Pure: everything about the host comes from `facts`, so a spec can be built
 * and checked without touching the host.
 */
import { InvalidArgumentError } from '../../errors.js';
import { capabilitySets, tweakCapabilities } from './default-capabilities.js';
import {
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
  DEFAULT_SHM_SIZE,
  WRITABLE_WITH_READONLY_ROOTFS,
  bindMount,
  defaultMounts,
  sortMounts,
  tmpfsMount,
} from './default-mounts.js';
import { hostFacts, type HostFacts } from './host-facts.js';
import { containerEnv, ociUser } from './process-spec.js';
import { DEFAULT_DEVICE_RULES, normalizeResources, ociResources, ociRlimits } from './resources.js';
import type { ContainerSpecInput, OciMount, OciNamespace, OciSpec } from './types.js';
import { validateResources } from './validate.js';

export const OCI_VERSION = '1.0.2';
/** Where Docker puts the init binary inside the container. */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';
export const DEFAULT_INIT_BINARY = '/usr/bin/tini-static';

function namespaces(input: ContainerSpecInput, facts: HostFacts): OciNamespace[] {
  const ns: OciNamespace[] = [{ type: 'mount' }];
  if (input.network.mode !== 'host') {
    ns.push(input.network.netnsPath ? { type: 'network', path: input.network.netnsPath } : { type: 'network' });
  }
  ns.push({ type: 'uts' });
  if (input.pid !== 'host') ns.push({ type: 'pid' });
  if (input.ipc !== 'host') ns.push({ type: 'ipc' });
  // Docker's default cgroupns mode: private on cgroup v2, host on v1.
  if (facts.cgroupVersion === 2) ns.push({ type: 'cgroup' });
  return ns;
}

/** Default mounts (minus those a user mount replaces), init, then user mounts parents first. */
function mounts(input: ContainerSpecInput, initMount: OciMount | undefined): OciMount[] {
  // Docker's order before sorting: binds and volumes, the IPC mount, tmpfs.
  const user: OciMount[] = input.binds.map(bindMount);
  const userDests = new Set(user.map((m) => m.destination));
  if (input.ipc === 'host' && !userDests.has('/dev/shm') && !('/dev/shm' in input.tmpfs)) {
    user.push(bindMount({ source: '/dev/shm', destination: '/dev/shm', readonly: false }));
  }
  user.push(...Object.entries(input.tmpfs).map(([dest, data]) => tmpfsMount(dest, data)));
  for (const m of user) userDests.add(m.destination);
  const userDev = userDests.has('/dev');

  const defaults = defaultMounts(input.shmSize || DEFAULT_SHM_SIZE).filter(
    (m) => !userDests.has(m.destination) && !(userDev && m.destination.startsWith('/dev/')),
  );
  if (initMount && !userDests.has(initMount.destination)) defaults.push(initMount);

  for (const m of defaults) {
    if (input.readonlyRootfs && !WRITABLE_WITH_READONLY_ROOTFS.has(m.destination) && !m.options?.includes('ro')) {
      m.options = [...(m.options ?? []), 'ro'];
    }
    // Privileged containers get a writable /sys and writable cgroups.
    if (input.privileged && (m.destination === '/sys' || m.type === 'cgroup')) {
      m.options = m.options?.filter((o) => o !== 'ro');
    }
  }
  return [...defaults, ...sortMounts(user)];
}

/** Shared/slave binds need the rootfs to propagate too (Docker sets rootfsPropagation). */
function rootfsPropagation(input: ContainerSpecInput): string | undefined {
  const props = input.binds.map((b) => b.propagation ?? '');
  if (props.some((p) => p === 'shared' || p === 'rshared')) return 'shared';
  if (props.some((p) => p === 'slave' || p === 'rslave')) return 'rslave';
  return undefined;
}

/** The config.json for `input`. Throws InvalidArgumentError with Docker's messages. */
export function buildContainerSpec(input: ContainerSpecInput, facts: HostFacts = hostFacts()): OciSpec {
  if (!input.rootfs.startsWith('/')) throw new InvalidArgumentError(`rootfs must be an absolute path: ${input.rootfs}`);
  validateResources(input, facts);
  const { resources } = normalizeResources(input.resources, facts);
  const caps = tweakCapabilities(input.capAdd, input.capDrop, input.privileged, facts.capabilities);

  // As Docker: --init only makes sense when the container has its own pid namespace.
  const useInit = input.init && input.pid !== 'host';
  const args = useInit ? [INIT_PATH_IN_CONTAINER, '--', ...input.args] : [...input.args];
  const initMount: OciMount | undefined = useInit
    ? { destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: input.initBinary ?? DEFAULT_INIT_BINARY, options: ['bind', 'ro'] }
    : undefined;

  const rlimits = ociRlimits(resources.ulimits);
  const spec: OciSpec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: input.tty,
      user: ociUser(input.user),
      args,
      env: containerEnv(input.env, input.hostname, input.tty),
      cwd: input.cwd || '/',
      capabilities: capabilitySets(caps),
      ...(rlimits.length > 0 ? { rlimits } : {}),
      ...(input.noNewPrivileges ? { noNewPrivileges: true } : {}),
      // Docker always passes the score, 0 included.
      oomScoreAdj: input.oomScoreAdj ?? 0,
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs },
    hostname: input.hostname,
    mounts: mounts(input, initMount),
    linux: {
      namespaces: namespaces(input, facts),
      resources: {
        // Privileged: every device. One allow-all rule is what Docker's list (defaults + allow all) amounts to.
        devices: input.privileged ? [{ allow: true, access: 'rwm' }] : DEFAULT_DEVICE_RULES.map((r) => ({ ...r })),
        ...ociResources(resources, facts),
      },
      cgroupsPath: input.cgroupsPath,
      devices: input.privileged ? facts.hostDevices() : [],
    },
  };

  const sysctl: Record<string, string> = {};
  // Docker's defaults for a container with its own network namespace: unprivileged
  // ping sockets and binding ports below 1024 without CAP_NET_BIND_SERVICE.
  if (input.network.mode !== 'host') {
    if (facts.sysctls.pingGroupRange) sysctl['net.ipv4.ping_group_range'] = '0 2147483647';
    if (facts.sysctls.unprivilegedPortStart) sysctl['net.ipv4.ip_unprivileged_port_start'] = '0';
  }
  Object.assign(sysctl, input.sysctls ?? {});
  if (Object.keys(sysctl).length > 0) spec.linux.sysctl = sysctl;

  const propagation = rootfsPropagation(input);
  if (propagation) spec.linux.rootfsPropagation = propagation;
  if (!input.privileged) {
    spec.linux.maskedPaths = [...DEFAULT_MASKED_PATHS, ...facts.thermalThrottlePaths];
    spec.linux.readonlyPaths = [...DEFAULT_READONLY_PATHS];
  }
  return spec;
}

/**
 * config.json text. Use this rather than JSON.stringify: an rlimit of -1
 * (unlimited) must reach runc as RLIM_INFINITY, a uint64 that a JS number
 * cannot hold.
 */
export function specToJson(value: OciSpec | OciSpec['process']): string {
  return JSON.stringify(value, null, 2).replace(/("(?:soft|hard)": )-1\b/g, '$118446744073709551615');
}
