/**
 * Docker Engine API wire shapes for containers (the parts Berth reads or
 * writes). Field names are the API's; domain code keeps these only where
 * Docker itself persists the API shape (a container's Config/HostConfig).
 */
import type { HealthcheckConfig } from '../../images/oci-types.js';
import type { EndpointConfigWire } from '../../network/container-network.js';

export interface ContainerConfigWire {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | string | null;
  Healthcheck?: HealthcheckConfig;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | string | null;
  NetworkDisabled?: boolean;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  Shell?: string[];
}

export interface UlimitWire {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface RestartPolicyWire {
  Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

/** The resource limits shared by HostConfig and the update body (Docker's Resources, the part Berth applies). */
export interface ResourcesWire {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  BlkioWeight?: number;
  PidsLimit?: number | null;
}

export interface HostConfigWire extends ResourcesWire {
  Binds?: string[] | null;
  NetworkMode?: string;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>> | null;
  PublishAllPorts?: boolean;
  RestartPolicy?: RestartPolicyWire;
  AutoRemove?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  Tmpfs?: Record<string, string> | null;
  Init?: boolean | null;
  ShmSize?: number;
  Ulimits?: UlimitWire[] | null;
  OomKillDisable?: boolean | null;
  OomScoreAdj?: number;
  Sysctls?: Record<string, string> | null;
  IpcMode?: string;
  PidMode?: string;
  LogConfig?: { Type: string; Config: Record<string, string> };
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  ExtraHosts?: string[] | null;
  SecurityOpt?: string[] | null;
  Mounts?: MountWire[] | null;
  VolumesFrom?: string[] | null;
  /** Only "" or "local": Berth has no volume plugins. */
  VolumeDriver?: string;
  /** [height, width] of the client's terminal, so a tty starts at the right size (API 1.42+). */
  ConsoleSize?: [number, number] | null;
}

/** One HostConfig.Mounts entry (api/types/mount.Mount). */
export interface MountWire {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean } | null;
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string> | null;
    DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null;
    Subpath?: string;
  } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] | null } | null;
}

/**
 * The body of POST /containers/{id}/update (UpdateConfig): Resources and a
 * RestartPolicy. Zero values mean "unchanged", as in Docker; fields Berth
 * does not apply (kernel memory, real-time CPU, devices) are ignored.
 */
export interface UpdateConfigWire extends ResourcesWire {
  RestartPolicy?: RestartPolicyWire | null;
}

export interface CreateContainerBody extends ContainerConfigWire {
  HostConfig?: HostConfigWire;
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointConfigWire | null> | null } | null;
}
