/**
 * Structural validation of one compose file, after interpolation and before
 * anything is merged or created: every key must be one the Compose
 * Specification knows (or an `x-` extension), and every value of the right
 * shape. Errors name the file, the path (services.web.ports) and the key, as
 * `docker compose` does ("additional property … is not allowed").
 *
 * The specification's keys are all accepted, so a valid file never fails
 * here; which ones Berth acts on is normalize-service.ts's business.
 * Scalars are lenient the way compose-go's casting after interpolation is:
 * "3" passes for a number, "true" for a boolean.
 */
import { InvalidArgumentError } from '../errors.js';

type TypeName = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'null';

interface Spec {
  types: readonly TypeName[];
  /** A map with known keys. */
  props?: Schema;
  /** A map with free keys: the spec of every value. */
  values?: Spec;
  /** The spec of every list item. */
  items?: Spec;
}

type Schema = Readonly<Record<string, Spec>>;

const t = (...types: TypeName[]): Spec => ({ types });
const ANY: Spec = t('string', 'number', 'boolean', 'list', 'map', 'null');
const STR = t('string', 'number');
const NUM = t('number');
const BOOL = t('boolean');
const STR_LIST: Spec = { types: ['list'], items: STR };
const STR_OR_LIST: Spec = { types: ['string', 'list'], items: STR };
const SCALAR_MAP: Spec = { types: ['map'], values: t('string', 'number', 'boolean', 'null') };
/** environment, labels, args: a map of scalars or a list of "K=V". */
const DICT: Spec = { types: ['map', 'list'], values: t('string', 'number', 'boolean', 'null'), items: STR };

const BUILD: Spec = {
  types: ['string', 'map'],
  props: {
    context: STR, dockerfile: STR, dockerfile_inline: STR, args: DICT, target: STR, labels: DICT, no_cache: BOOL, pull: BOOL,
    network: STR, shm_size: STR, cache_from: STR_LIST, cache_to: STR_LIST, extra_hosts: DICT, isolation: STR, platforms: STR_LIST,
    privileged: BOOL, secrets: t('list'), ssh: DICT, tags: STR_LIST, ulimits: t('map'), additional_contexts: DICT, entitlements: STR_LIST,
    provenance: ANY, sbom: ANY,
  },
};

const HEALTHCHECK: Spec = {
  types: ['map'],
  props: { test: STR_OR_LIST, interval: STR, timeout: STR, start_period: STR, start_interval: STR, retries: NUM, disable: BOOL },
};

const DEPLOY: Spec = {
  types: ['map'],
  props: {
    mode: STR, replicas: NUM, endpoint_mode: STR, labels: DICT, placement: t('map'), update_config: t('map'), rollback_config: t('map'),
    restart_policy: t('map'),
    resources: {
      types: ['map'],
      props: {
        limits: { types: ['map'], props: { cpus: NUM, memory: STR, pids: NUM } },
        reservations: { types: ['map'], props: { cpus: NUM, memory: STR, generic_resources: t('list'), devices: t('list') } },
      },
    },
  },
};

const PORT: Spec = {
  types: ['string', 'number', 'map'],
  props: { name: STR, target: NUM, published: STR, host_ip: STR, protocol: STR, app_protocol: STR, mode: STR },
};

const VOLUME_MOUNT: Spec = {
  types: ['string', 'map'],
  props: {
    type: STR, source: STR, target: STR, read_only: BOOL, consistency: STR,
    bind: { types: ['map'], props: { propagation: STR, create_host_path: BOOL, selinux: STR, recursive: STR } },
    volume: { types: ['map'], props: { nocopy: BOOL, subpath: STR } },
    tmpfs: { types: ['map'], props: { size: NUM, mode: NUM } },
    image: t('map'),
  },
};

const DEPENDS_ON: Spec = {
  types: ['list', 'map'],
  items: STR,
  values: { types: ['map', 'null'], props: { condition: STR, restart: BOOL, required: BOOL } },
};

const SERVICE_NETWORKS: Spec = {
  types: ['list', 'map'],
  items: STR,
  values: {
    types: ['map', 'null'],
    props: { aliases: STR_LIST, ipv4_address: STR, ipv6_address: STR, link_local_ips: STR_LIST, mac_address: STR, priority: NUM, driver_opts: SCALAR_MAP, gw_priority: NUM, interface_name: STR },
  },
};

const SERVICE: Schema = {
  annotations: DICT, attach: BOOL, blkio_config: t('map'), build: BUILD, cap_add: STR_LIST, cap_drop: STR_LIST, cgroup: STR,
  cgroup_parent: STR, command: { types: ['string', 'list', 'null'], items: STR }, configs: t('list'), container_name: STR,
  cpu_count: NUM, cpu_percent: NUM, cpu_shares: NUM, cpu_quota: NUM, cpu_period: NUM, cpu_rt_period: STR, cpu_rt_runtime: STR,
  cpus: NUM, cpuset: STR, credential_spec: t('map'), depends_on: DEPENDS_ON, deploy: DEPLOY, develop: t('map'),
  device_cgroup_rules: STR_LIST, devices: t('list'), dns: STR_OR_LIST, dns_opt: STR_LIST, dns_search: STR_OR_LIST, domainname: STR,
  driver_opts: SCALAR_MAP, entrypoint: { types: ['string', 'list', 'null'], items: STR }, env_file: { types: ['string', 'list'] },
  environment: DICT, expose: { types: ['list'], items: STR }, extends: { types: ['string', 'map'], props: { service: STR, file: STR } },
  external_links: STR_LIST, extra_hosts: DICT, gpus: ANY, group_add: { types: ['list'], items: STR }, healthcheck: HEALTHCHECK,
  hostname: STR, image: STR, init: BOOL, ipc: STR, isolation: STR, labels: DICT, label_file: STR_OR_LIST, links: STR_LIST, logging: t('map'),
  mac_address: STR, mem_limit: STR, mem_reservation: STR, mem_swappiness: NUM, memswap_limit: STR, network_mode: STR,
  networks: SERVICE_NETWORKS, oom_kill_disable: BOOL, oom_score_adj: NUM, pid: t('string', 'null'), pids_limit: NUM, platform: STR,
  ports: { types: ['list'], items: PORT }, post_start: t('list'), pre_stop: t('list'), privileged: BOOL, profiles: STR_LIST,
  pull_policy: STR, read_only: BOOL, restart: STR, runtime: STR, scale: NUM, secrets: t('list'), security_opt: STR_LIST, shm_size: STR,
  stdin_open: BOOL, stop_grace_period: STR, stop_signal: STR, storage_opt: t('map'), sysctls: DICT, tmpfs: STR_OR_LIST, tty: BOOL,
  ulimits: { types: ['map'], values: { types: ['number', 'string', 'map'], props: { soft: NUM, hard: NUM } } },
  use_api_socket: BOOL, user: STR, userns_mode: STR, uts: STR, volumes: { types: ['list'], items: VOLUME_MOUNT },
  volumes_from: STR_LIST, working_dir: STR,
};

const EXTERNAL: Spec = { types: ['boolean', 'string', 'map'], props: { name: STR } };

const NETWORK: Schema = {
  name: STR, driver: STR, driver_opts: SCALAR_MAP, external: EXTERNAL, internal: BOOL, attachable: BOOL, enable_ipv4: BOOL, enable_ipv6: BOOL,
  labels: DICT,
  ipam: {
    types: ['map'],
    props: {
      driver: STR, options: SCALAR_MAP,
      config: { types: ['list'], items: { types: ['map'], props: { subnet: STR, ip_range: STR, gateway: STR, aux_addresses: SCALAR_MAP } } },
    },
  },
};

const VOLUME: Schema = { name: STR, driver: STR, driver_opts: SCALAR_MAP, external: EXTERNAL, labels: DICT };

const TOP: Schema = {
  version: STR, name: STR, include: t('list'), models: t('map'), secrets: t('map'), configs: t('map'),
  services: { types: ['map'], values: { types: ['map', 'null'], props: SERVICE } },
  networks: { types: ['map'], values: { types: ['map', 'null'], props: NETWORK } },
  volumes: { types: ['map'], values: { types: ['map', 'null'], props: VOLUME } },
};

function typeOf(v: unknown): TypeName {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return 'string';
}

const NAMES: Record<TypeName, string> = { string: 'a string', number: 'a number', boolean: 'a boolean', list: 'a list', map: 'a mapping', null: 'null' };

function fits(v: unknown, types: readonly TypeName[]): boolean {
  const actual = typeOf(v);
  if (types.includes(actual)) return true;
  // A string standing for a number or boolean passes when it reads as one (after interpolation).
  if (actual !== 'string') return false;
  if (types.includes('number') && /^-?\d+(\.\d+)?$/.test(v as string)) return true;
  return types.includes('boolean') && /^(true|false|yes|no|on|off)$/i.test(v as string);
}

function check(v: unknown, spec: Spec, where: string, fail: (msg: string) => never): void {
  if (!fits(v, spec.types)) {
    const wanted = spec.types.filter((x) => x !== 'null').map((x) => NAMES[x]);
    fail(`${where} must be ${wanted.join(' or ')}`);
  }
  if (Array.isArray(v)) {
    if (spec.items !== undefined) v.forEach((item, i) => check(item, spec.items!, `${where}[${i}]`, fail));
    return;
  }
  if (typeOf(v) !== 'map') return;
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    if (key.startsWith('x-')) continue;
    const sub = spec.props !== undefined ? spec.props[key] : spec.values;
    if (sub === undefined) {
      if (spec.props !== undefined) fail(`${where} additional property ${JSON.stringify(key)} is not allowed`);
      continue;
    }
    check(value, sub, `${where}.${key}`, fail);
  }
}

/** Throws InvalidArgumentError for the first unknown key or wrongly shaped value of `data`. */
export function validateComposeFile(data: Record<string, unknown>, file: string): void {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(`validating ${file}: ${msg}`);
  };
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith('x-')) continue;
    const spec = TOP[key];
    if (spec === undefined) fail(`additional property ${JSON.stringify(key)} is not allowed`);
    check(value, spec!, key, fail);
  }
}
