/**
 * The resolved compose model: what a compose project is once its files are
 * read, interpolated, extended, merged, normalised and validated.
 *
 * Lifecycle: loadProject() (loader.ts) reads the files → a ComposeProject
 * whose every service is in one long form (ports, volumes, depends_on,
 * environment, networks, build) → `compose config` prints it
 * (serialize.ts), `compose up` hashes each service (config-hash.ts) and
 * turns it into container create bodies (container-spec.ts).
 *
 * Why snake_case fields: the model keeps the Compose Specification's own key
 * names, so `config` prints it as it is and the config hash is taken over the
 * spec's shape (as compose's ServiceHash is over compose-go's types).
 */

/** A mapping as it comes out of YAML, before normalisation. */
export type RawMap = Record<string, unknown>;

/** One published or exposed port, long syntax. */
export interface ServicePort {
  name?: string;
  target: number;
  /** Host port or range ("8080", "8000-8010"); absent: the daemon picks one. */
  published?: string;
  host_ip?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  app_protocol?: string;
  mode: 'ingress' | 'host';
}

/** One service mount, long syntax. */
export interface ServiceVolume {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name (as in the file, not yet prefixed), host path (absolute), or absent (anonymous volume). */
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation?: string; create_host_path?: boolean };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number; mode?: number };
}

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ServiceDependency {
  condition: DependsOnCondition;
  /** Restart this service when the dependency is recreated (not acted on yet). */
  restart: boolean;
  /** A missing optional dependency is ignored instead of refused. */
  required: boolean;
}

/** Durations are kept as Go duration strings ("30s", "1m30s"), as compose prints them. */
export interface ServiceHealthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  start_period?: string;
  start_interval?: string;
  retries?: number;
  disable?: boolean;
}

export interface ServiceBuild {
  /** Absolute path of the build context. */
  context: string;
  dockerfile?: string;
  args?: Record<string, string | null>;
  target?: string;
  labels?: Record<string, string>;
  no_cache?: boolean;
  pull?: boolean;
}

export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  priority?: number;
}

export interface ServiceDeploy {
  replicas?: number;
  resources?: { limits?: { cpus?: number; memory?: number; pids?: number } };
  [key: string]: unknown;
}

export interface ServiceConfig {
  name: string;
  image?: string;
  build?: ServiceBuild;
  command?: string[] | null;
  entrypoint?: string[] | null;
  /** env_file contents merged under `environment`; a null value is unset and dropped at create. */
  environment?: Record<string, string | null>;
  ports?: ServicePort[];
  expose?: string[];
  volumes?: ServiceVolume[];
  /** Network name (as in the file) → endpoint options; null for none. */
  networks?: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  depends_on?: Record<string, ServiceDependency>;
  healthcheck?: ServiceHealthcheck;
  restart?: string;
  deploy?: ServiceDeploy;
  scale?: number;
  labels?: Record<string, string>;
  container_name?: string;
  user?: string;
  working_dir?: string;
  hostname?: string;
  domainname?: string;
  init?: boolean;
  stop_signal?: string;
  stop_grace_period?: string;
  tmpfs?: string[];
  read_only?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  privileged?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  dns?: string[];
  dns_search?: string[];
  extra_hosts?: string[];
  mem_limit?: number;
  cpus?: number;
  pids_limit?: number;
  shm_size?: number;
  ulimits?: Record<string, { soft: number; hard: number }>;
  pull_policy?: string;
  profiles?: string[];
}

export interface NetworkConfig {
  /** The engine's name for it: `<project>_<key>` unless set or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
  ipam?: { driver?: string; config?: Array<{ subnet?: string; ip_range?: string; gateway?: string }> };
}

export interface VolumeConfig {
  /** The engine's name for it: `<project>_<key>` unless set or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
}

export interface ComposeProject {
  name: string;
  /** The project directory (absolute): relative paths are resolved against it. */
  workingDir: string;
  /** The compose files read, absolute, in merge order. */
  configFiles: string[];
  /** The services enabled by the active profiles, by name. */
  services: Record<string, ServiceConfig>;
  /** Services defined but left out by profiles. */
  disabledServices: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  /** The variables interpolation saw (.env / --env-file under the process environment). */
  environment: Record<string, string>;
  profiles: string[];
}

/** How the CLI asks for a project. */
export interface ProjectOptions {
  /** -f files, in order; empty: look for the default names. */
  files?: string[];
  /** -p */
  projectName?: string;
  /** --project-directory; default: the first file's directory. */
  projectDirectory?: string;
  /** --env-file (replaces the project's .env). */
  envFiles?: string[];
  /** --profile */
  profiles?: string[];
  /** The process environment (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Where to look for default files and resolve relative -f paths (default: process.cwd()). */
  cwd?: string;
  /** Services named on the command line: enabled whatever their profiles. */
  services?: string[];
}
