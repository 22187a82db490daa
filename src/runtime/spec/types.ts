/**
 * Types of the OCI runtime spec (config.json, runtime-spec v1.0.2) as Berth
 * writes them for runc, and the input Berth's container layer hands the spec
 * builder.
 *
 * Only the Linux fields Berth fills are modelled. Field names and optionality
 * follow runtime-spec `specs-go/config.go`: an absent optional field is left
 * out of the JSON (runc treats absent and zero differently for some of them,
 * e.g. `memory.swap`), so optional fields stay `undefined` rather than 0.
 */

/** A user as the kernel sees it, after resolving names against the image. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  /** Supplementary groups. Docker lists the primary gid first, then /etc/group memberships. */
  additionalGids: number[];
}

/**
 * What the container layer knows about a container when it is about to run it.
 *
 * Lifecycle: the daemon validates it at create time (`validateResources`,
 * before any side effect), then at start it resolves the user against the
 * mounted rootfs (`resolveUser`), fills this in and calls
 * `buildContainerSpec`; the result is written as the bundle's config.json.
 * `buildExecProcess` later derives exec processes from that same spec.
 *
 * Not yet supported: seccomp (no filter is installed; Docker installs its
 * default profile), AppArmor/SELinux (none on Berth's hosts), user namespaces,
 * joining another container's namespaces, device mappings, blkio limits.
 */
export interface ContainerSpecInput {
  id: string;
  /** Absolute path of the mounted rootfs. */
  rootfs: string;
  readonlyRootfs: boolean;
  /** Entrypoint + cmd, already combined. */
  args: string[];
  /** KEY=VALUE, image + user already merged. The builder adds PATH (if missing), HOSTNAME, TERM (tty). */
  env: string[];
  /** Working directory; "" or undefined means "/". */
  cwd: string;
  user: ResolvedUser;
  hostname: string;
  tty: boolean;
  privileged: boolean;
  /** "NET_ADMIN", "CAP_NET_ADMIN", "net_admin" or "ALL". */
  capAdd: string[];
  capDrop: string[];
  resources: ResourcesInput;
  /** Destination → tmpfs options ("rw,noexec,size=64m"). */
  tmpfs: Record<string, string>;
  /** Bind mounts: /etc/hosts, /etc/resolv.conf, /etc/hostname, volumes and -v/--mount binds. */
  binds: BindInput[];
  /** private: a new netns (at netnsPath when the network layer made one). */
  network: { mode: 'none' | 'host' | 'private'; netnsPath?: string };
  ipc?: 'private' | 'host' | 'shareable';
  pid?: 'private' | 'host';
  /** --init: run tini as pid 1 (only with a private pid namespace, as Docker). */
  init: boolean;
  /** Host path of the init binary; default /usr/bin/tini-static. */
  initBinary?: string;
  /** cgroupfs-driver path, e.g. "/berth/<id>". */
  cgroupsPath: string;
  sysctls?: Record<string, string>;
  /** Bytes; default 64 MiB. */
  shmSize?: number;
  oomScoreAdj?: number;
  noNewPrivileges?: boolean;
}

export interface ResourcesInput {
  /** Bytes. */
  memory?: number;
  /** Bytes of memory+swap; -1 = unlimited; unset with memory set → 2 × memory (Docker). */
  memorySwap?: number;
  memoryReservation?: number;
  /** --cpus × 1e9. */
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  /** Memory nodes, in cpuset list syntax ("0-1"). */
  cpusetMems?: string;
  /** <= 0 means unlimited. */
  pidsLimit?: number;
  /** Block I/O relative weight, 10–1000 (0: unset). */
  blkioWeight?: number;
  ulimits?: UlimitInput[];
  oomKillDisable?: boolean;
}

export interface UlimitInput {
  /** "nofile", "nproc", … (becomes RLIMIT_NOFILE, …). */
  name: string;
  soft: number;
  hard: number;
}

export interface BindInput {
  source: string;
  destination: string;
  readonly: boolean;
  /** private, rprivate (default), shared, rshared, slave, rslave. */
  propagation?: string;
  /** "bind" instead of "rbind": mounts beneath the source are not carried along (--mount bind-nonrecursive). */
  nonRecursive?: boolean;
}

// ---- OCI runtime spec (config.json) ----

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: OciMount[];
  annotations?: Record<string, string>;
  linux: OciLinux;
}

/** Also the process.json of `runc exec --process`. */
export interface OciProcess {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: OciUser;
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
}

export interface OciUser {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
}

export interface OciCapabilities {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}

export interface OciRlimit {
  type: string;
  hard: number;
  soft: number;
}

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export type OciNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

export interface OciNamespace {
  type: OciNamespaceType;
  path?: string;
}

export interface OciLinux {
  uidMappings?: OciIdMapping[];
  gidMappings?: OciIdMapping[];
  sysctl?: Record<string, string>;
  resources?: OciResources;
  cgroupsPath?: string;
  namespaces: OciNamespace[];
  devices?: OciDevice[];
  rootfsPropagation?: string;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  mountLabel?: string;
}

export interface OciIdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

/** A device node runc creates in the container's /dev. */
export interface OciDevice {
  path: string;
  /** c, b, u or p. */
  type: string;
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/** A devices-cgroup rule; rules apply in order. */
export interface OciDeviceRule {
  allow: boolean;
  type?: string;
  major?: number;
  minor?: number;
  access?: string;
}

export interface OciResources {
  devices?: OciDeviceRule[];
  memory?: OciMemory;
  cpu?: OciCpu;
  pids?: { limit: number };
  blockIO?: { weight?: number };
}

export interface OciMemory {
  limit?: number;
  reservation?: number;
  swap?: number;
  swappiness?: number;
  disableOOMKiller?: boolean;
}

export interface OciCpu {
  shares?: number;
  quota?: number;
  period?: number;
  cpus?: string;
  mems?: string;
}
