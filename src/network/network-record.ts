/**
 * A network as the engine keeps it, and the endpoint a container has on it.
 *
 * Lifecycle of a network: the three predefined ones (bridge, host, none)
 * are made at the daemon's first start and can never be removed; a
 * user-defined bridge network is created with its subnet fixed, gets a
 * Linux bridge (re-ensured at every daemon start), and is removed only when
 * no container is attached to it.
 *
 * Lifecycle of an endpoint: the container's wish to be on a network
 * (aliases, a requested address) is part of its record from create or
 * connect; the endpoint itself — address, MAC, veth — exists only while the
 * container runs, and is kept in the container record so a restarted
 * daemon finds it again.
 */
export type NetworkDriver = 'bridge' | 'host' | 'null';

export interface IpamConfig {
  subnet: string;
  gateway: string;
  ipRange?: string;
}

export interface NetworkRecord {
  id: string;
  name: string;
  driver: NetworkDriver;
  created: string;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** One IPv4 config for bridge networks; none for host and null. */
  ipam: IpamConfig[];
  /** The Linux bridge (bridge driver). */
  bridge?: string;
  /** bridge, host, none: made by the daemon, never removed. */
  predefined: boolean;
}

/** What a container asked for on one network (Docker's EndpointSettings, the part a user sets). */
export interface EndpointWish {
  aliases: string[];
  ipv4Address?: string;
}

/** An endpoint of a running container. */
export interface Endpoint {
  networkId: string;
  endpointId: string;
  /** Address without prefix ("172.18.0.2"). */
  ipv4: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  /** The host side of the veth pair. */
  hostIfname: string;
  /** The name inside the container: eth0, eth1, … */
  ifname: string;
}

/** The predefined networks' names. */
export const PREDEFINED = ['bridge', 'host', 'none'] as const;

/** Docker's network JSON (NetworkResource), without Containers (the service adds it for inspect). */
export function networkJson(n: NetworkRecord): Record<string, unknown> {
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: {
      Driver: 'default',
      Options: n.predefined ? null : {},
      Config: n.ipam.map((c) => ({ Subnet: c.subnet, Gateway: c.gateway, ...(c.ipRange ? { IPRange: c.ipRange } : {}) })),
    },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: {},
    Options: n.options,
    Labels: n.labels,
  };
}
