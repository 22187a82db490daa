/**
 * Engine API wire types, as the CLI sends and reads them (v1.41–v1.45).
 *
 * Field names are the API's PascalCase; only the fields the CLI reads or
 * writes are spelled out. Inspect documents are printed whole by `inspect`,
 * so they keep an index signature for everything else the daemon sends.
 */

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

export type PortMap = Record<string, PortBinding[] | null>;

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface RestartPolicy {
  Name: string;
  MaximumRetryCount?: number;
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** Config: the portable part of a container (also an image's config). */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, Record<string, never>>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[];
  Cmd?: string[];
  Healthcheck?: HealthConfig;
  Image?: string;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Entrypoint?: string[];
  Labels?: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
}

/** One HostConfig.Mounts entry (--mount). */
export interface Mount {
  Type: string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> }; Subpath?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/** HostConfig: the host-dependent part of a container. */
export interface HostConfig {
  Binds?: string[];
  Mounts?: Mount[];
  VolumesFrom?: string[];
  VolumeDriver?: string;
  NetworkMode?: string;
  PortBindings?: PortMap;
  PublishAllPorts?: boolean;
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  ExtraHosts?: string[];
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  Tmpfs?: Record<string, string>;
  ShmSize?: number;
  ConsoleSize?: [number, number];
  Init?: boolean;
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  PidsLimit?: number;
  Ulimits?: Ulimit[];
}

/** Body of POST /containers/create. */
export interface ContainerCreateBody extends ContainerConfig {
  HostConfig: HostConfig;
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string } }> };
}

/** Body of POST /containers/{id}/update: zero values leave a limit as it is. */
export interface ContainerUpdateConfig {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number;
  BlkioWeight?: number;
  RestartPolicy?: RestartPolicy;
}

export interface ContainerUpdateResponse {
  Warnings: string[] | null;
}

export interface ContainerCreateResponse {
  Id: string;
  Warnings: string[] | null;
}

export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface MountPoint {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  Driver?: string;
  Mode?: string;
  RW?: boolean;
  Propagation?: string;
}

/** One row of GET /containers/json. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: PortSummary[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string> | null;
  State: string;
  Status: string;
  Mounts?: MountPoint[];
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
}

/** GET /containers/{id}/json (printed whole by `inspect`). */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Image: string;
  State: { Status: string; Running: boolean; Paused: boolean; ExitCode: number; [k: string]: unknown };
  Config: ContainerConfig;
  HostConfig: HostConfig;
  NetworkSettings?: { Ports?: PortMap | null; [k: string]: unknown } | null;
  [k: string]: unknown;
}

export interface WaitResponse {
  StatusCode: number;
  Error?: { Message: string } | null;
}

export interface TopResponse {
  Titles: string[];
  Processes: string[][];
}

/** Kind: 0 modified, 1 added, 2 deleted. */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** The decoded X-Docker-Container-Path-Stat header; mode uses Go os.FileMode bits. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface ContainerPruneResponse {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

/** One row of GET /images/json. */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  [k: string]: unknown;
}

/** One row of GET /images/{name}/history. */
export interface HistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ImagePruneResponse {
  ImagesDeleted: ImageDeleteItem[] | null;
  SpaceReclaimed: number;
}

/** Body of POST /containers/{id}/exec. */
export interface ExecCreateBody {
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Tty: boolean;
  Cmd: string[];
  Env?: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
  DetachKeys?: string;
  ConsoleSize?: [number, number];
}

export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ContainerID?: string;
  Pid?: number;
}

export interface VersionResponse {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  BuildTime?: string;
  Platform?: { Name: string };
  [k: string]: unknown;
}

export type InfoResponse = Record<string, unknown>;

/** One line of a JSON message stream (pull, load, import, bootstrap). */
export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { code?: number; message: string };
  aux?: Record<string, unknown>;
}

/** Filters as the API takes them: name → accepted values. */
export type Filters = Record<string, string[]>;

/**
 * A JSON message's progressDetail (moby's jsonmessage.JSONProgress): how far
 * one layer's download, extraction or upload has got. `start` is a Unix time
 * in seconds (for the time-left estimate), `units` replaces bytes ("items").
 */
export interface JsonProgressDetail {
  current?: number;
  total?: number;
  start?: number;
  hidecounts?: boolean;
  units?: string;
}

/** A JSON message with every field docker's renderer reads (pull and push progress). */
export interface JsonStreamMessage extends JsonMessage {
  progressDetail?: JsonProgressDetail;
  from?: string;
  /** Unix seconds, printed before the line (events-style messages). */
  time?: number;
  timeNano?: number;
}

/**
 * Registry credentials as the Engine API takes them: the body of POST /auth
 * and, base64url-encoded, the X-Registry-Auth header (moby's
 * registry.AuthConfig; Go field order, empty fields left out).
 */
export interface RegistryAuthConfig {
  username?: string;
  password?: string;
  /** base64("user:password"), as stored in config.json. */
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** POST /auth's answer: "Login Succeeded", and a token to store instead of the password when the registry gives one. */
export interface AuthenticateResponse {
  Status: string;
  IdentityToken?: string;
}

/** One row of GET /images/search (moby's registry.SearchResult). */
export interface ImageSearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  /** Deprecated by Docker Hub; always false there. */
  is_automated?: boolean;
}
