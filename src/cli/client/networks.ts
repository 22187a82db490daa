/**
 * Network endpoints of the Engine API (/networks/…) and their wire types.
 *
 * As docker's client does (moby client/utils.go trimID), a network or
 * container reference is trimmed before use, and an empty one is refused
 * here, before any request: "invalid network name or ID: value is empty".
 */
import { InvalidArgumentError } from '../../errors.js';
import { compareVersions, type Transport } from './transport.js';
import type { Filters } from './types.js';

/** One IPAM pool of a network: api/types/network IPAMConfig. */
export interface IpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface Ipam {
  Driver: string;
  Options: Record<string, string> | null;
  Config: IpamConfig[] | null;
}

/** A container's endpoint as GET /networks/{id} lists it under Containers. */
export interface EndpointResource {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
}

/** One network, as GET /networks lists it and GET /networks/{id} returns it (printed whole by `inspect`). */
export interface NetworkSummary {
  Name: string;
  Id: string;
  /** RFC 3339 with nanoseconds. */
  Created: string;
  Scope: string;
  Driver: string;
  /** API ≥ 1.47 only; docker's CLI reads a missing value as false. */
  EnableIPv4?: boolean;
  EnableIPv6: boolean;
  IPAM: Ipam;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, EndpointResource> | null;
  Options: Record<string, string> | null;
  Labels: Record<string, string> | null;
  [k: string]: unknown;
}

/** Body of POST /networks/create (network.CreateRequest). */
export interface NetworkCreateBody {
  Driver: string;
  Scope: string;
  EnableIPv6?: boolean;
  IPAM: { Driver: string; Options: Record<string, string>; Config: IpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigOnly: boolean;
  ConfigFrom: { Network: string } | null;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  Name: string;
  /** Sent only to daemons older than API 1.44, which need it to refuse duplicate names. */
  CheckDuplicate?: boolean;
}

export interface NetworkCreateResponse {
  Id: string;
  Warning?: string;
}

/** EndpointConfig of POST /networks/{id}/connect (the fields `network connect` sets). */
export interface EndpointConfig {
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
  Links: string[] | null;
  Aliases: string[];
  DriverOpts: Record<string, string>;
}

export interface NetworkPruneResponse {
  NetworksDeleted: string[] | null;
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

/** Filters as docker's client sends them since API 1.22, keys sorted as Go writes maps: {"label":{"a=b":true}}. */
export function encodeFilters(f: Filters | undefined): string | undefined {
  if (f === undefined || Object.keys(f).length === 0) return undefined;
  const sets = Object.entries(f).map(([k, values]): [string, unknown] => [k, Object.fromEntries(values.map((v): [string, unknown] => [v, true]).sort(byKey))]);
  return JSON.stringify(Object.fromEntries(sets.sort(byKey)));
}

/** moby's trimID: surrounding space goes; nothing left is an error. */
export function trimReference(kind: 'network' | 'container', ref: string): string {
  const trimmed = ref.trim();
  if (trimmed === '') throw new InvalidArgumentError(`invalid ${kind} name or ID: value is empty`);
  return trimmed;
}

const path = (ref: string): string => `/networks/${encodeURIComponent(trimReference('network', ref))}`;

export class NetworksApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  async list(filters?: Filters): Promise<NetworkSummary[]> {
    const rows = await this.#t.json<NetworkSummary[] | null>({ method: 'GET', path: '/networks', query: { filters: encodeFilters(filters) } });
    return rows ?? [];
  }

  inspect(ref: string, options: { verbose?: boolean } = {}): Promise<NetworkSummary> {
    // docker sends verbose=true (not 1): the daemon parses it with strconv.ParseBool either way.
    return this.#t.json({ method: 'GET', path: path(ref), query: { verbose: options.verbose ? 'true' : undefined } });
  }

  async create(body: NetworkCreateBody): Promise<NetworkCreateResponse> {
    const old = compareVersions(await this.#t.apiVersion(), '1.44') < 0;
    return this.#t.json({ method: 'POST', path: '/networks/create', json: old ? { ...body, CheckDuplicate: true } : body });
  }

  async remove(ref: string): Promise<void> {
    await this.#t.empty({ method: 'DELETE', path: path(ref) });
  }

  async connect(ref: string, container: string, endpoint: EndpointConfig): Promise<void> {
    const p = path(ref);
    const body = { Container: trimReference('container', container), EndpointConfig: endpoint };
    await this.#t.empty({ method: 'POST', path: `${p}/connect`, json: body });
  }

  async disconnect(ref: string, container: string, force: boolean): Promise<void> {
    const p = path(ref);
    const body = { Container: trimReference('container', container), Force: force };
    await this.#t.empty({ method: 'POST', path: `${p}/disconnect`, json: body });
  }

  async prune(filters: Filters = {}): Promise<NetworkPruneResponse> {
    const report = await this.#t.json<NetworkPruneResponse | null>({
      method: 'POST',
      path: '/networks/prune',
      query: { filters: encodeFilters(filters) },
    });
    return report ?? { NetworksDeleted: null };
  }
}
